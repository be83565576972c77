package geo_test

import (
	"fmt"

	"github.com/embedis/embedis/internal/geo"
)

// GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania,
// then GEOPOS, GEOHASH, GEODIST and GEOSEARCH, as Redis computes them.
func Example() {
	palermo, _ := geo.Encode(13.361389, 38.115556)
	catania, _ := geo.Encode(15.087269, 37.502669)
	fmt.Println("scores:", palermo, catania)

	lon, lat := geo.Decode(palermo)
	fmt.Println("GEOPOS Palermo:", geo.FormatCoord(lon), geo.FormatCoord(lat))
	fmt.Println("GEOHASH Palermo:", geo.HashString(palermo))

	lon2, lat2 := geo.Decode(catania)
	km, _ := geo.Unit("km")
	fmt.Println("GEODIST km:", geo.FormatDistance(geo.Distance(lon, lat, lon2, lat2), km))

	// GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST: scan the
	// areas in order, keep the members inside the circle.
	shape := geo.Shape{Lon: 15, Lat: 37, Radius: 200, Unit: km}
	for _, r := range geo.Areas(shape) {
		for _, m := range []struct {
			name  string
			score uint64
		}{{"Palermo", palermo}, {"Catania", catania}} {
			if r.Min <= m.score && m.score < r.Max {
				if d, ok := shape.Contains(m.score); ok {
					fmt.Println("GEOSEARCH:", m.name, geo.FormatDistance(d, km))
				}
			}
		}
	}
	// Output:
	// scores: 3479099956230698 3479447370796909
	// GEOPOS Palermo: 13.36138933897018433 38.11555639549629859
	// GEOHASH Palermo: sqc8b49rny0
	// GEODIST km: 166.2742
	// GEOSEARCH: Palermo 190.4424
	// GEOSEARCH: Catania 56.4413
}
