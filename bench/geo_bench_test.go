package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/geo"
	"github.com/redis/go-redis/v9"
)

// Geo benchmark: GEOSEARCH key FROMLONLAT <lon> <lat> BYRADIUS 1 km ASC
// COUNT 10 on one geo set of 1,000 and one of 1,000,000 members "member:N"
// spread uniformly over a 100 km × 100 km square centred on Lisbon, from
// seeded random centres in the middle 90 km × 90 km (so that every circle
// lies inside the square). Run it with
//
//	cd bench && go test -run '^$' -bench 'GeoSearch' -benchtime 1s
//
// The radius is chosen for the 1M set: at 100 members per km², a 1 km
// circle holds about 314 members (313 on average over 50 centres), and the
// geohash cells a search scans (the centre cell, 0.022° × 0.011°, about
// 1.9 km × 1.2 km here, and the neighbours that reach the circle's
// bounding box) about 1,200 candidates (1,182 on average), each decoded and
// its distance computed; the ~314 inside are sorted and the 10 nearest
// returned. At 1K the same circle holds 0.3 members on average: the cost is
// the search's fixed part (finding the score ranges of the cells).
//
// Each set is built once per size and implementation, outside the timer:
// embedis with Tx.GeoAdd of 1,000 members, 100 of them per Atomic;
// redis-server with GEOADDs of 1,000 members, 10 per pipeline; miniredis
// with its Go API's ZAdd of the same geohash scores (it has no geo
// functions in its Go API). The goredis rows use the run's own
// redis-server (redisserver_test.go).
//
// miniredis's Go API has no GEOSEARCH, so its row calls miniredis's own
// GEOSEARCH command handler in-process, through m.Server().Dispatch with a
// peer writing into a buffer: no network and no request parsing, but the
// reply is encoded. Its GEOSEARCH reads every member of the set (sorted)
// and computes every distance; at 1M members one search takes about a
// second, so the 1M row times one search, logs it and skips.

const (
	geoCentreLon, geoCentreLat = -9.1365, 38.7077 // Lisbon
	geoSideKm                  = 100.0            // the square the members fill
	geoMarginKm                = 5.0              // centres stay this far inside
	geoRadiusKm                = 1.0
	geoCount                   = 10
	kmPerDegree                = 111.32 // of latitude; of longitude times cos(lat)
)

// geoKey is the key of the geo set of n members.
func geoKey(n int) string { return fmt.Sprintf("bench:geo:%d", n) }

// geoOffset returns the point dx km east and dy km north of the centre.
func geoOffset(dx, dy float64) (lon, lat float64) {
	return geoCentreLon + dx/(kmPerDegree*math.Cos(geoCentreLat*math.Pi/180)), geoCentreLat + dy/kmPerDegree
}

// geoPoints are the members of a set: names and positions.
type geoPoints struct {
	names    []string
	lon, lat []float64
}

// geoData returns the n members "member:N", uniform over the square from a
// fixed seed; built once per n.
var geoData = func() func(n int) geoPoints {
	var mu sync.Mutex
	cache := map[int]geoPoints{}
	return func(n int) geoPoints {
		mu.Lock()
		defer mu.Unlock()
		if d, ok := cache[n]; ok {
			return d
		}
		r := rand.New(rand.NewPCG(3, uint64(n)))
		d := geoPoints{make([]string, n), make([]float64, n), make([]float64, n)}
		for i := range d.names {
			d.names[i] = memMember(i)
			d.lon[i], d.lat[i] = geoOffset((r.Float64()-0.5)*geoSideKm, (r.Float64()-0.5)*geoSideKm)
		}
		cache[n] = d
		return d
	}
}()

// geoCentres are nKeys seeded search centres, cycled by runSerial and
// runPipelined, and their FROMLONLAT arguments as text.
type geoCentres struct {
	lon, lat       []float64
	lonArg, latArg []string
}

func newGeoCentres(seed uint64) geoCentres {
	r := rand.New(rand.NewPCG(4, seed))
	c := geoCentres{make([]float64, nKeys), make([]float64, nKeys), make([]string, nKeys), make([]string, nKeys)}
	inner := geoSideKm - 2*geoMarginKm
	for i := range c.lon {
		c.lon[i], c.lat[i] = geoOffset((r.Float64()-0.5)*inner, (r.Float64()-0.5)*inner)
		c.lonArg[i] = strconv.FormatFloat(c.lon[i], 'f', -1, 64)
		c.latArg[i] = strconv.FormatFloat(c.lat[i], 'f', -1, 64)
	}
	return c
}

// geoQuery is the timed search from centre i, in embedis's terms.
func (c geoCentres) query(i int) embedis.GeoSearchQuery {
	return embedis.GeoSearchQuery{Longitude: c.lon[i], Latitude: c.lat[i], Radius: geoRadiusKm, Unit: "km", Sort: "ASC", Count: geoCount}
}

// redisQuery is the same search in go-redis's terms.
func (c geoCentres) redisQuery(i int) *redis.GeoSearchQuery {
	return &redis.GeoSearchQuery{Longitude: c.lon[i], Latitude: c.lat[i], Radius: geoRadiusKm, RadiusUnit: "km", Sort: "ASC", Count: geoCount}
}

// args is the same search as a command.
func (c geoCentres) args(key string, i int) []string {
	return []string{"GEOSEARCH", key, "FROMLONLAT", c.lonArg[i], c.latArg[i], "BYRADIUS", "1", "km", "ASC", "COUNT", "10"}
}

// gfixtures hold the sets of one BenchmarkGeoSearch run, built on first
// use and released when it ends.
type gfixtures struct {
	emb  map[int]*embedis.Store
	mini map[int]*miniredis.Miniredis
	rc   *redis.Client
	rset map[int]bool // sets built on the redis-server
}

func BenchmarkGeoSearch(b *testing.B) {
	f := &gfixtures{emb: map[int]*embedis.Store{}, mini: map[int]*miniredis.Miniredis{}, rset: map[int]bool{}}
	b.Cleanup(f.close)
	centres := newGeoCentres(1)
	for _, sz := range zsetSizes {
		b.Run(sz.name, func(b *testing.B) {
			n := sz.n
			skipBigUnderShort(b, n)
			key := geoKey(n)
			b.Run("embedis", func(b *testing.B) {
				ctx := context.Background()
				s := f.embedisGeo(b, n)
				runSerial(b, func(i int) error {
					_, err := s.GeoSearch(ctx, key, centres.query(i))
					return err
				})
			})
			b.Run("miniredis", func(b *testing.B) { f.miniredisSearch(b, n, centres) })
			b.Run("goredis", func(b *testing.B) {
				ctx := context.Background()
				rc := f.redisGeo(b, n)
				runSerial(b, func(i int) error { return rc.GeoSearch(ctx, key, centres.redisQuery(i)).Err() })
			})
			b.Run("goredis-pipelined", func(b *testing.B) {
				ctx := context.Background()
				rc := f.redisGeo(b, n)
				runPipelined(b, func(start, k int) error {
					p := rc.Pipeline()
					for j := 0; j < k; j++ {
						p.GeoSearch(ctx, key, centres.redisQuery((start+j)%nKeys))
					}
					_, err := p.Exec(ctx)
					return err
				})
			})
		})
	}
}

func (f *gfixtures) close() {
	for _, s := range f.emb {
		s.Close()
	}
	for _, m := range f.mini {
		m.Close()
	}
	if f.rc != nil {
		for n := range f.rset {
			f.rc.Del(context.Background(), geoKey(n))
		}
		f.rc.Close()
	}
}

// --- embedis ---

// buildEmbedisGeo opens a store holding the geo set of d at key: GeoAdds of
// 1,000 members, 100 of them per Atomic.
func buildEmbedisGeo(tb testing.TB, key string, d geoPoints) *embedis.Store {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	n := len(d.names)
	locs := make([]embedis.GeoLocation, 0, 1000)
	for start := 0; start < n; start += 100_000 {
		err := s.Atomic(ctx, func(tx *embedis.Tx) error {
			for i := start; i < min(start+100_000, n); i += 1000 {
				locs = locs[:0]
				for j := i; j < min(i+1000, n); j++ {
					locs = append(locs, embedis.GeoLocation{Name: d.names[j], Longitude: d.lon[j], Latitude: d.lat[j]})
				}
				if _, err := tx.GeoAdd(key, locs...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if c, err := s.ZCard(ctx, key); err != nil || c != int64(n) {
		tb.Fatalf("embedis ZCard = %d, %v; want %d", c, err, n)
	}
	return s
}

func (f *gfixtures) embedisGeo(b *testing.B, n int) *embedis.Store {
	if s, ok := f.emb[n]; ok {
		return s
	}
	s := buildEmbedisGeo(b, geoKey(n), geoData(n))
	f.emb[n] = s
	return s
}

// --- miniredis: its GEOSEARCH command handler, in-process ---

func (f *gfixtures) miniredisGeo(b *testing.B, n int) *miniredis.Miniredis {
	if m, ok := f.mini[n]; ok {
		return m
	}
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		b.Fatal(err)
	}
	f.mini[n] = m
	d := geoData(n)
	key := geoKey(n)
	for i, name := range d.names {
		bits, ok := geo.Encode(d.lon[i], d.lat[i])
		if !ok {
			b.Fatalf("invalid position %v, %v", d.lon[i], d.lat[i])
		}
		if _, err := m.ZAdd(key, float64(bits), name); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

func (f *gfixtures) miniredisSearch(b *testing.B, n int, centres geoCentres) {
	m := f.miniredisGeo(b, n)
	key := geoKey(n)
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	peer := server.NewPeer(w)
	srv := m.Server()
	c := func(i int) error {
		buf.Reset()
		srv.Dispatch(peer, centres.args(key, i))
		w.Flush()
		if buf.Len() == 0 || buf.Bytes()[0] != '*' {
			return fmt.Errorf("miniredis GEOSEARCH replied %q", buf.String())
		}
		return nil
	}
	if n >= 1_000_000 {
		start := time.Now()
		if err := c(0); err != nil {
			b.Fatal(err)
		}
		msg := fmt.Sprintf("miniredis's GEOSEARCH sorts all %d members and computes every distance: one search took %v; not repeated",
			n, time.Since(start).Round(time.Millisecond))
		if !testing.Verbose() { // a skipped benchmark's log shows only with -v
			fmt.Printf("%s: skipped: %s\n", b.Name(), msg)
		}
		b.Skip(msg)
	}
	runSerial(b, c)
}

// --- redis-server through go-redis ---

// buildRedisGeo replaces key on the redis-server with the geo set of d:
// GEOADDs of 1,000 members, 10 per pipeline.
func buildRedisGeo(tb testing.TB, rc *redis.Client, key string, d geoPoints) {
	ctx := context.Background()
	if err := rc.Del(ctx, key).Err(); err != nil {
		tb.Fatal(err)
	}
	n := len(d.names)
	locs := make([]*redis.GeoLocation, 0, 1000)
	p := rc.Pipeline()
	for i := 0; i < n; i += 1000 {
		locs = locs[:0]
		for j := i; j < min(i+1000, n); j++ {
			locs = append(locs, &redis.GeoLocation{Name: d.names[j], Longitude: d.lon[j], Latitude: d.lat[j]})
		}
		p.GeoAdd(ctx, key, locs...)
		if p.Len() == 10 || i+1000 >= n {
			if _, err := p.Exec(ctx); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if c, err := rc.ZCard(ctx, key).Result(); err != nil || c != int64(n) {
		tb.Fatalf("redis ZCARD = %d, %v; want %d", c, err, n)
	}
}

func (f *gfixtures) redisGeo(b *testing.B, n int) *redis.Client {
	if f.rc == nil {
		f.rc = redisClient(b) // skips when no server answers
	}
	if !f.rset[n] {
		f.rset[n] = true
		buildRedisGeo(b, f.rc, geoKey(n), geoData(n))
	}
	return f.rc
}

// TestGeoSearchAgrees checks that embedis and redis-server answer the
// benchmark's searches (and a few variants) alike, on a set of 20,000
// members (2 per km²) built the benchmark's way: the same members in the
// same order, with the same distances, geohashes and coordinates, through
// the Go API and through Store.Do.
func TestGeoSearchAgrees(t *testing.T) {
	rc := redisClient(t)
	defer rc.Close()
	ctx := context.Background()
	const key = "bench:geo:agree"
	d := geoData(20_000)
	buildRedisGeo(t, rc, key, d)
	defer rc.Del(ctx, key)
	s := buildEmbedisGeo(t, key, d)
	defer s.Close()

	centres := newGeoCentres(2)
	variants := []struct {
		name string
		args []string // after FROMLONLAT lon lat
		q    func(q embedis.GeoSearchQuery) embedis.GeoSearchQuery
	}{
		{"the benchmark's", []string{"BYRADIUS", "1", "km", "ASC", "COUNT", "10"}, func(q embedis.GeoSearchQuery) embedis.GeoSearchQuery { return q }},
		{"5 km, unsorted", []string{"BYRADIUS", "5", "km"}, func(q embedis.GeoSearchQuery) embedis.GeoSearchQuery {
			q.Radius, q.Sort, q.Count = 5, "", 0
			return q
		}},
		{"box, DESC", []string{"BYBOX", "6", "3", "km", "DESC"}, func(q embedis.GeoSearchQuery) embedis.GeoSearchQuery {
			q.Radius, q.BoxWidth, q.BoxHeight, q.Sort, q.Count = 0, 6, 3, "DESC", 0
			return q
		}},
		{"5 mi, COUNT 5 ANY", []string{"BYRADIUS", "5", "mi", "COUNT", "5", "ANY"}, func(q embedis.GeoSearchQuery) embedis.GeoSearchQuery {
			q.Radius, q.Unit, q.Sort, q.Count, q.CountAny = 5, "mi", "", 5, true
			return q
		}},
	}
	found := 0
	for _, v := range variants {
		for i := 0; i < 25; i++ {
			with := []string{"WITHDIST", "WITHHASH"}
			args := append(append([]string{"GEOSEARCH", key, "FROMLONLAT", centres.lonArg[i], centres.latArg[i]}, v.args...), with...)
			anyArgs := make([]any, len(args))
			for j, a := range args {
				anyArgs[j] = a
			}
			want, err := rc.Do(ctx, anyArgs...).Result()
			if err != nil {
				t.Fatalf("redis %q: %v", args, err)
			}
			got, err := s.Do(ctx, args...)
			if err != nil {
				t.Fatalf("embedis %q: %v", args, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %q:\nembedis %v\nredis   %v", v.name, args, got, want)
				continue
			}
			// The Go API: the same members in the same order, the same
			// distances to the 4 decimals Redis prints, the same geohashes.
			locs, err := s.GeoSearchLocation(ctx, key, v.q(centres.query(i)))
			if err != nil {
				t.Fatal(err)
			}
			rows := want.([]any)
			if len(locs) != len(rows) {
				t.Errorf("%s %q: GeoSearchLocation found %d, redis %d", v.name, args, len(locs), len(rows))
				continue
			}
			for j, row := range rows {
				r := row.([]any)
				dist, _ := strconv.ParseFloat(r[1].(string), 64)
				if l := locs[j]; l.Name != r[0] || math.Abs(l.Dist-dist) > 0.00005 || l.GeoHash != r[2].(int64) {
					t.Errorf("%s %q [%d]: GeoSearchLocation %+v; redis %v", v.name, args, j, l, r)
				}
			}
			names, err := s.GeoSearch(ctx, key, v.q(centres.query(i)))
			if err != nil || len(names) != len(locs) || !slices.EqualFunc(names, locs, func(n string, l embedis.GeoLocation) bool { return n == l.Name }) {
				t.Errorf("%s: GeoSearch = %v, %v; GeoSearchLocation %v", v.name, names, err, locs)
			}
			found += len(rows)
		}
	}
	if found == 0 {
		t.Fatal("no search found anything: the comparison proves nothing")
	}
	t.Logf("%d searches, %d results compared", 25*len(variants), found)
}
