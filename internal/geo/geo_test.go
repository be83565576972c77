package geo

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

// Values in these tables come from redis-server 7.0.15 (GEOADD, ZSCORE,
// GEOPOS, GEOHASH, GEODIST) unless a comment says otherwise.

func TestEncodeDecode(t *testing.T) {
	for _, tc := range []struct {
		lon, lat float64
		bits     uint64
		pos      [2]string
		hash     string
	}{
		{13.361389, 38.115556, 3479099956230698, [2]string{"13.36138933897018433", "38.11555639549629859"}, "sqc8b49rny0"},
		{0, 0, 3377699720527872, [2]string{"0.00000268220901489", "0.00000126736058093"}, "s0000000000"},
		// The lowest score: the cell's centre is inside the limits.
		{-180, MinLat, 0, [2]string{"-179.99999731779098511", "-85.05112751263942528"}, "00bh0hbj200"},
		// Longitude 180 is cell 2^26, past the last: bit 53 is set and the
		// decoded centre is clamped back to 180.
		{180, 0, 10133099161583616, [2]string{"180", "0.00000126736058093"}, "80000000000"},
		// ... and with an odd latitude index the score is above 2^53 and
		// odd, so the float64 score is rounded (to even).
		{180, 1, 10133185062043968, [2]string{"180", "0.99999945914297683"}, "800j8n012j0"},
		// The latitude limit is cell 2^26 too; clamped to the limit.
		{180, MaxLat, 13510798882111488, [2]string{"180", "85.0511287799999991"}, "bp05b5048p0"},
		{0, MaxLat, 6755399441055744, [2]string{"0.00000268220901489", "85.0511287799999991"}, "up05b5048p0"},
		{-179.9999999, 10, 1131741146535189, [2]string{"-179.99999731779098511", "10.00000092823272979"}, "81b0bh2n0p0"},
	} {
		bits, ok := Encode(tc.lon, tc.lat)
		if !ok || bits != tc.bits {
			t.Errorf("Encode(%v, %v) = %d, %v; want %d", tc.lon, tc.lat, bits, ok, tc.bits)
		}
		lon, lat := Decode(tc.bits)
		if got := [2]string{FormatCoord(lon), FormatCoord(lat)}; got != tc.pos {
			t.Errorf("Decode(%d) = %v, want %v", tc.bits, got, tc.pos)
		}
		if got := HashString(tc.bits); got != tc.hash {
			t.Errorf("HashString(%d) = %s, want %s", tc.bits, got, tc.hash)
		}
	}
}

func TestEncodeLimits(t *testing.T) {
	for _, tc := range []struct {
		lon, lat float64
		ok       bool
	}{
		{MinLon, MinLat, true}, {MaxLon, MaxLat, true}, {MinLon, MaxLat, true}, {MaxLon, MinLat, true},
		{math.Nextafter(MaxLon, 200), 0, false}, {math.Nextafter(MinLon, -200), 0, false},
		{0, math.Nextafter(MaxLat, 90), false}, {0, math.Nextafter(MinLat, -90), false},
		{0, 90, false}, {0, -90, false}, {math.NaN(), 0, false}, {0, math.NaN(), false}, {math.Inf(1), 0, false},
	} {
		if _, ok := Encode(tc.lon, tc.lat); ok != tc.ok {
			t.Errorf("Encode(%v, %v): ok = %v, want %v", tc.lon, tc.lat, ok, tc.ok)
		}
	}
}

func TestDistance(t *testing.T) {
	palermo, _ := Encode(13.361389, 38.115556)
	catania, _ := Encode(15.087269, 37.502669)
	lon1, lat1 := Decode(palermo)
	lon2, lat2 := Decode(catania)
	d := Distance(lon1, lat1, lon2, lat2)
	for _, tc := range []struct {
		unit string
		want string
	}{{"m", "166274.1516"}, {"km", "166.2742"}, {"mi", "103.3182"}, {"ft", "545518.8700"}} {
		u, _ := Unit(tc.unit)
		if got := FormatDistance(d, u); got != tc.want {
			t.Errorf("Palermo-Catania in %s = %s, want %s", tc.unit, got, tc.want)
		}
	}
	// The same longitude takes Redis's shortcut along the meridian.
	south, north := -20.0, 30.0
	r1, r2 := float64(south*degToRad), float64(north*degToRad)
	if got, want := Distance(10, south, 10, north), earthRadius*math.Abs(r2-r1); got != want {
		t.Errorf("meridian distance = %v, want %v", got, want)
	}
	if got := Distance(1, 2, 1, 2); got != 0 {
		t.Errorf("distance to itself = %v", got)
	}
}

// TestDistanceMatchesGlibc checks distances, to the bit, for point pairs
// where the haversine formula evaluated with Go's math package gives
// another float64 than with glibc's libm (the expected values were
// printed by a C program with Redis's formula, compiled with gcc -O2).
func TestDistanceMatchesGlibc(t *testing.T) {
	for _, tc := range []struct {
		lon1, lat1, lon2, lat2 float64
		want                   uint64
	}{
		{90.84084980628205, 34.36523469941899, -51.07905071577454, -20.587671437636757, 0x416e80a0af8e37ca},
		{146.1328530178497, 30.08939916135644, 138.84567327489032, -26.65971612922936, 0x4158426c6abed19f},
		{70.67872062203963, -31.19806158634823, 46.33026808202237, -14.878098956009438, 0x41476c876c62dce1},
		{174.05633471934038, 53.70315027564661, -53.02184561795721, -27.524909770994647, 0x416d0a170b674dd5},
		{-5.005981523273363, -28.176546568660655, 102.84278674654382, 16.697994754826965, 0x416805a06b87f147},
		{47.356297639929466, 25.159326919347137, -49.5070219734545, 40.58516204722625, 0x4160b6f3b7708255},
	} {
		if got := Distance(tc.lon1, tc.lat1, tc.lon2, tc.lat2); math.Float64bits(got) != tc.want {
			t.Errorf("Distance(%v, %v, %v, %v) = %v, want %v", tc.lon1, tc.lat1, tc.lon2, tc.lat2, got, math.Float64frombits(tc.want))
		}
	}
}

func TestFormatDistance(t *testing.T) {
	for _, tc := range []struct {
		metres, unit float64
		want         string
	}{
		// Redis (fixed-point, rounding metres/unit*1e4) prints .1290
		// where printf("%.4f") would print .1291.
		{19012386.500134442, 0.3048, "62376596.1290"},
		{0, 1, "0.0000"},
		{math.Copysign(0, -1), 1, "0.0000"},
		{0.00004, 1, "0.0000"},
		{0.00005, 1, "0.0000"}, // 0.5 rounds to even
		{0.00015, 1, "0.0001"}, // the float64 0.00015 is a little below
		// The float64 0.00025 is a little above, so printf("%.4f") gives
		// 0.0003, but times 1e4 it rounds to exactly 2.5, and llrint
		// rounds that to even.
		{0.00025, 1, "0.0002"},
		{0.0123, 1, "0.0123"},
		{1.5, 1, "1.5000"},
		{12345.67891, 1000, "12.3457"},
		{-2.5, 1, "-2.5000"},
	} {
		if got := FormatDistance(tc.metres, tc.unit); got != tc.want {
			t.Errorf("FormatDistance(%v, %v) = %s, want %s", tc.metres, tc.unit, got, tc.want)
		}
	}
}

func TestFormatCoord(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{180, "180"}, {-180, "-180"}, {0.5, "0.5"}, {0, "0"}, {math.Copysign(0, -1), "0"},
		{-1e-18, "0"}, {1e-18, "0"},
		{85.05112878, "85.0511287799999991"},
		{13.36138933897018433, "13.36138933897018433"},
		{-179.99999731779098511, "-179.99999731779098511"},
	} {
		if got := FormatCoord(tc.x); got != tc.want {
			t.Errorf("FormatCoord(%v) = %s, want %s", tc.x, got, tc.want)
		}
	}
}

func TestUnit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		factor float64
		ok     bool
	}{
		{"m", 1, true}, {"M", 1, true}, {"km", 1000, true}, {"KM", 1000, true}, {"kM", 1000, true},
		{"ft", 0.3048, true}, {"FT", 0.3048, true}, {"mi", 1609.34, true}, {"Mi", 1609.34, true},
		{"", 0, false}, {"meters", 0, false}, {"k", 0, false}, {"kmm", 0, false},
		{"\u212Am", 0, false}, // the Kelvin sign folds to k in Unicode, not in strcasecmp
	} {
		f, ok := Unit(tc.name)
		if f != tc.factor || ok != tc.ok {
			t.Errorf("Unit(%q) = %v, %v; want %v, %v", tc.name, f, ok, tc.factor, tc.ok)
		}
	}
}

// TestTrigMatchesGlibc checks arguments for which Go's math package and
// glibc (redis-server's libm) disagree in the last bit; the expected
// values were printed by a C program calling glibc 2.36's sin, cos, asin.
func TestTrigMatchesGlibc(t *testing.T) {
	funcs := map[string]func(float64) float64{"sin": sin, "cos": cos, "asin": asin}
	for _, tc := range []struct {
		f    string
		x, y uint64
	}{
		{"cos", 0xbfe9c67acd007026, 0x3fe62b2422b14f0f},
		{"cos", 0x3fe2c941341cc86c, 0x3feaa4674b14313e},
		{"cos", 0x3ff1061b95050978, 0x3fdf1092872b62c8},
		{"cos", 0xbfece7899d37ad05, 0x3fe3cf41ed53a162},
		{"sin", 0x3ff03e17855e4d57, 0x3feb2fa1ea3ceef3},
		{"sin", 0xc001d8b4a4760e57, 0xbfe94787f76349f4},
		{"sin", 0x4001b44e011c64a6, 0x3fe99fc73d2b157c},
		{"sin", 0x4003126b7a2baf04, 0x3fe5fd5e77f81750},
		{"asin", 0x3fcee5c9ad1a6d4c, 0x3fcf34b06f6b5bb1},
		{"asin", 0x3f96cc0dc390a7e6, 0x3f96cc8934c3c22f},
		{"asin", 0x3fdaf46f27c7bc56, 0x3fdbd2ae301f873f},
		{"asin", 0x3fdd67d142b602eb, 0x3fde8d89e517a4e8},
	} {
		x := math.Float64frombits(tc.x)
		if got := math.Float64bits(funcs[tc.f](x)); got != tc.y {
			t.Errorf("%s(%#x) = %#x, want %#x", tc.f, tc.x, got, tc.y)
		}
	}
}

// bigSin and bigCos are Taylor series in 256-bit precision, an independent
// reference for the double-double functions.
func bigSinCos(x float64) (s, c *big.Float) {
	const prec = 256
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	s, c = new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec)
	sTerm := new(big.Float).SetPrec(prec).Set(bx)       // x^(2n+1)/(2n+1)!
	cTerm := new(big.Float).SetPrec(prec).SetFloat64(1) // x^(2n)/(2n)!
	for n := 0; n < 60; n++ {
		s.Add(s, sTerm)
		c.Add(c, cTerm)
		sTerm.Mul(sTerm, x2).Quo(sTerm, new(big.Float).SetInt64(int64(-(2*n+2)*(2*n+3))))
		cTerm.Mul(cTerm, x2).Quo(cTerm, new(big.Float).SetInt64(int64(-(2*n+1)*(2*n+2))))
	}
	return s, c
}

func TestTrigCorrectlyRounded(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		x := (r.Float64()*2 - 1) * 4
		bs, bc := bigSinCos(x)
		if want, _ := bs.Float64(); sin(x) != want {
			t.Errorf("sin(%v) = %v, want %v", x, sin(x), want)
		}
		if want, _ := bc.Float64(); cos(x) != want {
			t.Errorf("cos(%v) = %v, want %v", x, cos(x), want)
		}
		// asin(a) is correct if sin of it and of its neighbours bracket a
		// best: check that the true sin of the result is nearer to a than
		// the true sin of either neighbour is.
		a := r.Float64()
		if i%4 == 0 {
			a = 1 - a*1e-12
		}
		y := asin(a)
		best := func(y float64) *big.Float {
			s, _ := bigSinCos(y)
			return s.Sub(s, new(big.Float).SetFloat64(a)).Abs(s)
		}
		e := best(y)
		for _, n := range []float64{math.Nextafter(y, 0), math.Nextafter(y, 2)} {
			if best(n).Cmp(e) < 0 {
				t.Errorf("asin(%v) = %v, but %v is nearer", a, y, n)
			}
		}
	}
	if sin(math.Copysign(0, -1)) != 0 || !math.Signbit(sin(math.Copysign(0, -1))) {
		t.Error("sin(-0) is not -0")
	}
	if asin(1) != math.Pi/2 || !math.IsNaN(asin(1.5)) {
		t.Errorf("asin(1) = %v, asin(1.5) = %v", asin(1), asin(1.5))
	}
}

func TestNeighbours(t *testing.T) {
	// At step 2 the world is 4x4 cells; take the cell at lon index 3
	// (easternmost) and lat index 1.
	c := cell{bits: spread(1) | spread(3)<<1, step: 2}
	idx := func(c cell) [2]uint32 { return [2]uint32{squash(c.bits >> 1), squash(c.bits)} }
	n := neighbours(c)
	for dir, want := range map[int][2]uint32{
		north: {3, 2}, south: {3, 0}, east: {0, 1}, west: {2, 1},
		northEast: {0, 2}, northWest: {2, 2}, southEast: {0, 0}, southWest: {2, 0},
	} {
		if got := idx(n[dir]); got != want || n[dir].step != 2 {
			t.Errorf("neighbour %d = %v (step %d), want %v", dir, got, n[dir].step, want)
		}
	}
	// Latitude wraps from pole to pole, as in Redis.
	top := cell{bits: spread(3), step: 2}
	if got := idx(neighbours(top)[north]); got != [2]uint32{0, 0} {
		t.Errorf("north of the top row = %v", got)
	}
}

func TestEstimateSteps(t *testing.T) {
	for _, tc := range []struct {
		radius, lat float64
		want        uint
	}{
		{0, 0, 26}, {0.5, 0, 25}, {1000, 0, 14}, {1000, 70, 13}, {1000, -81, 12},
		{5e6, 0, 2}, {1e9, 0, 1}, {math.SmallestNonzeroFloat64, 0, 26},
		{-1, 0, 26}, {math.NaN(), 0, 1}, {math.Inf(1), 0, 1},
	} {
		if got := estimateSteps(tc.radius, tc.lat); got != tc.want {
			t.Errorf("estimateSteps(%v, %v) = %d, want %d", tc.radius, tc.lat, got, tc.want)
		}
	}
}

func TestAreas(t *testing.T) {
	// A whole-earth radius works at step 1 (a 2x2 world), where the
	// neighbours repeat: the centre (lon index 1, lat index 0), north,
	// east and north-east remain; south, west and the other diagonals
	// are skipped because each equals the cell scanned before it.
	got := Areas(Shape{Lon: 100, Lat: -30, Radius: 5e7})
	q := uint64(1) << 50
	want := []Range{{2 * q, 3 * q}, {3 * q, 4 * q}, {0, q}, {q, 2 * q}}
	if len(got) != len(want) {
		t.Fatalf("Areas = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Areas = %v, want %v", got, want)
		}
	}
	// Radius 0 scans just the centre's own 52-bit cell: the neighbours
	// are all beyond the (empty) bounding box.
	bits, _ := Encode(13.361389, 38.115556)
	lon, lat := Decode(bits)
	if got := Areas(Shape{Lon: lon, Lat: lat}); len(got) != 1 || got[0] != (Range{bits, bits + 1}) {
		t.Errorf("Areas(radius 0) = %v, want [{%d %d}]", got, bits, bits+1)
	}
}

func TestContainsBox(t *testing.T) {
	centre, _ := Encode(0, 0)
	lon, lat := Decode(centre)
	east, _ := Encode(0.9, 0)   // about 100 km east
	north, _ := Encode(0, 0.45) // about 50 km north
	s := Shape{Lon: lon, Lat: lat, Box: true, Width: 201, Height: 99, Unit: 1000}
	if _, ok := s.Contains(east); !ok {
		t.Error("a point 100 km east is outside a 201 km wide box")
	}
	if _, ok := s.Contains(north); ok {
		t.Error("a point 50 km north is inside a 99 km high box")
	}
	s.Height = 101
	if d, ok := s.Contains(north); !ok || math.Abs(d-0.45*degToRad*earthRadius) > 1 {
		t.Errorf("Contains(north) = %v, %v", d, ok)
	}
}
