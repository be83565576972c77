package geo

// Redis's limits on coordinates and the precision of a stored score.
const (
	MinLon = -180.0
	MaxLon = 180.0
	MinLat = -85.05112878
	MaxLat = 85.05112878
	// Steps is the number of bits per axis in a stored score (52 bits in
	// all, so that every score is an integer a float64 holds exactly).
	Steps = 26
)

// interval is a coordinate range that is mapped onto cell indexes. The
// bounds are variables, not constants, so that (max - min) is evaluated in
// float64 at run time just as in C, never with the exact arithmetic Go uses
// for constant expressions.
type interval struct{ min, max float64 }

var (
	redisLon = interval{MinLon, MaxLon}
	redisLat = interval{MinLat, MaxLat}
	// stdLat is the latitude range of standard geohash strings; GEOHASH
	// re-encodes with it (and with redisLon, which is standard already).
	stdLat = interval{-90, 90}
)

// valid reports whether (lon, lat) is within Redis's limits. NaN is not.
func valid(lon, lat float64) bool {
	return lon >= MinLon && lon <= MaxLon && lat >= MinLat && lat <= MaxLat
}

// cell is a geohash at some step: step bits per axis, interleaved in the
// low 2*step bits (latitude in even positions). The zero cell stands for
// "no cell" (a neighbour Redis dropped); a real cell has step >= 1.
type cell struct {
	bits uint64
	step uint
}

// encodeCell returns the cell at the given step containing (lon, lat),
// using the given ranges. ok is false outside Redis's limits or the ranges.
func encodeCell(lonR, latR interval, lon, lat float64, step uint) (cell, bool) {
	if !valid(lon, lat) || lon < lonR.min || lon > lonR.max || lat < latR.min || lat > latR.max {
		return cell{}, false
	}
	latOff := (lat - latR.min) / (latR.max - latR.min)
	lonOff := (lon - lonR.min) / (lonR.max - lonR.min)
	// Scaling by a power of two is exact; the conversion truncates like
	// C's double-to-integer conversion. An offset of exactly 1 gives the
	// index 2^step, one past the last cell: Redis keeps it, and so do we.
	scale := float64(uint64(1) << step)
	latIdx := uint32(latOff * scale)
	lonIdx := uint32(lonOff * scale)
	return cell{bits: spread(latIdx) | spread(lonIdx)<<1, step: step}, true
}

// area is the rectangle of coordinates a cell covers.
type area struct{ lon, lat interval }

// decodeCell returns the rectangle the cell covers with the given ranges.
func decodeCell(lonR, latR interval, c cell) area {
	latIdx, lonIdx := squash(c.bits), squash(c.bits>>1)
	cells := float64(uint64(1) << c.step)
	latScale := latR.max - latR.min
	lonScale := lonR.max - lonR.min
	// edge computes min + idx/cells*scale. The product is converted
	// explicitly so that the compiler may not fuse it with the addition:
	// Redis rounds the product first. The +1 is done in uint32 like C.
	edge := func(r interval, scale float64, idx uint32) float64 {
		return r.min + float64(float64(idx)/cells*scale)
	}
	return area{
		lon: interval{edge(lonR, lonScale, lonIdx), edge(lonR, lonScale, lonIdx+1)},
		lat: interval{edge(latR, latScale, latIdx), edge(latR, latScale, latIdx+1)},
	}
}

// centre returns the middle of the area, clamped to Redis's limits: the
// cell past the last one (see encodeCell) has its centre beyond the limit.
func (a area) centre() (lon, lat float64) {
	lon = (a.lon.min + a.lon.max) / 2
	lat = (a.lat.min + a.lat.max) / 2
	return clamp(lon, MinLon, MaxLon), clamp(lat, MinLat, MaxLat)
}

func clamp(x, lo, hi float64) float64 {
	if x > hi {
		return hi
	}
	if x < lo {
		return lo
	}
	return x
}

// Encode returns the 52-bit interleaved geohash Redis stores as the
// sorted-set score of (lon, lat); ok is false when the coordinates are
// outside Redis's limits (GEOADD's error case).
//
// For longitude exactly 180 the hash exceeds 2^53 (see the package
// documentation) and GEOADD's score is the nearest float64, not the hash
// itself; Encode returns that score, so float64(bits) is always exact and
// equal to ZSCORE.
func Encode(lon, lat float64) (bits uint64, ok bool) {
	c, ok := encodeCell(redisLon, redisLat, lon, lat, Steps)
	if !ok {
		return 0, false
	}
	// GEOADD formats the hash as an integer and ZADD parses it back as a
	// double, which rounds to nearest, ties to even, like this conversion.
	return uint64(float64(c.bits)), true
}

// Decode returns the coordinates GEOPOS reports for a stored score: the
// centre of the score's cell, clamped to Redis's limits.
func Decode(bits uint64) (lon, lat float64) {
	return decodeCell(redisLon, redisLat, cell{bits: bits, step: Steps}).centre()
}

// base32 is the standard geohash alphabet.
const base32 = "0123456789bcdefghjkmnpqrstuvwxyz"

// HashString returns the 11-character GEOHASH string for a stored score.
// Redis's scores use a latitude range of ±85.05112878 instead of the
// standard ±90, so the score is decoded and the centre re-encoded with the
// standard ranges. The 52 bits fill ten base-32 characters; Redis keeps
// the customary 11-character length by writing '0' for the eleventh, for
// which it has no bits.
func HashString(bits uint64) string {
	lon, lat := Decode(bits)
	c, _ := encodeCell(redisLon, stdLat, lon, lat, Steps) // always within the limits after Decode
	var buf [11]byte
	for i := 0; i < 10; i++ {
		buf[i] = base32[(c.bits>>(52-5*(i+1)))&0x1f]
	}
	buf[10] = '0'
	return string(buf[:])
}

// spread moves bit i of x to bit 2i of the result (Morton interleaving);
// squash is its inverse, gathering the even bits of x. Both are the usual
// shift-and-mask cascades, each step doubling the gap between groups.
func spread(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

func squash(x uint64) uint32 {
	v := x & 0x5555555555555555
	v = (v | v>>1) & 0x3333333333333333
	v = (v | v>>2) & 0x0f0f0f0f0f0f0f0f
	v = (v | v>>4) & 0x00ff00ff00ff00ff
	v = (v | v>>8) & 0x0000ffff0000ffff
	v = (v | v>>16) & 0x00000000ffffffff
	return uint32(v)
}
