package geo

import (
	"math/rand/v2"
	"testing"
)

// TestTestAgreesWithContains: Test decides exactly as Contains for random
// shapes and members (radius and box, tiny to huge, near the limits), and
// its approximate distances stay within Close of the exact ones.
func TestTestAgreesWithContains(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	checked, inside, approx := 0, 0, 0
	for i := 0; i < 3000; i++ {
		s := Shape{
			Lon:  r.Float64()*360 - 180,
			Lat:  r.Float64()*2*MaxLat - MaxLat,
			Unit: []float64{1, 1000, 0.3048, 1609.34}[r.IntN(4)],
		}
		size := []float64{0, 0.001, 1, 50, 1000, 20000}[r.IntN(6)]
		if r.IntN(2) == 0 {
			s.Box, s.Width, s.Height = true, size*(0.5+r.Float64()), size*(0.5+r.Float64())
		} else {
			s.Radius = size
		}
		for j := 0; j < 40; j++ {
			// Members around the centre, some on the edge's scale.
			lon := s.Lon + (r.Float64()-0.5)*[]float64{1e-5, 0.01, 1, 40}[r.IntN(4)]
			lat := s.Lat + (r.Float64()-0.5)*[]float64{1e-5, 0.01, 1, 40}[r.IntN(4)]
			bits, ok := Encode(lon, lat)
			if !ok {
				continue
			}
			want, wantOK := s.Contains(bits)
			got, exact, gotOK := s.Test(bits)
			checked++
			if gotOK != wantOK {
				t.Fatalf("%+v member (%v, %v): Test %v, Contains %v", s, lon, lat, gotOK, wantOK)
			}
			if !gotOK {
				continue
			}
			inside++
			if exact && got != want || !exact && !Close(got, want) {
				t.Fatalf("%+v member (%v, %v): Test distance %v (exact %v), Contains %v", s, lon, lat, got, exact, want)
			}
			if !exact {
				approx++
			}
			if d := s.DistanceTo(bits); d != want {
				t.Fatalf("DistanceTo %v, Contains %v", d, want)
			}
		}
	}
	if inside < 1000 || approx < 500 {
		t.Fatalf("too few members inside (%d of %d, %d approximate): the test does not exercise Test", inside, checked, approx)
	}
}
