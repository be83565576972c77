package geo

import (
	"math"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// randomPoint returns a valid point, mostly in the places where Redis's
// arithmetic has edge cases: the antimeridian, the latitude limits, the
// exact limits, and clusters around a few hubs (so that searches there
// find many members).
func randomPoint(r *rand.Rand, hubs [][2]float64) (lon, lat float64) {
	uniformLat := func() float64 { return MinLat + r.Float64()*(MaxLat-MinLat) }
	switch k := r.Intn(20); {
	case k < 7: // anywhere
		return -180 + r.Float64()*360, uniformLat()
	case k < 10: // near the antimeridian
		lon = 180 - r.Float64()*2
		if r.Intn(2) == 0 {
			lon = -lon
		}
		return lon, uniformLat()
	case k < 13: // near the latitude limits
		lat = MaxLat - r.Float64()*6
		if r.Intn(2) == 0 {
			lat = -lat
		}
		return -180 + r.Float64()*360, lat
	case k < 19: // around a hub
		h := hubs[r.Intn(len(hubs))]
		lon = clamp(h[0]+r.NormFloat64()*0.3, MinLon, MaxLon)
		lat = clamp(h[1]+r.NormFloat64()*0.3, MinLat, MaxLat)
		return lon, lat
	default: // exactly at, or one ulp inside, a limit
		lons := []float64{MinLon, MaxLon, 0, math.Nextafter(MaxLon, 0), math.Nextafter(MinLon, 0)}
		lats := []float64{MinLat, MaxLat, 0, math.Nextafter(MaxLat, 0), math.Nextafter(MinLat, 0)}
		if r.Intn(2) == 0 {
			return lons[r.Intn(len(lons))], uniformLat()
		}
		return -180 + r.Float64()*360, lats[r.Intn(len(lats))]
	}
}

// randomShape returns a search shape in a random unit, and the unit's
// name and factor. Lengths are chosen in metres and then expressed in the
// unit, so each size class means the same on the ground whatever the unit.
func randomShape(r *rand.Rand, lon, lat float64) (Shape, string) {
	var metres float64
	switch k := r.Intn(20); {
	case k < 1:
		metres = 0
	case k < 3: // tiny: well below a cell
		metres = r.Float64()
	case k < 8:
		metres = math.Exp(r.Float64() * math.Log(20000))
	case k < 16:
		metres = 20000 + r.Float64()*2e6
	case k < 19:
		metres = 2e6 + r.Float64()*1.5e7
	default: // the whole earth and beyond
		metres = 2e7 + r.Float64()*3e7
	}
	units := []string{"m", "km", "ft", "mi", "KM"}
	unitName := units[r.Intn(len(units))]
	unit, _ := Unit(unitName)
	s := Shape{Lon: lon, Lat: lat, Unit: unit}
	if r.Intn(2) == 0 {
		s.Radius = metres / unit
	} else {
		s.Box = true
		s.Width = 2 * metres / unit * (0.2 + r.Float64()*1.6)
		s.Height = 2 * metres / unit * (0.2 + r.Float64()*1.6)
	}
	return s, unitName
}

// TestAgainstRedis compares every function with a live redis-server:
// GEOADD scores, GEOPOS, GEOHASH, GEODIST, and the members, order and
// distances GEOSEARCH returns. Set GEO_SEED to replay a failure, and
// GEO_SEARCHES to run more than the default 1500 searches.
func TestAgainstRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	r := rand.New(rand.NewSource(redistest.Seed(t, "GEO_SEED")))

	const npoints = 3000
	var hubs [][2]float64
	for i := 0; i < 8; i++ {
		hubs = append(hubs, [2]float64{-180 + r.Float64()*360, -80 + r.Float64()*160})
	}
	hubs = append(hubs, [2]float64{179.9, 10}, [2]float64{-179.9, -30}, [2]float64{20, 84.9}, [2]float64{-60, -84.9})

	type point struct{ lon, lat float64 }
	points := make(map[string]point, npoints)
	names := make([]string, 0, npoints)
	var cmds [][]string
	var add []string
	for i := 0; i < npoints; i++ {
		lon, lat := randomPoint(r, hubs)
		name := "p" + strconv.Itoa(i)
		points[name] = point{lon, lat}
		names = append(names, name)
		if add == nil {
			add = []string{"GEOADD", "k"}
		}
		add = append(add, num(lon), num(lat), name)
		if len(add) >= 2+3*500 || i == npoints-1 {
			cmds = append(cmds, add)
			add = nil
		}
	}
	for i, reply := range c.Pipeline(t, cmds) {
		if want := int64((len(cmds[i]) - 2) / 3); reply != want {
			t.Fatalf("GEOADD batch %d: %#v, want %d", i, reply, want)
		}
	}
	comparisons := 0

	// Coordinates just outside the limits must be refused by both.
	for _, p := range []point{
		{math.Nextafter(MaxLon, 200), 0}, {math.Nextafter(MinLon, -200), 0},
		{0, math.Nextafter(MaxLat, 90)}, {0, math.Nextafter(MinLat, -90)},
		{0, 90}, {0, -90}, {181, 0}, {math.NaN(), 0},
	} {
		_, ok := Encode(p.lon, p.lat)
		_, isErr := c.Do(t, "GEOADD", "invalid", num(p.lon), num(p.lat), "x").(redistest.ReplyError)
		if ok == isErr {
			t.Errorf("(%v, %v): Encode ok = %v, GEOADD error = %v", p.lon, p.lat, ok, isErr)
		}
		comparisons++
	}

	// Scores.
	scores := make(map[string]uint64, npoints)
	reply := c.MustDo(t, "ZRANGE", "k", "0", "-1", "WITHSCORES").([]any)
	for i := 0; i+1 < len(reply); i += 2 {
		name, text := reply[i].(string), reply[i+1].(string)
		score, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatalf("ZRANGE score %q: %v", text, err)
		}
		p := points[name]
		bits, ok := Encode(p.lon, p.lat)
		if !ok || float64(bits) != score {
			t.Errorf("Encode(%v, %v) = %d, %v; ZSCORE %s", p.lon, p.lat, bits, ok, text)
		}
		scores[name] = bits
		comparisons++
	}
	if len(scores) != npoints {
		t.Fatalf("ZRANGE returned %d members, want %d", len(scores), npoints)
	}

	// GEOPOS and GEOHASH, all members in one command each.
	pos := c.MustDo(t, append([]string{"GEOPOS", "k"}, names...)...).([]any)
	hashes := c.MustDo(t, append([]string{"GEOHASH", "k"}, names...)...).([]any)
	for i, name := range names {
		lon, lat := Decode(scores[name])
		xy := pos[i].([]any)
		if got := [2]string{FormatCoord(lon), FormatCoord(lat)}; got != [2]string{xy[0].(string), xy[1].(string)} {
			t.Errorf("%s (score %d): Decode = %v, GEOPOS %v", name, scores[name], got, xy)
		}
		if got := HashString(scores[name]); got != hashes[i] {
			t.Errorf("%s (score %d): HashString = %s, GEOHASH %v", name, scores[name], got, hashes[i])
		}
		comparisons += 2
	}

	// GEODIST between random pairs (and, half the time, near neighbours in
	// score order, whose distances are small), in every unit.
	byScore := newGeoSet(scores).members
	cmds = cmds[:0]
	var want []string
	for i := 0; i < 1500; i++ {
		var a, b string
		if i%2 == 0 {
			a, b = names[r.Intn(npoints)], names[r.Intn(npoints)]
		} else {
			j := r.Intn(npoints - 1)
			a, b = byScore[j].name, byScore[j+1].name
		}
		lon1, lat1 := Decode(scores[a])
		lon2, lat2 := Decode(scores[b])
		d := Distance(lon1, lat1, lon2, lat2)
		for _, unitName := range []string{"m", "km", []string{"ft", "mi"}[i%2]} {
			unit, _ := Unit(unitName)
			cmds = append(cmds, []string{"GEODIST", "k", a, b, unitName})
			want = append(want, FormatDistance(d, unit))
		}
	}
	ulps := 0 // distances one unit off in the last decimal: see sameDistance
	for i, reply := range c.Pipeline(t, cmds) {
		if got, ok := reply.(string); !ok || !sameDistance(got, want[i], &ulps) {
			t.Errorf("%q = %#v, Distance gives %s", cmds[i], reply, want[i])
		}
		comparisons++
	}

	// Searches, without sorting, so that the order is the scan order.
	set := newGeoSet(scores)
	cmds = cmds[:0]
	var shapes []Shape
	var unitFactors []float64
	nsearches := 1500
	if n, err := strconv.Atoi(os.Getenv("GEO_SEARCHES")); err == nil && n > 0 {
		nsearches = n // for soak runs
	}
	for i := 0; i < nsearches; i++ {
		var lon, lat float64
		from := []string{"FROMLONLAT"}
		switch k := r.Intn(10); {
		case k < 2: // centred on a member, as FROMMEMBER does
			name := names[r.Intn(npoints)]
			lon, lat = Decode(scores[name])
			from = []string{"FROMMEMBER", name}
		case k < 5: // at a hub, where the members are
			h := hubs[r.Intn(len(hubs))]
			lon = clamp(h[0]+r.NormFloat64()*0.1, MinLon, MaxLon)
			lat = clamp(h[1]+r.NormFloat64()*0.1, MinLat, MaxLat)
		default:
			lon, lat = randomPoint(r, hubs)
		}
		if from[0] == "FROMLONLAT" {
			from = append(from, num(lon), num(lat))
		}
		shape, unitName := randomShape(r, lon, lat)
		cmd := append([]string{"GEOSEARCH", "k"}, from...)
		if shape.Box {
			cmd = append(cmd, "BYBOX", num(shape.Width), num(shape.Height), unitName, "WITHDIST")
		} else {
			cmd = append(cmd, "BYRADIUS", num(shape.Radius), unitName, "WITHDIST")
		}
		cmds = append(cmds, cmd)
		shapes = append(shapes, shape)
		unitFactors = append(unitFactors, shape.Unit)
	}
	found := 0
	for i, reply := range c.Pipeline(t, cmds) {
		got, ok := hitsOf(reply)
		if !ok {
			t.Errorf("%q: unexpected reply %#v", cmds[i], reply)
			continue
		}
		want := set.search(shapes[i], unitFactors[i])
		if d := diffHits(got, want, &ulps); d != "" {
			t.Errorf("%q (shape %+v, areas %v): %s", cmds[i], shapes[i], Areas(shapes[i]), d)
		}
		found += len(got)
		comparisons++
	}
	t.Logf("%d comparisons (%d points x ZSCORE, GEOPOS, GEOHASH; %d GEODIST; %d searches), and the searches' %d hits compared; %d distances one unit off in the last decimal",
		comparisons, npoints, len(want), len(cmds), found, ulps)
	if ulps > 2+found/1000000 {
		t.Errorf("%d distances were one unit off in the last decimal: far more than glibc's rounding explains", ulps)
	}
	if found < 10000 {
		t.Errorf("the searches found only %d members: the test is too weak", found)
	}
}
