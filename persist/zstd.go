package persist

import (
	"bufio"
	"encoding/binary"
	"io"

	"github.com/klauspost/compress/zstd"
)

// maxZstdWindow bounds the memory a zstd file can make the decoder reserve
// for its window: 128 MiB, what `zstd --long` (window log 27) needs. Our
// encoder uses 8 MiB windows; the zstd command line tool's levels up to 19
// use at most 8 MiB too.
const maxZstdWindow = 1 << 27

// isZstd reports whether the first four bytes of a file start a zstd frame
// or a skippable frame (RFC 8878, section 3.1): the file is then decoded as
// zstd whatever its name.
func isZstd(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	m := binary.LittleEndian.Uint32(head)
	return m == 0xfd2fb528 || m&0xfffffff0 == 0x184d2a50
}

// writeZstd runs write with a writer that compresses into w, as one zstd
// frame at the default level (about the zstd tool's level 3), with a content
// checksum, and finishes the frame (a frame is written even for no bytes).
func writeZstd(w io.Writer, write func(io.Writer) error) error {
	enc, err := zstd.NewWriter(w, zstd.WithZeroFrames(true))
	if err != nil {
		return err
	}
	if err := write(enc); err != nil {
		enc.Close()
		return err
	}
	return enc.Close()
}

// rdbReader returns a reader of the RDB bytes in r: r itself (buffered) for a
// plain file, or a decoder for a zstd-compressed one. close releases the
// decoder's goroutines and buffers.
func rdbReader(r io.Reader) (rd io.Reader, close func(), err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4) // a short file is left for the RDB reader to refuse
	if !isZstd(head) {
		return br, func() {}, nil
	}
	dec, err := zstd.NewReader(br, zstd.WithDecoderMaxWindow(maxZstdWindow))
	if err != nil {
		return nil, nil, err
	}
	return dec, dec.Close, nil
}
