package embedis

import (
	"slices"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/geo"
	"github.com/embedis/embedis/internal/zset"
)

// Geo: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE,
// GEORADIUS, GEORADIUSBYMEMBER and their _RO forms, as Redis 7.0.
//
// A geo set is a sorted set, exactly as Redis stores it: each member's score
// is the 52-bit interleaved geohash of its position (internal/geo), so the
// Z* commands work on geo sets, and scores, GEOHASH strings, GEOPOS
// coordinates and distances are identical to Redis's. A search scans the
// sorted set for the score ranges of the geohash cells that cover the
// search area (the centre cell and its eight neighbours, at a precision
// chosen from the radius), and keeps the members whose distance from the
// centre passes the shape test: the same cells, in the same order, as
// Redis, so even an unsorted search returns members in Redis's order.
//
// One known difference: distances use correctly rounded sine, cosine and
// arcsine, while glibc (which Redis calls) is off by an ulp for about
// 0.03% of arguments. About 0.15% of full-precision distances (the scores
// GEOSEARCHSTORE ... STOREDIST stores) are therefore an ulp or two from
// Redis's; printed to Redis's four decimals (WITHDIST, GEODIST) that shows
// about once in ten million distances. Which members a search finds, and
// their order, are the same, except between members at exactly the same
// distance where COUNT cuts: Redis picks among them with an unstable partial
// quicksort, we keep the order they were found in.

// GeoLocation is a named position, and in search results its distance from
// the search centre (in the search's unit) and its geohash score.
type GeoLocation struct {
	Name                      string
	Longitude, Latitude, Dist float64
	GeoHash                   int64
}

// GeoAddArgs are GEOADD's options: NX adds only new members, XX only moves
// existing ones, Ch counts moved members as well as added ones.
type GeoAddArgs struct {
	NX, XX, Ch bool
	Locations  []GeoLocation
}

// GeoPos is a member's position as GEOPOS returns it: the centre of its
// geohash cell.
type GeoPos struct {
	Longitude, Latitude float64
}

// GeoSearchQuery is a GEOSEARCH: from Member's position, or from
// (Longitude, Latitude) when Member is empty; within Radius, or within the
// box BoxWidth × BoxHeight when either is set; lengths in Unit ("m", "km",
// "ft", "mi"; metres when empty). Sort is "", "ASC" or "DESC" (nearest or
// farthest first); Count > 0 keeps the Count nearest (sorted ASC unless
// Sort says otherwise), or with CountAny the first Count found, unsorted
// unless Sort is given.
type GeoSearchQuery struct {
	Member              string
	Longitude, Latitude float64
	Radius              float64
	BoxWidth, BoxHeight float64
	Unit                string
	Sort                string
	Count               int64
	CountAny            bool
}

// GeoRadiusQuery are the options of GeoRadius and GeoRadiusByMember (the
// older forms of GEOSEARCH): a radius in Unit, the fields wanted in the
// results (the name always; distance, coordinates and geohash on request),
// Count, Sort and, for GeoRadiusStore and GeoRadiusByMemberStore, the key to
// store the results at (with their geohash scores, or with StoreDist their
// distances).
type GeoRadiusQuery struct {
	Radius                           float64
	Unit                             string
	WithCoord, WithDist, WithGeoHash bool
	Count                            int64
	CountAny                         bool
	Sort                             string
	Store                            string
	StoreDist                        bool
}

func geoUnit(name string) (float64, error) {
	if name == "" {
		return 1, nil
	}
	u, ok := geo.Unit(name)
	if !ok {
		return 0, errUnsupportedUnit
	}
	return u, nil
}

// geoScore returns the sorted-set score of a position, or Redis's error for
// one outside the limits.
func geoScore(lon, lat float64) (float64, error) {
	bits, ok := geo.Encode(lon, lat)
	if !ok {
		return 0, errInvalidLonLat(lon, lat)
	}
	return float64(bits), nil
}

// geoDecode returns the position a score stands for, as Redis decodes it
// (the score converted to an unsigned 64-bit integer first).
func geoDecode(score float64) (lon, lat float64) {
	return geo.Decode(uint64(score))
}

// GeoAdd adds the named positions to the geo set at key (a sorted set),
// moving members already there, and returns the number added. Coordinates
// outside longitude ±180 and latitude ±85.05112878 are an error, and then
// nothing is added.
func (tx *Tx) GeoAdd(key string, locations ...GeoLocation) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.GeoAddArgs(key, GeoAddArgs{Locations: locations})
}

// GeoAddArgs is GeoAdd with GEOADD's options (see GeoAddArgs).
func (tx *Tx) GeoAddArgs(key string, args GeoAddArgs) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if args.NX && args.XX {
		return 0, ErrSyntax
	}
	zs := make([]Z, len(args.Locations))
	for i, l := range args.Locations {
		sc, err := geoScore(l.Longitude, l.Latitude)
		if err != nil {
			return 0, err
		}
		zs[i] = Z{sc, l.Name}
	}
	if len(zs) == 0 {
		return 0, ErrSyntax
	}
	return tx.ZAddArgs(key, ZAddArgs{NX: args.NX, XX: args.XX, Ch: args.Ch, Members: zs})
}

// GeoPos returns the position of each of members in the geo set at key,
// nil where a member (or the key) does not exist.
func (tx *Tx) GeoPos(key string, members ...string) ([]*GeoPos, error) {
	zv, err := tx.readZSet(key)
	if err != nil {
		return nil, err
	}
	out := make([]*GeoPos, len(members))
	if zv != nil {
		for i, m := range members {
			if sc, ok := zv.s.Score(m); ok {
				lon, lat := geoDecode(sc)
				out[i] = &GeoPos{lon, lat}
			}
		}
	}
	return out, nil
}

// GeoDist returns the distance between two members of the geo set at key in
// unit ("m", "km", "ft", "mi"; "" for metres), rounded to 4 decimals as
// Redis replies it. ErrNotFound if the key or either member is missing.
func (tx *Tx) GeoDist(key, member1, member2, unit string) (float64, error) {
	s, err := tx.geoDist(key, member1, member2, unit)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

func (tx *Tx) geoDist(key, member1, member2, unit string) (string, error) {
	u, err := geoUnit(unit)
	if err != nil {
		return "", err
	}
	zv, err := tx.readZSet(key)
	if err != nil {
		return "", err
	}
	if zv == nil {
		return "", ErrNotFound
	}
	s1, ok1 := zv.s.Score(member1)
	s2, ok2 := zv.s.Score(member2)
	if !ok1 || !ok2 {
		return "", ErrNotFound
	}
	lon1, lat1 := geoDecode(s1)
	lon2, lat2 := geoDecode(s2)
	return geo.FormatDistance(geo.Distance(lon1, lat1, lon2, lat2), u), nil
}

// GeoHash returns the 11-character geohash string of each of members in the
// geo set at key, "" where a member (or the key) does not exist.
func (tx *Tx) GeoHash(key string, members ...string) ([]string, error) {
	zv, err := tx.readZSet(key)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(members))
	if zv != nil {
		for i, m := range members {
			if sc, ok := zv.s.Score(m); ok {
				out[i] = geo.HashString(uint64(sc))
			}
		}
	}
	return out, nil
}

// geoQuery is a parsed search of any of the search commands.
type geoQuery struct {
	fromMember bool
	member     string
	shape      geo.Shape // centre filled from member when fromMember
	sort       int       // 0 none, 1 ascending, -1 descending
	count      int64     // 0: all
	any        bool
}

// geoPoint is one search result.
type geoPoint struct {
	member string
	score  float64
	dist   float64 // from the centre, in metres: exact when exact
	exact  bool
	seq    int // order found, which ties keep
}

// run runs q on the geo set zv (not nil), resolving a member centre first.
// The distances of the points it returns are exact when needDist;
// otherwise they may be approximate (see geo.Shape.Test), which does not
// change which points are returned or their order.
func (q *geoQuery) run(zv *zsetValue, needDist bool) ([]geoPoint, error) {
	if q.fromMember {
		sc, ok := zv.s.Score(q.member)
		if !ok {
			return nil, ErrGeoMember
		}
		q.shape.Lon, q.shape.Lat = geoDecode(sc)
	}
	sort := q.sort
	if q.count != 0 && sort == 0 && !q.any {
		sort = 1 // the nearest count: Redis sorts
	}
	limit := int64(0)
	if q.any {
		limit = q.count
	}
	var pts []geoPoint
areas:
	for _, r := range geo.Areas(q.shape) {
		// Redis compares float64 scores with [float64(Min), float64(Max)).
		sr := zset.ScoreRange{Min: float64(r.Min), Max: float64(r.Max), MaxEx: true}
		first := zv.s.FirstInScoreRange(sr)
		if first < 0 {
			continue
		}
		for it := zv.s.At(first); it.Valid() && sr.LteMax(it.Score()); it.Next() {
			sc := it.Score()
			if d, exact, ok := q.shape.Test(uint64(sc)); ok {
				pts = append(pts, geoPoint{member: it.Member(), score: sc, dist: d, exact: exact, seq: len(pts)})
				if limit > 0 && int64(len(pts)) >= limit {
					break areas
				}
			}
		}
	}
	if sort != 0 {
		q.sortPoints(pts, sort < 0)
	}
	if q.count > 0 && int64(len(pts)) > q.count {
		pts = pts[:q.count]
	}
	if needDist {
		for i := range pts {
			q.makeExact(&pts[i])
		}
	}
	return pts, nil
}

func (q *geoQuery) makeExact(p *geoPoint) {
	if !p.exact {
		p.dist, p.exact = q.shape.DistanceTo(uint64(p.score)), true
	}
}

// sortPoints sorts points by distance, nearest first (farthest with desc),
// equal distances in the order found, as Redis's stable sort leaves them.
// It sorts by the approximate distances first; only points whose
// approximate distances are too close to order for sure get their exact
// distances and are ordered again among themselves.
func (q *geoQuery) sortPoints(pts []geoPoint, desc bool) {
	byDist := func(a, b geoPoint) int {
		c := cmpFloat(a.dist, b.dist)
		if desc {
			c = -c
		}
		if c == 0 {
			c = a.seq - b.seq
		}
		return c
	}
	slices.SortFunc(pts, byDist)
	for i := 0; i < len(pts); {
		j := i + 1
		for j < len(pts) && geo.Close(pts[j-1].dist, pts[j].dist) {
			j++
		}
		if j-i > 1 {
			for k := i; k < j; k++ {
				q.makeExact(&pts[k])
			}
			slices.SortFunc(pts[i:j], byDist)
		}
		i = j
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// geoSearchRun runs q on the geo set at key: nil points (no error) when the
// key does not exist.
func (tx *Tx) geoSearchRun(key string, q *geoQuery, needDist bool) ([]geoPoint, error) {
	zv, err := tx.readZSet(key)
	if err != nil || zv == nil {
		return nil, err
	}
	return q.run(zv, needDist)
}

// geoStore stores search results at dst (deleting it when there are none),
// scored by geohash or, with storeDist, by distance; it returns their number.
func (tx *Tx) geoStore(dst string, pts []geoPoint, storeDist bool, unit float64, ev keyEvent) int64 {
	s := zset.New()
	for _, p := range pts {
		sc := p.score
		if storeDist {
			sc = p.dist / unit
		}
		s.Add(p.member, sc)
	}
	return tx.storeZSet(dst, s, ev, s.Len()) // Redis counts a change per member stored
}

func parseGeoSort(s string) (int, error) {
	switch {
	case s == "":
		return 0, nil
	case strings.EqualFold(s, "ASC"):
		return 1, nil
	case strings.EqualFold(s, "DESC"):
		return -1, nil
	}
	return 0, ErrSyntax
}

// searchQuery turns a GeoSearchQuery into a geoQuery.
func (q GeoSearchQuery) parse() (*geoQuery, error) {
	g := &geoQuery{count: q.Count, any: q.CountAny}
	u, err := geoUnit(q.Unit)
	if err != nil {
		return nil, err
	}
	if g.sort, err = parseGeoSort(q.Sort); err != nil {
		return nil, err
	}
	if q.Count < 0 {
		return nil, errGeoCount
	}
	if q.CountAny && q.Count == 0 {
		return nil, errGeoAny
	}
	if q.Member != "" {
		g.fromMember, g.member = true, q.Member
	} else {
		if _, err := geoScore(q.Longitude, q.Latitude); err != nil {
			return nil, err
		}
		g.shape.Lon, g.shape.Lat = q.Longitude, q.Latitude
	}
	g.shape.Unit = u
	if q.BoxWidth != 0 || q.BoxHeight != 0 {
		if q.BoxWidth < 0 || q.BoxHeight < 0 {
			return nil, errBoxNegative
		}
		g.shape.Box, g.shape.Width, g.shape.Height = true, q.BoxWidth, q.BoxHeight
	} else {
		if q.Radius < 0 {
			return nil, errRadiusNegative
		}
		g.shape.Radius = q.Radius
	}
	return g, nil
}

func (tx *Tx) geoSearchLocations(key string, q *geoQuery) ([]GeoLocation, error) {
	pts, err := tx.geoSearchRun(key, q, true)
	if err != nil {
		return nil, err
	}
	out := make([]GeoLocation, len(pts))
	for i, p := range pts {
		lon, lat := geoDecode(p.score)
		out[i] = GeoLocation{Name: p.member, Longitude: lon, Latitude: lat, Dist: p.dist / q.unit(), GeoHash: int64(p.score)}
	}
	return out, nil
}

// unit returns the metres per unit of the query's lengths.
func (q *geoQuery) unit() float64 {
	if q.shape.Unit == 0 {
		return 1
	}
	return q.shape.Unit
}

// GeoSearch returns the names of the members of the geo set at key inside
// the query's circle or box (see GeoSearchQuery). A missing key gives an
// empty slice; ErrGeoMember when the centre member is not in the set.
func (tx *Tx) GeoSearch(key string, q GeoSearchQuery) ([]string, error) {
	g, err := q.parse()
	if err != nil {
		return nil, err
	}
	pts, err := tx.geoSearchRun(key, g, false)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(pts))
	for i, p := range pts {
		out[i] = p.member
	}
	return out, nil
}

// GeoSearchLocation is GeoSearch returning every member's position,
// distance from the centre (in the query's unit) and geohash score.
func (tx *Tx) GeoSearchLocation(key string, q GeoSearchQuery) ([]GeoLocation, error) {
	g, err := q.parse()
	if err != nil {
		return nil, err
	}
	return tx.geoSearchLocations(key, g)
}

// GeoSearchStore stores the members GeoSearch finds at destination, scored
// by geohash (by distance with storeDist), replacing it (deleting it when
// nothing is found), and returns their number.
func (tx *Tx) GeoSearchStore(destination, key string, q GeoSearchQuery, storeDist bool) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.geoSearchStore(destination, key, q, storeDist, evGeoSrchSt)
}

// geoSearchStore is GEOSEARCHSTORE and GEORADIUS ... STORE, announced as ev.
func (tx *Tx) geoSearchStore(destination, key string, q GeoSearchQuery, storeDist bool, ev keyEvent) (int64, error) {
	g, err := q.parse()
	if err != nil {
		return 0, err
	}
	pts, err := tx.geoSearchRun(key, g, storeDist)
	if err != nil {
		return 0, err
	}
	return tx.geoStore(destination, pts, storeDist, g.unit(), ev), nil
}

func (q GeoRadiusQuery) search() GeoSearchQuery {
	return GeoSearchQuery{Radius: q.Radius, Unit: q.Unit, Sort: q.Sort, Count: q.Count, CountAny: q.CountAny}
}

// GeoRadius returns the members of the geo set at key within q.Radius of
// (longitude, latitude), with their distance, position and geohash (all
// filled whatever q.With* say). It ignores q.Store: see GeoRadiusStore.
func (tx *Tx) GeoRadius(key string, longitude, latitude float64, q GeoRadiusQuery) ([]GeoLocation, error) {
	if tx.refuseOOM() {
		return nil, ErrOOM
	}
	s := q.search()
	s.Longitude, s.Latitude = longitude, latitude
	return tx.GeoSearchLocation(key, s)
}

// GeoRadiusByMember is GeoRadius centred on member's position (any member
// name, "" included).
func (tx *Tx) GeoRadiusByMember(key, member string, q GeoRadiusQuery) ([]GeoLocation, error) {
	if tx.refuseOOM() {
		return nil, ErrOOM
	}
	g, err := q.byMember(member)
	if err != nil {
		return nil, err
	}
	return tx.geoSearchLocations(key, g)
}

// byMember parses q as a search centred on member.
func (q GeoRadiusQuery) byMember(member string) (*geoQuery, error) {
	g, err := q.search().parse() // centred on (0, 0), a valid position
	if err != nil {
		return nil, err
	}
	g.fromMember, g.member = true, member
	return g, nil
}

// GeoRadiusStore stores what GeoRadius finds at q.Store (scored by
// distance with q.StoreDist) and returns the number stored.
func (tx *Tx) GeoRadiusStore(key string, longitude, latitude float64, q GeoRadiusQuery) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if q.Store == "" {
		return 0, ErrSyntax
	}
	s := q.search()
	s.Longitude, s.Latitude = longitude, latitude
	return tx.geoSearchStore(q.Store, key, s, q.StoreDist, evGeoRadSt)
}

// GeoRadiusByMemberStore is GeoRadiusStore centred on member's position.
func (tx *Tx) GeoRadiusByMemberStore(key, member string, q GeoRadiusQuery) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if q.Store == "" {
		return 0, ErrSyntax
	}
	g, err := q.byMember(member)
	if err != nil {
		return 0, err
	}
	pts, err := tx.geoSearchRun(key, g, q.StoreDist)
	if err != nil {
		return 0, err
	}
	return tx.geoStore(q.Store, pts, q.StoreDist, g.unit(), evGeoRadSt), nil
}
