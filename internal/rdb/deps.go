package rdb

// The CRC-64 and LZF primitives come from internal/crc64 and internal/lzf;
// until internal/lzf lands, the LZF stand-in never compresses and refuses
// compressed strings.

import "github.com/embedis/embedis/internal/crc64"

func crcUpdate(crc uint64, p []byte) uint64 { return crc64.Update(crc, p) }

const lzfAvailable = false

// lzfCompress compresses src into dst, returning 0 when it does not fit.
func lzfCompress(dst, src []byte) int { return 0 }

// lzfDecompress decompresses src into dst, returning the bytes written.
func lzfDecompress(dst, src []byte) (int, error) {
	return 0, errLZFMissing
}

var errLZFMissing = errorString("lzf not available yet")

type errorString string

func (e errorString) Error() string { return string(e) }
