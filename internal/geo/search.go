package geo

import "math"

// Shape is a search area around a centre (Lon, Lat): a circle of the given
// Radius, or, when Box is true, a box Width wide (east-west) and Height
// high (north-south), centred on the centre.
//
// Radius, Width and Height are in metres when Unit is zero. Otherwise they
// are in the unit given to GEOSEARCH and Unit is its factor (metres per
// unit, as returned by Unit): Redis converts a box's half-diagonal to
// metres after computing it, and setting Unit instead of converting the
// lengths beforehand reproduces that rounding exactly.
type Shape struct {
	Lon, Lat      float64
	Radius        float64
	Box           bool
	Width, Height float64
	Unit          float64
}

// Range is a half-open score range [Min, Max) to scan in the sorted set.
// Redis compares scores with these bounds as float64s; the bounds are
// given as the integers those float64s hold (which matters only for the
// cells past longitude 180, see Encode).
type Range struct{ Min, Max uint64 }

// mercatorMax is the half-circumference (in metres) of the Web Mercator
// world that Redis's step estimate starts from.
const mercatorMax = 20037726.37

// conversion returns the metres per unit of the shape's lengths.
func (s Shape) conversion() float64 {
	if s.Unit == 0 {
		return 1
	}
	return s.Unit
}

// bounds is a bounding box in degrees.
type bounds struct{ minLon, minLat, maxLon, maxLat float64 }

// boundingBox returns the shape's bounding box in degrees. The east-west
// extent in degrees grows with latitude, so Redis uses the latitude of
// the box's edge nearer the pole: the top edge in the northern hemisphere,
// the bottom edge in the southern one. (At the equator the two are equal.)
// Near a pole the cosine can be tiny or negative, giving an enormous or
// inverted longitude extent; Redis does not correct that, and neither do
// we, since the result decides which cells are scanned.
func (s Shape) boundingBox() bounds {
	conv := s.conversion()
	var halfHeight, halfWidth float64
	if s.Box {
		halfHeight = conv * (s.Height / 2)
		halfWidth = conv * (s.Width / 2)
	} else {
		halfHeight = conv * s.Radius
		halfWidth = halfHeight
	}
	latDelta := degrees(halfHeight / earthRadius)
	edgeLat := s.Lat + latDelta
	if s.Lat < 0 {
		edgeLat = s.Lat - latDelta
	}
	lonDelta := degrees(halfWidth / earthRadius / cos(radians(edgeLat)))
	return bounds{
		minLon: s.Lon - lonDelta, maxLon: s.Lon + lonDelta,
		minLat: s.Lat - latDelta, maxLat: s.Lat + latDelta,
	}
}

// searchRadius is the distance in metres from the centre to the farthest
// point of the shape, which sets the cell size.
func (s Shape) searchRadius() float64 {
	r := s.Radius
	if s.Box {
		w, h := s.Width/2, s.Height/2
		r = math.Sqrt(float64(w*w) + float64(h*h))
	}
	return r * s.conversion()
}

// estimateSteps returns the step (bits per axis) whose cells are large
// enough that the cell of the centre and its neighbours cover a circle of
// the given radius: the number of halvings from the Mercator
// half-circumference down to the radius, less two for safety and one or
// two more near the poles, where cells are narrower on the ground.
func estimateSteps(radius, lat float64) uint {
	if radius == 0 {
		return Steps
	}
	step := 1
	// Stopping at 64 halvings changes nothing (the step is capped at 26
	// below) but keeps a negative or NaN radius from looping forever.
	for radius < mercatorMax && step < 64 {
		radius *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return uint(min(max(step, 1), Steps))
}

// The masks of the longitude (odd) and latitude (even) bits of a cell.
const (
	lonBits = 0xaaaaaaaaaaaaaaaa
	latBits = 0x5555555555555555
)

// moveLon returns the cell d (+1 east, -1 west) cells away in longitude,
// wrapping around the antimeridian. The longitude bits are incremented in
// place by filling the gaps between them with ones, so that the carry
// (or borrow) runs through; only the longitude bits are then masked to
// the cell's width, so a latitude index past the last cell (see
// encodeCell) survives, as it does in Redis.
func moveLon(c cell, d int) cell {
	width := 64 - 2*c.step
	x, y := c.bits&lonBits, c.bits&latBits
	gaps := uint64(latBits) >> width
	if d > 0 {
		x += gaps + 1
	} else {
		x = (x | gaps) - (gaps + 1)
	}
	x &= uint64(lonBits) >> width
	return cell{bits: x | y, step: c.step}
}

// moveLat is moveLon for latitude (+1 north, -1 south). It wraps from
// pole to pole, which is meaningless but is what Redis scans.
func moveLat(c cell, d int) cell {
	width := 64 - 2*c.step
	x, y := c.bits&lonBits, c.bits&latBits
	gaps := uint64(lonBits) >> width
	if d > 0 {
		y += gaps + 1
	} else {
		y = (y | gaps) - (gaps + 1)
	}
	y &= uint64(latBits) >> width
	return cell{bits: x | y, step: c.step}
}

// The neighbours in the order Redis scans them after the centre cell.
const (
	north = iota
	south
	east
	west
	northEast
	northWest
	southEast
	southWest
)

func neighbours(c cell) [8]cell {
	return [8]cell{
		north:     moveLat(c, 1),
		south:     moveLat(c, -1),
		east:      moveLon(c, 1),
		west:      moveLon(c, -1),
		northEast: moveLat(moveLon(c, 1), 1),
		northWest: moveLat(moveLon(c, -1), 1),
		southEast: moveLat(moveLon(c, 1), -1),
		southWest: moveLat(moveLon(c, -1), -1),
	}
}

// Areas returns the score ranges GEOSEARCH and GEORADIUS scan for the
// shape, in the order Redis scans them: the cell containing the centre,
// then its neighbours north, south, east, west, north-east, north-west,
// south-east, south-west. Neighbours Redis drops (wholly outside the
// bounding box) are left out, and so is a neighbour equal to the one
// scanned just before it; like Redis, a neighbour equal to the centre
// cell is not left out. The centre must be within Redis's limits; any
// radius, width and height not negative are fine.
func Areas(s Shape) []Range {
	b := s.boundingBox()
	step := estimateSteps(s.searchRadius(), s.Lat)

	centre, _ := encodeCell(redisLon, redisLat, s.Lon, s.Lat, step)
	near := neighbours(centre)

	// The estimate is rough: if a neighbour does not reach the edge of
	// the bounding box on its side, double the cells once and start over.
	edgeOf := func(c cell) area { return decodeCell(redisLon, redisLat, c) }
	if step > 1 && (edgeOf(near[north]).lat.max < b.maxLat ||
		edgeOf(near[south]).lat.min > b.minLat ||
		edgeOf(near[east]).lon.max < b.maxLon ||
		edgeOf(near[west]).lon.min > b.minLon) {
		step--
		centre, _ = encodeCell(redisLon, redisLat, s.Lon, s.Lat, step)
		near = neighbours(centre)
	}

	// If the centre cell itself reaches past the bounding box on a side,
	// the three neighbours on that side are useless. At step 1 a cell is a
	// quarter of the world and Redis keeps everything.
	if step >= 2 {
		a := decodeCell(redisLon, redisLat, centre)
		drop := func(dirs ...int) {
			for _, d := range dirs {
				near[d] = cell{}
			}
		}
		if a.lat.min < b.minLat {
			drop(south, southWest, southEast)
		}
		if a.lat.max > b.maxLat {
			drop(north, northEast, northWest)
		}
		if a.lon.min < b.minLon {
			drop(west, southWest, northWest)
		}
		if a.lon.max > b.maxLon {
			drop(east, southEast, northEast)
		}
	}

	cells := make([]cell, 0, 9)
	cells = append(cells, centre)
	cells = append(cells, near[:]...)
	ranges := make([]Range, 0, 9)
	last := 0 // index of the last cell scanned; 0 (the centre) is never compared
	for i, c := range cells {
		if c == (cell{}) {
			continue
		}
		// With radii of thousands of kilometres, adjacent neighbours can
		// be the same cell; Redis skips a repeat of the previous scan
		// only, and not of the centre, since it tests last != 0.
		if last != 0 && c == cells[last] {
			continue
		}
		ranges = append(ranges, c.scores())
		last = i
	}
	return ranges
}

// scores returns the range of 52-bit scores inside the cell: its bits
// followed by any low bits.
func (c cell) scores() Range {
	shift := 52 - 2*c.step
	return Range{Min: asScore(c.bits << shift), Max: asScore((c.bits + 1) << shift)}
}

// asScore rounds v to the float64 Redis compares scores with.
func asScore(v uint64) uint64 { return uint64(float64(v)) }

// Contains reports whether a member stored with score bits lies inside
// the shape, and its distance from the centre in metres. As in Redis the
// member's position is the centre of its cell (what GEOPOS reports), and
// a point exactly on the edge is inside.
//
// For a box, Redis first compares the distance along the meridian with
// half the height, then the distance along the member's parallel to the
// centre's meridian with half the width; only then does it compute the
// distance to the centre. The dist returned for a member outside the box
// is meaningless.
//
// The correctly rounded trigonometry of Distance costs about 600 ns; most
// members of the scanned cells lie well outside the shape, so each test
// first computes the distance with Go's math functions (within a few ulps,
// some 1e-15 relative) and rejects a member that is outside by far more
// than that error, keeping the exact computation for members inside or
// near the edge.
func (s Shape) Contains(bits uint64) (dist float64, ok bool) {
	lon, lat := Decode(bits)
	conv := s.conversion()
	if !s.Box {
		limit := s.Radius * conv
		if clearlyBeyond(fastDistance(s.Lon, s.Lat, lon, lat), limit) {
			return 0, false
		}
		dist = Distance(s.Lon, s.Lat, lon, lat)
		return dist, !(dist > limit)
	}
	if latDistance(lat, s.Lat) > s.Height*conv/2 {
		return 0, false
	}
	half := s.Width * conv / 2
	if clearlyBeyond(fastDistance(lon, lat, s.Lon, lat), half) ||
		Distance(lon, lat, s.Lon, lat) > half {
		return 0, false
	}
	return Distance(s.Lon, s.Lat, lon, lat), true
}

// Test is Contains without the exact distance where it is not needed to
// decide: it reports whether the member at bits is inside the shape, as
// Contains does, and returns its distance from the centre in metres, exact
// when exact is true and otherwise from Go's math functions (within some
// 1e-15 relative of the exact one, see Close). The exact trigonometry runs
// only for members within about a billionth of the edge, so a caller that
// needs exact distances only for what it returns (sorted results cut to a
// count, without WITHDIST) saves it for most members.
func (s Shape) Test(bits uint64) (dist float64, exact, ok bool) {
	lon, lat := Decode(bits)
	conv := s.conversion()
	if s.Box {
		if latDistance(lat, s.Lat) > s.Height*conv/2 {
			return 0, false, false
		}
		half := s.Width * conv / 2
		if d := fastDistance(lon, lat, s.Lon, lat); clearlyBeyond(d, half) ||
			!clearlyWithin(d, half) && Distance(lon, lat, s.Lon, lat) > half {
			return 0, false, false
		}
		return fastDistance(s.Lon, s.Lat, lon, lat), false, true
	}
	limit := s.Radius * conv
	// A great circle is never shorter than the difference of latitudes
	// along a meridian: that rejects many members without trigonometry.
	if clearlyBeyond(latDistance(lat, s.Lat), limit) {
		return 0, false, false
	}
	d := fastDistance(s.Lon, s.Lat, lon, lat)
	switch {
	case clearlyBeyond(d, limit):
		return 0, false, false
	case clearlyWithin(d, limit):
		return d, false, true
	}
	d = Distance(s.Lon, s.Lat, lon, lat)
	return d, true, !(d > limit)
}

// DistanceTo returns the exact distance in metres from the shape's centre
// to the member at bits (what Contains returns for a member inside).
func (s Shape) DistanceTo(bits uint64) float64 {
	lon, lat := Decode(bits)
	return Distance(s.Lon, s.Lat, lon, lat)
}

// Close reports whether two distances from Test may be in either order
// once computed exactly: they are within the error margin of each other.
func Close(a, b float64) bool {
	return math.Abs(a-b) <= (a+b)*1e-9+1e-9
}

// clearlyWithin reports whether an approximate distance d is certainly at
// most limit (see clearlyBeyond).
func clearlyWithin(d, limit float64) bool {
	return d < limit-limit*1e-9-1e-9
}

// clearlyBeyond reports whether an approximate distance d (from
// fastDistance) is certainly greater than limit, whatever its last bits:
// the margin, a millionth of a millimetre plus a billionth of the
// distance, dwarfs fastDistance's error.
func clearlyBeyond(d, limit float64) bool {
	return d > limit+limit*1e-9+1e-9
}

// fastDistance is Distance with Go's math functions: faithful rather than
// correctly rounded, so within a few ulps of Distance. Only for filtering.
func fastDistance(lon1, lat1, lon2, lat2 float64) float64 {
	v := math.Sin((radians(lon2) - radians(lon1)) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	lat1r, lat2r := radians(lat1), radians(lat2)
	u := math.Sin((lat2r - lat1r) / 2)
	a := u*u + math.Cos(lat1r)*math.Cos(lat2r)*v*v
	return 2 * earthRadius * math.Asin(math.Sqrt(a))
}
