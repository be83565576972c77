// Command nearby is the classic ride-sharing lookup on embedis's geo sets:
// drivers report their positions, a rider asks for the nearest available
// drivers, one of them accepts the ride and leaves the available set, the
// others move, and the rider asks again.
//
//	go run ./examples/nearby
//
// The drivers' positions come from a fixed seed, so the output is the same
// on every run.
package main

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/embedis/embedis"
)

// Lisbon: Praça do Comércio, and the rider at Rossio, 700 m north.
const (
	centreLon, centreLat = -9.1365, 38.7077
	riderLon, riderLat   = -9.1394, 38.7139
)

// offset returns the point dx km east and dy km north of (lon, lat): at
// city scale a degree of latitude is 111.32 km, one of longitude that times
// the cosine of the latitude.
func offset(lon, lat, dx, dy float64) (float64, float64) {
	const kmPerDegree = 111.32
	return lon + dx/(kmPerDegree*math.Cos(lat*math.Pi/180)), lat + dy/kmPerDegree
}

func main() {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(7, 42))

	// 40 drivers spread over an 8 km × 8 km square around the centre report
	// their positions: one GeoAdd for the whole fleet.
	fleet := make([]embedis.GeoLocation, 40)
	for i := range fleet {
		lon, lat := offset(centreLon, centreLat, 8*r.Float64()-4, 8*r.Float64()-4)
		fleet[i] = embedis.GeoLocation{Name: fmt.Sprintf("driver-%02d", i+1), Longitude: lon, Latitude: lat}
	}
	if _, err := s.GeoAdd(ctx, "drivers:available", fleet...); err != nil {
		log.Fatal(err)
	}

	// The rider asks for the 5 nearest available drivers within 3 km.
	query := embedis.GeoSearchQuery{
		Longitude: riderLon, Latitude: riderLat,
		Radius: 3, Unit: "km", Sort: "ASC", Count: 5,
	}
	nearest := search(ctx, s, query, "5 nearest drivers within 3 km of the rider")

	// The nearest driver accepts: moved from the available set to the busy
	// one, atomically, so no other rider can get it in between.
	chosen := nearest[0].Name
	err = s.Atomic(ctx, func(tx *embedis.Tx) error {
		pos, err := tx.GeoPos("drivers:available", chosen)
		if err != nil || pos[0] == nil {
			return fmt.Errorf("%s is no longer available (%v)", chosen, err)
		}
		if _, err := tx.ZRem("drivers:available", chosen); err != nil {
			return err
		}
		_, err = tx.GeoAdd("drivers:busy", embedis.GeoLocation{Name: chosen, Longitude: pos[0].Longitude, Latitude: pos[0].Latitude})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	available, _ := s.ZCard(ctx, "drivers:available")
	busy, _ := s.ZCard(ctx, "drivers:busy")
	fmt.Printf("\n%s accepts the ride: %d available, %d busy\n", chosen, available, busy)

	// A minute later every available driver has moved up to 500 m in each
	// direction: a GeoAdd of an existing member moves it (and adds nothing).
	moved := make([]embedis.GeoLocation, 0, len(fleet))
	for _, d := range fleet {
		if d.Name == chosen {
			continue
		}
		d.Longitude, d.Latitude = offset(d.Longitude, d.Latitude, r.Float64()-0.5, r.Float64()-0.5)
		moved = append(moved, d)
	}
	added, err := s.GeoAdd(ctx, "drivers:available", moved...)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d drivers report new positions (%d new)\n\n", len(moved), added)

	search(ctx, s, query, "the rider asks again")
}

// search runs the query on the available drivers and prints what it finds.
func search(ctx context.Context, s *embedis.Store, q embedis.GeoSearchQuery, title string) []embedis.GeoLocation {
	found, err := s.GeoSearchLocation(ctx, "drivers:available", q)
	if err != nil {
		log.Fatal(err)
	}
	if len(found) == 0 {
		log.Fatal("no driver nearby")
	}
	fmt.Println(title + ":")
	for i, d := range found {
		// Dist is in the query's unit (km); the position (latitude,
		// longitude) is the centre of the driver's geohash cell, within a
		// metre of what it reported.
		fmt.Printf("  %d. %s %.3f km  at %.5f, %.5f\n", i+1, d.Name, d.Dist, d.Latitude, d.Longitude)
	}
	return found
}
