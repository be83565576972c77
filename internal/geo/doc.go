// Package geo is the geohash arithmetic behind Redis 7.0's GEO commands,
// written so that every number it produces is bit-identical to what
// redis-server computes: the sorted-set scores GEOADD stores, the
// coordinates GEOPOS reports, the GEOHASH strings, the distances, and the
// score ranges a GEOSEARCH (or GEORADIUS) scans, in the order it scans
// them.
//
// # Layout of a score
//
// Redis stores a point as a sorted-set member whose score is a 52-bit
// geohash. Longitude is mapped linearly from [-180, 180] and latitude from
// [-85.05112878, 85.05112878] (the limits of the Web Mercator projection,
// EPSG:3857, so the poles themselves cannot be stored) to a 26-bit cell
// index each: index = floor((x - min) / (max - min) * 2^26). The two
// indexes are interleaved bit by bit, latitude in the even bit positions
// and longitude in the odd ones, so that the top 2k bits of a score are the
// cell at step k (k bits per axis) that contains the point. A cell at step
// k therefore covers one contiguous score range of width 2^(52-2k), which
// is what makes a search a handful of ZRANGEBYSCORE scans.
//
// A coordinate exactly at the upper limit (longitude 180 or latitude
// 85.05112878) maps to index 2^26, one past the last cell, so its score
// has bit 52 or 53 set. Redis does not special-case this; neither does
// Encode. Such scores can even exceed 2^53, where a float64 score cannot
// hold every integer: Encode returns the value the sorted set really keeps.
//
// # Decoding
//
// A score only names a cell (about 0.6 m by 0.3 m at the equator), so
// GEOPOS reports the centre of the cell, the point that is at most half a
// cell away from whatever was stored. For the out-of-range index 2^26 the
// centre lies beyond the limit, and Redis clamps it back to the limit;
// Decode does the same.
//
// GEOHASH strings use the standard geohash latitude range [-90, 90], not
// Redis's, so a score is decoded to its centre and re-encoded with the
// standard ranges before being written in base 32.
//
// # Searching
//
// A search by radius or box first computes a bounding box in degrees
// around the centre, then estimates a step (cell size) from the radius
// (for a box, from half its diagonal) so that the cell containing the
// centre and its eight neighbours cover the search area. If the
// neighbouring cells do not reach the bounding box, the step is decreased
// once (the cells doubled). Neighbours that lie wholly outside the
// bounding box on one side are then dropped. The remaining cells are
// scanned in a fixed order: the centre cell, then north, south, east,
// west, north-east, north-west, south-east, south-west; a cell identical
// to the one scanned just before it is skipped, which happens with very
// large radii where neighbours wrap around the globe. Every member found
// is then tested against the exact shape using the centre of its cell,
// which is why Contains decodes the score first.
//
// The order matters: a GEOSEARCH without ASC or DESC replies in scan
// order, so Areas returns the ranges in Redis's order and Redis's quirks
// (including duplicated cells it does not skip) are kept.
//
// # Floating point
//
// Bit-identical results need the same operations rounded the same way.
// The code is written so that the Go compiler cannot fuse a multiply and
// an add into one FMA (each product is converted explicitly, which the Go
// specification defines as a rounding point). Sine, cosine and arcsine
// are computed correctly rounded, in double-double arithmetic: glibc's
// implementations, which redis-server uses on Linux, return the correctly
// rounded float64 for all but about 0.03% of arguments, while Go's math
// package returns the other neighbour for 15% to 35% of them. As a
// result a distance differs from Redis's in the last bit for about 0.15%
// of point pairs (against a third with Go's math), and a formatted
// distance ("%.4f"-like) about once in ten million; matching glibc
// exactly would mean porting its algorithms.
//
// Distances are formatted the way Redis 7.0 formats them, which is not
// printf("%.4f") but a fixed-point conversion that rounds value*10000 to
// an integer (see FormatDistance).
package geo
