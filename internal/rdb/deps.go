package rdb

// The CRC-64 and LZF primitives come from internal/crc64 and internal/lzf;
// until those land, these stand-ins keep the package compiling: a bitwise
// CRC-64 (Jones, reflected, as Redis's) and an LZF that never compresses.

const crcPoly = 0x95ac9329ac4bc9b5 // Jones polynomial, reflected

var crcTable = func() (t [256]uint64) {
	for i := range t {
		c := uint64(i)
		for j := 0; j < 8; j++ {
			if c&1 == 1 {
				c = c>>1 ^ crcPoly
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return
}()

func crcUpdate(crc uint64, p []byte) uint64 {
	for _, b := range p {
		crc = crcTable[byte(crc)^b] ^ crc>>8
	}
	return crc
}

// lzfCompress compresses src into dst, returning 0 when it does not fit.
func lzfCompress(dst, src []byte) int { return 0 }

// lzfDecompress decompresses src into dst, returning the bytes written.
func lzfDecompress(dst, src []byte) (int, error) {
	return 0, errLZFMissing
}

var errLZFMissing = errorString("lzf not available yet")

type errorString string

func (e errorString) Error() string { return string(e) }
