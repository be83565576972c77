package rdb

// The CRC-64 and LZF primitives, from internal/crc64 and internal/lzf.

import (
	"github.com/embedis/embedis/internal/crc64"
	"github.com/embedis/embedis/internal/lzf"
)

func crcUpdate(crc uint64, p []byte) uint64 { return crc64.Update(crc, p) }

// lzfCompress compresses src into dst as Redis's lzf_compress, returning 0
// when the output does not fit in len(dst).
func lzfCompress(dst, src []byte) int { return lzf.Compress(dst, src) }

// lzfDecompress decompresses src into dst, returning the bytes written.
func lzfDecompress(dst, src []byte) (int, error) { return lzf.Decompress(dst, src) }
