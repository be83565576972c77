package geo

import (
	"math"
	"strings"
	"testing"
)

// FuzzGeo checks invariants on arbitrary input: Encode accepts exactly the
// points within Redis's limits; a decoded score lies in its cell and
// encodes back to the same score; the first area Redis would scan is the
// centre's own cell; and nothing panics.
func FuzzGeo(f *testing.F) {
	f.Add(13.361389, 38.115556, 200000.0, 1000.0, 2000.0)
	f.Add(180.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(-180.0, -85.05112878, 1e9, 1e9, 1.0)
	f.Add(180.0, 85.05112878, 50000.0, 3.0, 1e7)
	f.Add(179.99999, -40.0, 0.5, 0.0, 0.5)
	f.Add(0.0, 84.9, 3e6, 4e7, 4e7)
	f.Add(math.Copysign(0, -1), math.Copysign(0, -1), 1e-300, 5e-324, 1e300)
	f.Add(math.NaN(), 91.0, -1.0, math.Inf(1), math.NaN())
	f.Fuzz(func(t *testing.T, lon, lat, radius, width, height float64) {
		bits, ok := Encode(lon, lat)
		inLimits := lon >= MinLon && lon <= MaxLon && lat >= MinLat && lat <= MaxLat
		if ok != inLimits {
			t.Fatalf("Encode(%v, %v) ok = %v", lon, lat, ok)
		}
		if !ok {
			return
		}
		dlon, dlat := Decode(bits)
		// Half a cell, with room for the rounding of the cell's edges.
		halfLon := (MaxLon - MinLon) / (1 << (Steps + 1)) * (1 + 1e-9)
		halfLat := (MaxLat - MinLat) / (1 << (Steps + 1)) * (1 + 1e-9)
		exact := bits < 1<<53 // above, the float64 score is rounded to another cell
		if exact && (math.Abs(dlon-lon) > halfLon || math.Abs(dlat-lat) > halfLat) {
			t.Fatalf("Decode(Encode(%v, %v)) = %v, %v: outside the cell", lon, lat, dlon, dlat)
		}
		if again, _ := Encode(dlon, dlat); again != bits {
			t.Fatalf("Encode(Decode(%d)) = %d", bits, again)
		}
		if h := HashString(bits); len(h) != 11 || strings.Trim(h, base32) != "" {
			t.Fatalf("HashString(%d) = %q", bits, h)
		}
		if d := Distance(lon, lat, dlon, dlat); !(d >= 0 && d < 1) {
			t.Fatalf("distance from (%v, %v) to its cell centre = %v", lon, lat, d)
		}

		// Redis refuses negative or non-numeric lengths; Inf it accepts.
		radius, width, height = math.Abs(radius), math.Abs(width), math.Abs(height)
		if math.IsNaN(radius) || math.IsNaN(width) || math.IsNaN(height) {
			return
		}
		raw, _ := encodeCell(redisLon, redisLat, lon, lat, Steps)
		for _, s := range []Shape{
			{Lon: lon, Lat: lat, Radius: radius},
			{Lon: lon, Lat: lat, Box: true, Width: width, Height: height, Unit: 1000},
		} {
			areas := Areas(s)
			if len(areas) == 0 || len(areas) > 9 {
				t.Fatalf("Areas(%+v) = %v", s, areas)
			}
			if exact && !(areas[0].Min <= raw.bits && raw.bits < areas[0].Max) {
				t.Fatalf("Areas(%+v)[0] = %v does not hold the centre's score %d", s, areas[0], raw.bits)
			}
			d, in := s.Contains(bits)
			if !s.Box && radius >= 1 && !in {
				t.Fatalf("%+v does not contain the centre's own cell (distance %v)", s, d)
			}
		}
	})
}
