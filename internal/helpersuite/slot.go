package helpersuite

import "strings"

// KeySlot is the Redis Cluster slot of key (0–16383): the CRC16 (XMODEM)
// of its hash tag — the text between the first "{" and the first "}" after
// it, when that text is not empty — or of the whole key, modulo 16384.
// Suites use it to check that all the keys of one helper step share a slot.
func KeySlot(key string) int {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for k := 0; k < len(key); k++ {
		crc ^= uint16(key[k]) << 8
		for b := 0; b < 8; b++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) % 16384
}
