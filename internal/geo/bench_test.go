package geo

import "testing"

func BenchmarkEncode(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Encode(13.361389, 38.115556)
	}
}

func BenchmarkDecode(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Decode(3479099956230698)
	}
}

func BenchmarkDistance(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Distance(13.361389, 38.115556, 15.087269, 37.502669)
	}
}

func BenchmarkContains(b *testing.B) {
	s := Shape{Lon: 15, Lat: 37, Radius: 200, Unit: 1000}
	for i := 0; i < b.N; i++ {
		s.Contains(3479099956230698)
	}
}

func BenchmarkAreas(b *testing.B) {
	s := Shape{Lon: 15, Lat: 37, Radius: 200, Unit: 1000}
	for i := 0; i < b.N; i++ {
		Areas(s)
	}
}

// BenchmarkContainsOutside: a member of a scanned cell outside the circle,
// rejected by the fast filter.
func BenchmarkContainsOutside(b *testing.B) {
	s := Shape{Lon: 15, Lat: 37, Radius: 1, Unit: 1000}
	bits, _ := Encode(15.05, 37.02)
	for i := 0; i < b.N; i++ {
		if _, ok := s.Contains(bits); ok {
			b.Fatal("inside")
		}
	}
}
