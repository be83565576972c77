package workload

import (
	"fmt"
	"strconv"
)

// The geo family: random geo commands over the generator's keys (geo sets
// are sorted sets, so they mix with the sorted-set family's commands, and
// collide with the other families' values for the WRONGTYPE paths), and
// hand-written cases for every geo command and its errors.
//
// Points cluster around a few centres (Sicily, Paris, both sides of the
// antimeridian, near the latitude limits ±85.05112878, at longitude ±180),
// so that searches find something and cross the awkward edges. Geo replies
// are deterministic: GEOSEARCH and GEORADIUS without ASC or DESC (and with
// COUNT n ANY) return members in the order Redis scans its geohash areas,
// which embedis reproduces, so they are compared exactly like the rest.
// Geo members come from a small alphabet of short names, so that with the
// sorted-set family's the sorted sets on the generator's keys stay small
// (see zset.go); GEOSEARCHSTORE and the STORE options only read sorted sets
// of those keys, so their results stay small too, and store into one of
// them or into geodst. The two alphabets share no name, so the geo commands
// decode only scores that GEOADD or a STOREDIST wrote, never one like -inf
// or -3 whose conversion to a geohash is undefined in C (the hand-written
// cases decode a few well-defined plain scores).

func init() {
	Register("geo", (*Gen).GeoCommand)
	RegisterCases("geo", GeoCases)
}

// geoCentres are the points that random coordinates cluster around.
var geoCentres = [][2]float64{
	{13.361389, 38.115556}, // Palermo
	{15.087269, 37.502669}, // Catania
	{13.583333, 37.316667}, // Agrigento
	{2.352222, 48.856613},  // Paris
	{179.99, -16.5},        // east of the antimeridian
	{-179.99, -16.6},       // west of it
	{0.5, 85.05},           // near the northern limit
	{-60, -85.05},          // near the southern limit
}

// geoMember returns one of a few member names, mostly of the first few, so
// that FROMMEMBER and GEORADIUSBYMEMBER usually find theirs.
func (w *Gen) geoMember() string {
	if w.r.IntN(4) == 0 {
		return []string{"Paris", "Fiji", "Samoa", "North", "South", "p1", "p2", "p3"}[w.r.IntN(8)]
	}
	return []string{"Palermo", "Catania", "Agrigento"}[w.r.IntN(3)]
}

// geoCentreMember returns the member a search starts from: mostly one of
// the three most common, so that the search usually finds it.
func (w *Gen) geoCentreMember() string {
	if w.r.IntN(10) == 0 {
		return w.geoMember()
	}
	return []string{"Palermo", "Catania", "Agrigento"}[w.r.IntN(3)]
}

// geoLonLat returns a longitude and a latitude: usually near a centre,
// sometimes exactly on an edge, sometimes out of range or not a number.
func (w *Gen) geoLonLat() (string, string) {
	switch w.r.IntN(30) {
	case 0:
		return []string{"180", "-180", "179.9999", "-179.9999"}[w.r.IntN(4)], strconv.Itoa(w.r.IntN(20) - 10)
	case 1:
		return strconv.Itoa(w.r.IntN(20) - 10), []string{"85.05112878", "-85.05112878", "85.05", "-85"}[w.r.IntN(4)]
	case 2:
		// Out of range or not a number: an error.
		p := [][2]string{{"180.0001", "0"}, {"-181", "0"}, {"0", "85.06"}, {"0", "-90"}, {"x", "0"}, {"0", "nan"}, {"inf", "0"}}[w.r.IntN(7)]
		return p[0], p[1]
	}
	c := geoCentres[w.r.IntN(len(geoCentres))]
	lon := c[0] + (w.r.Float64()-0.5)*0.6
	lat := c[1] + (w.r.Float64()-0.5)*0.4
	if lon > 180 || lon < -180 {
		lon = c[0]
	}
	if lat > 85.05 || lat < -85.05 {
		lat = c[1]
	}
	return strconv.FormatFloat(lon, 'f', 6, 64), strconv.FormatFloat(lat, 'f', 6, 64)
}

func (w *Gen) geoUnit() string {
	if w.r.IntN(25) == 0 {
		return "furlong"
	}
	return []string{"km", "km", "km", "m", "ft", "mi", "KM", "Mi"}[w.r.IntN(8)]
}

// geoRadius returns a radius or box side for the unit: mostly one that
// finds some points of a cluster, sometimes 0, huge, negative or not a
// number.
func (w *Gen) geoRadius(unit string) string {
	switch w.r.IntN(20) {
	case 0:
		return "0"
	case 1:
		return []string{"20000000", "-1", "x", "1e400"}[w.r.IntN(4)]
	}
	km := []float64{1, 10, 30, 60, 100, 200, 500, 3000}[w.r.IntN(8)]
	switch unit {
	case "m", "M":
		return strconv.FormatFloat(km*1000, 'f', -1, 64)
	case "ft":
		return strconv.FormatFloat(km*3280.84, 'f', 2, 64)
	case "mi", "Mi":
		return strconv.FormatFloat(km/1.609, 'f', 3, 64)
	}
	return strconv.FormatFloat(km, 'f', -1, 64)
}

// geoWith returns some of WITHCOORD, WITHDIST, WITHHASH.
func (w *Gen) geoWith() []string {
	var out []string
	for _, o := range []string{"WITHCOORD", "WITHDIST", "WITHHASH"} {
		if w.r.IntN(3) == 0 {
			out = append(out, o)
		}
	}
	return out
}

// geoOrderCount returns an optional ASC or DESC and an optional COUNT n
// [ANY].
func (w *Gen) geoOrderCount() []string {
	var out []string
	switch w.r.IntN(4) {
	case 0:
		out = append(out, "ASC")
	case 1:
		out = append(out, "DESC")
	}
	switch w.r.IntN(6) {
	case 0, 1:
		out = append(out, "COUNT", strconv.Itoa(1+w.r.IntN(4)))
	case 2:
		out = append(out, "COUNT", strconv.Itoa(1+w.r.IntN(3)), "ANY")
	case 3:
		if w.r.IntN(8) == 0 {
			out = append(out, "COUNT", []string{"0", "-1", "x"}[w.r.IntN(3)])
		}
	}
	return out
}

// geoSearchArgs returns the FROM and BY arguments of GEOSEARCH: usually one
// of each, sometimes none or both.
func (w *Gen) geoSearchArgs() []string {
	var out []string
	switch w.r.IntN(30) {
	case 0:
	case 1:
		lon, lat := w.geoLonLat()
		out = append(out, "FROMMEMBER", w.geoMember(), "FROMLONLAT", lon, lat)
	default:
		if w.r.IntN(2) == 0 {
			out = append(out, "FROMMEMBER", w.geoCentreMember())
		} else {
			lon, lat := w.geoLonLat()
			out = append(out, "FROMLONLAT", lon, lat)
		}
	}
	u := w.geoUnit()
	switch w.r.IntN(30) {
	case 0:
	case 1:
		out = append(out, "BYRADIUS", w.geoRadius(u), u, "BYBOX", w.geoRadius(u), w.geoRadius(u), u)
	default:
		if w.r.IntN(2) == 0 {
			out = append(out, "BYRADIUS", w.geoRadius(u), u)
		} else {
			out = append(out, "BYBOX", w.geoRadius(u), w.geoRadius(u), u)
		}
	}
	return out
}

// GeoCommand returns a random geo command.
func (w *Gen) GeoCommand() []string {
	k := w.key()
	switch w.r.IntN(29) {
	case 0, 1, 2, 3, 26, 27, 28:
		args := []string{"GEOADD", k}
		if w.r.IntN(3) == 0 {
			opts := [][]string{{"NX"}, {"XX"}, {"CH"}, {"NX", "CH"}, {"XX", "CH"}, {"XX"}, {"CH"}, {"NX", "XX"}, {"GT"}}
			args = append(args, opts[w.r.IntN(len(opts))]...)
		}
		for i := 0; i < 1+w.r.IntN(4); i++ {
			lon, lat := w.geoLonLat()
			args = append(args, lon, lat, w.geoMember())
		}
		return args
	case 4:
		return append([]string{"GEOPOS", k}, w.geoMember(), w.geoMember())
	case 5, 6:
		args := []string{"GEODIST", k, w.geoMember(), w.geoMember()}
		if w.r.IntN(4) != 0 {
			args = append(args, w.geoUnit())
		}
		return args
	case 7:
		return append([]string{"GEOHASH", k}, w.geoMember(), w.geoMember(), w.geoMember())
	case 8, 9, 10, 11:
		args := append([]string{"GEOSEARCH", k}, w.geoSearchArgs()...)
		return append(append(args, w.geoOrderCount()...), w.geoWith()...)
	case 12, 13:
		args := append([]string{"GEOSEARCHSTORE", w.geoDst(), k}, w.geoSearchArgs()...)
		args = append(args, w.geoOrderCount()...)
		switch w.r.IntN(12) {
		case 0, 1, 2, 3:
			args = append(args, "STOREDIST")
		case 4:
			args = append(args, "WITHDIST")
		}
		return args
	case 14, 15, 16:
		lon, lat := w.geoLonLat()
		u := w.geoUnit()
		cmd := []string{"GEORADIUS", "GEORADIUS_RO"}[w.r.IntN(2)]
		args := []string{cmd, k, lon, lat, w.geoRadius(u), u}
		store := w.geoStore(cmd)
		if store == nil || w.r.IntN(8) == 0 {
			args = append(args, w.geoWith()...)
		}
		return append(append(args, w.geoOrderCount()...), store...)
	case 17, 18, 19:
		u := w.geoUnit()
		cmd := []string{"GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"}[w.r.IntN(2)]
		args := append([]string{cmd, k, w.geoCentreMember(), w.geoRadius(u), u}, w.geoOrderCount()...)
		store := w.geoStore(cmd)
		if store == nil || w.r.IntN(8) == 0 {
			args = append(args, w.geoWith()...)
		}
		return append(args, store...)
	case 20:
		return []string{"ZSCORE", k, w.geoMember()}
	case 21:
		return []string{"ZRANGE", []string{k, "geodst"}[w.r.IntN(2)], "0", "-1", "WITHSCORES"}
	case 22:
		return []string{"ZREM", k, w.geoMember()}
	case 23:
		return []string{"GEOSEARCH", k, "FROMMEMBER", w.geoMember(), "BYRADIUS", "500", "km", "ASC", "WITHDIST", "WITHCOORD"}
	case 24:
		// Everything in one search, in scan order.
		return []string{"GEORADIUS_RO", k, "15", "37", "20000", "km"}
	default:
		return []string{"TYPE", k}
	}
}

// geoStore returns, now and then, a STORE or STOREDIST option: on the
// write forms, and rarely on the _RO forms (an error).
func (w *Gen) geoStore(cmd string) []string {
	if cmd != "GEORADIUS" && cmd != "GEORADIUSBYMEMBER" && w.r.IntN(8) != 0 {
		return nil
	}
	switch w.r.IntN(6) {
	case 0:
		return []string{"STORE", w.geoDst()}
	case 1:
		return []string{"STOREDIST", w.geoDst()}
	}
	return nil
}

// geoDst returns the destination of a store: one of the generator's keys
// (overwriting whatever it holds, or deleting it when nothing is found), or
// less destructively the key geodst.
func (w *Gen) geoDst() string {
	if w.r.IntN(3) == 0 {
		return w.key()
	}
	return "geodst"
}

// GeoCases returns the cases of the geo commands.
func GeoCases() [][]string {
	cs := [][]string{
		// GEOADD.
		{"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
		{"GEOADD", "Sicily", "13.583333", "37.316667", "Agrigento"}, {"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo"},
		{"ZRANGE", "Sicily", "0", "-1", "WITHSCORES"}, {"ZSCORE", "Sicily", "Palermo"}, {"TYPE", "Sicily"}, {"ZCARD", "Sicily"},
		{"GEOADD", "Sicily", "NX", "13", "38", "Palermo", "12.5", "37.8", "Marsala"}, {"GEOADD", "Sicily", "XX", "13.1", "38.2", "Palermo", "1", "1", "Nowhere"},
		{"GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo", "14.5", "37.2", "Gela"}, {"GEOADD", "Sicily", "XX", "CH", "15.087269", "37.502669", "Catania"},
		{"GEOADD", "Sicily", "NX", "XX", "1", "1", "a"}, {"GEOADD", "Sicily", "GT", "1", "1", "a"}, {"GEOADD", "Sicily", "LT", "1", "1", "a"},
		{"GEOADD", "Sicily", "INCR", "1", "1", "a"}, {"GEOADD", "Sicily", "CH", "CH", "13.361389", "38.115556", "Palermo"},
		{"GEOADD", "Sicily", "1", "1"}, {"GEOADD", "Sicily", "1", "1", "a", "2"}, {"GEOADD", "Sicily"}, {"GEOADD", "Sicily", "NX", "1", "1"},
		{"GEOADD", "Sicily", "181", "0", "bad"}, {"GEOADD", "Sicily", "-180.0001", "0", "bad"}, {"GEOADD", "Sicily", "0", "85.06", "bad"},
		{"GEOADD", "Sicily", "0", "-85.052", "bad"}, {"GEOADD", "Sicily", "0", "90", "bad"}, {"GEOADD", "Sicily", "x", "0", "bad"},
		{"GEOADD", "Sicily", "0", "y", "bad"}, {"GEOADD", "Sicily", "nan", "0", "bad"}, {"GEOADD", "Sicily", "inf", "0", "bad"},
		{"GEOADD", "Sicily", "1", "1", "ok", "200", "1", "bad"}, {"ZSCORE", "Sicily", "ok"}, {"GEOADD", "Sicily", "", "0", "bad"},
		{"GEOADD", "Sicily", " 13", "38", "sp"}, {"GEOADD", "Sicily", "13", "38 ", "sp"}, {"GEOADD", "Sicily", "1e-400", "38", "sp"},
		{"GEOADD", "Sicily", "0x10", "0", "hex"}, {"GEOPOS", "Sicily", "hex"}, {"ZREM", "Sicily", "hex"},
		{"GEOADD", "nokey", "XX", "1", "1", "a"}, {"EXISTS", "nokey"},
		// The edges: ±180, ±85.05112878, the poles are out of range.
		{"GEOADD", "edge", "180", "0", "e180", "-180", "0", "w180", "179.99", "-16.5", "Fiji", "-179.99", "-16.6", "Samoa"},
		{"GEOADD", "edge", "0", "85.05112878", "N", "0", "-85.05112878", "S", "0", "0", "Origin", "-0", "-0", "NegZero"},
		{"GEOADD", "edge", "0", "85.05112879", "bad"}, {"GEOADD", "edge", "0", "-85.05112879", "bad"},
		{"GEOPOS", "edge", "e180", "w180", "Fiji", "Samoa", "N", "S", "Origin", "NegZero", "nope"}, {"GEOHASH", "edge", "e180", "w180", "N", "S", "Origin", "NegZero"},
		{"ZRANGE", "edge", "0", "-1", "WITHSCORES"}, {"GEODIST", "edge", "Fiji", "Samoa"}, {"GEODIST", "edge", "e180", "w180", "km"},
		{"GEODIST", "edge", "N", "S", "km"}, {"GEODIST", "edge", "Origin", "NegZero"}, {"GEODIST", "edge", "N", "Origin", "mi"},
		{"GEOSEARCH", "edge", "FROMMEMBER", "Fiji", "BYRADIUS", "50", "km", "ASC", "WITHDIST"},
		{"GEOSEARCH", "edge", "FROMLONLAT", "180", "-16.55", "BYBOX", "100", "100", "km", "WITHCOORD", "WITHDIST", "WITHHASH"},
		{"GEOSEARCH", "edge", "FROMLONLAT", "-180", "0", "BYRADIUS", "1", "km", "WITHCOORD"},
		{"GEOSEARCH", "edge", "FROMMEMBER", "N", "BYRADIUS", "100", "km", "WITHCOORD"}, {"GEOSEARCH", "edge", "FROMMEMBER", "S", "BYBOX", "1000", "1000", "km"},
		{"GEOSEARCH", "edge", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "ASC"}, {"GEOSEARCH", "edge", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km"},
		{"GEOSEARCH", "edge", "FROMLONLAT", "0", "0", "BYRADIUS", "0", "m", "WITHDIST"}, {"GEOSEARCH", "edge", "FROMLONLAT", "0", "0", "BYBOX", "0", "0", "m"},
		{"GEOSEARCH", "edge", "FROMLONLAT", "0", "0", "BYRADIUS", "40000", "km", "DESC", "WITHDIST"},
		{"GEORADIUS", "edge", "179.995", "-16.55", "100", "km", "WITHDIST", "ASC"}, {"GEORADIUS", "edge", "-179.999", "-16.55", "100", "km"},
		// GEOPOS, GEODIST, GEOHASH.
		{"GEOPOS", "Sicily", "Palermo", "Catania", "nope"}, {"GEOPOS", "Sicily"}, {"GEOPOS", "nokey", "a", "b"}, {"GEOPOS", "nokey"},
		{"GEOPOS"}, {"GEODIST", "Sicily", "Palermo", "Catania"}, {"GEODIST", "Sicily", "Palermo", "Catania", "m"},
		{"GEODIST", "Sicily", "Palermo", "Catania", "km"}, {"GEODIST", "Sicily", "Palermo", "Catania", "KM"}, {"GEODIST", "Sicily", "Palermo", "Catania", "ft"},
		{"GEODIST", "Sicily", "Palermo", "Catania", "mi"}, {"GEODIST", "Sicily", "Palermo", "Catania", "furlong"}, {"GEODIST", "Sicily", "Palermo", "nope"},
		{"GEODIST", "Sicily", "Palermo", "nope", "furlong"}, {"GEODIST", "Sicily", "Palermo", "Palermo"}, {"GEODIST", "nokey", "a", "b"},
		{"GEODIST", "nokey", "a", "b", "furlong"}, {"GEODIST", "Sicily", "Palermo"}, {"GEODIST", "Sicily", "Palermo", "Catania", "km", "x"},
		{"GEOHASH", "Sicily", "Palermo", "Catania", "nope"}, {"GEOHASH", "Sicily"}, {"GEOHASH", "nokey", "a"}, {"GEOHASH", "nokey"}, {"GEOHASH"},
		// Wrong type.
		{"SET", "str", "v"}, {"RPUSH", "lst", "a"}, {"GEOADD", "str", "1", "1", "a"}, {"GEOADD", "lst", "1", "1", "a"}, {"GEOADD", "str", "200", "1", "a"},
		{"GEOPOS", "str", "a"}, {"GEODIST", "lst", "a", "b"}, {"GEODIST", "str", "a", "b", "furlong"}, {"GEOHASH", "str", "a"},
		{"GEOSEARCH", "str", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"}, {"GEOSEARCH", "lst", "FROMMEMBER", "a", "BYRADIUS", "1", "km"},
		{"GEOSEARCHSTORE", "d", "str", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"}, {"GEOSEARCHSTORE", "str", "Sicily", "FROMLONLAT", "13", "38", "BYRADIUS", "100", "km"},
		{"TYPE", "str"}, {"SET", "str", "v"}, {"GEORADIUS", "str", "0", "0", "1", "km"}, {"GEORADIUS_RO", "lst", "0", "0", "1", "km"},
		{"GEORADIUSBYMEMBER", "str", "a", "1", "km"}, {"GEORADIUSBYMEMBER_RO", "lst", "a", "1", "km"}, {"GEORADIUS", "Sicily", "13", "38", "100", "km", "STORE", "lst"},
		{"TYPE", "lst"}, {"RPUSH", "lst", "a"}, {"DEL", "lst"}, {"RPUSH", "lst", "a"}, {"GEOSEARCH", "str", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "furlong"},
		{"GEOSEARCH", "lst", "FROMLONLAT", "0", "0", "BYRADIUS", "x", "km"}, {"GEORADIUSBYMEMBER", "lst", "a", "1", "furlong"},
		// GEOSEARCH.
		{"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.222245", "edge2"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHCOORD", "WITHDIST", "WITHHASH"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST", "WITHHASH"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "100", "800", "km", "ASC"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km", "ASC", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "300", "300", "km", "DESC", "WITHHASH"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "COUNT", "1"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC", "COUNT", "2", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "2"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "ANY"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "2", "ANY", "ASC"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "100"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200000", "m", "ASC", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "656168", "ft", "ASC", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "124.3", "mi", "ASC", "WITHDIST"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "0", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "20000", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "50000", "km", "DESC"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "Catania", "BYRADIUS", "0", "km", "WITHDIST"},
		{"GEOSEARCH", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, {"GEOSEARCH", "nokey", "FROMMEMBER", "a", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "BYRADIUS", "200", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "BYBOX", "1", "1", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "0"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "-1"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "x"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ANY"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ANY", "COUNT", "1"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "furlong"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", " 200", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "2e2", "KM", "ASC"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "x", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "yd"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "200", "37", "BYRADIUS", "200", "km"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "x", "37", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "BYRADIUS", "200", "km"}, {"GEOSEARCH", "Sicily", "FROMMEMBER"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "FOO"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STORE", "x"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "DESC"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC", "ASC"},
		{"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMMEMBER", "Catania", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "BYRADIUS", "100", "km"},
		{"GEOSEARCH", "Sicily"}, {"GEOSEARCH"}, {"GEOSEARCH", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "0"},
		{"GEOSEARCH", "nokey", "BYRADIUS", "200", "km"},
		{"GEOSEARCH", "Sicily", "BYRADIUS", "200", "km", "ASC", "WITHDIST"}, {"GEOSEARCH", "Sicily", "BYBOX", "200", "200", "km", "DESC"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "ASC", "WITHHASH"}, {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "WITHDIST", "ASC", "COUNT", "1"},
		{"GEOSEARCH", "nokey", "BYRADIUS", "200", "km", "ASC", "ASC"}, {"GEOSEARCH", "str", "BYRADIUS", "200", "km", "ASC", "ASC"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "COUNT", "0"},
		{"GEOSEARCH", "Sicily", "BYRADIUS", "200", "km", "COUNT", "0"}, {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "ANY", "ANY"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "200", "200", "km", "BYBOX", "400", "400", "km"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "2", "COUNT", "1"},
		{"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "withdist", "withdist"},
		// GEOSEARCHSTORE.
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "COUNT", "3"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "DESC", "COUNT", "2", "STOREDIST"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "mi", "STOREDIST"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km", "COUNT", "1", "ANY"}, {"ZRANGE", "dst", "0", "-1"},
		{"EXPIRE", "dst", "100"}, {"GEOSEARCHSTORE", "dst", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km"}, {"TTL", "dst"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"}, {"EXISTS", "dst"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, {"GEOSEARCHSTORE", "dst", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
		{"EXISTS", "dst"}, {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHCOORD"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHHASH"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STORE", "x"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "200", "km"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37"}, {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "0"},
		{"GEOSEARCHSTORE", "dst", "Sicily"}, {"GEOSEARCHSTORE", "dst", "Sicily", "BYRADIUS", "200", "km", "ASC", "STOREDIST"},
		{"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "STOREDIST", "ASC"}, {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ANY"},
		{"GEOSEARCHSTORE", "Sicily", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "120", "km", "ASC"},
		{"ZRANGE", "Sicily", "0", "-1"}, {"SET", "sd", "x"}, {"GEOSEARCHSTORE", "sd", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, {"TYPE", "sd"},
		// GEORADIUS and GEORADIUSBYMEMBER, and their _RO forms.
		{"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "12.758489", "38.788135", "edge1", "17.241510", "38.222245", "edge2"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "ASC"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "DESC"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD", "WITHDIST", "WITHHASH", "ASC"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ASC"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "2", "ANY"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "2", "ANY", "DESC", "WITHDIST"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "gr"}, {"ZRANGE", "gr", "0", "-1", "WITHSCORES"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "gr", "ASC", "COUNT", "2"}, {"ZRANGE", "gr", "0", "-1", "WITHSCORES"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "gr", "STOREDIST", "gr2"}, {"EXISTS", "gr2"}, {"ZRANGE", "gr", "0", "-1", "WITHSCORES"},
		{"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "gr"}, {"EXISTS", "gr"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "gr", "WITHDIST"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD", "STOREDIST", "gr"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "FOO"},
		{"GEORADIUS", "Sicily", "15", "37", "200", "furlong"}, {"GEORADIUS", "Sicily", "15", "37", "-200", "km"},
		{"GEORADIUS", "Sicily", "200", "37", "200", "km"}, {"GEORADIUS", "Sicily", "15", "x", "200", "km"}, {"GEORADIUS", "Sicily", "15", "37", "x", "km"},
		{"GEORADIUS", "Sicily", "15", "37", "200"}, {"GEORADIUS", "nokey", "15", "37", "200", "km"}, {"GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "gr3"},
		{"EXISTS", "gr3"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "BYBOX"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "FROMMEMBER", "a"},
		{"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC"}, {"GEORADIUS_RO", "Sicily", "15", "37", "200", "km"},
		{"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "gr"}, {"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STOREDIST", "gr"},
		{"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ANY"}, {"GEORADIUS_RO", "Sicily", "15", "37"},
		{"GEORADIUSBYMEMBER", "Sicily", "Gela", "100", "km"}, {"GEORADIUSBYMEMBER", "Sicily", "Gela", "100", "km", "ASC", "WITHDIST", "WITHCOORD"},
		{"GEORADIUSBYMEMBER", "Sicily", "Agrigento", "100", "km"}, {"GEORADIUSBYMEMBER", "Sicily", "Gela", "100", "km", "STORE", "gb", "WITHHASH"},
		{"GEORADIUSBYMEMBER", "Sicily", "Gela", "100", "km", "COUNT", "0"}, {"GEORADIUSBYMEMBER", "Sicily", "Gela", "100", "km", "ANY"},
		{"GEORADIUSBYMEMBER", "Sicily", "Gela", "x", "km"}, {"GEORADIUSBYMEMBER", "Sicily", "Gela", "100", "km", "STOREDIST"},
		{"GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "DESC", "COUNT", "3"}, {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "COUNT", "1", "ANY"},
		{"GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "STOREDIST", "gb"}, {"ZRANGE", "gb", "0", "-1", "WITHSCORES"},
		{"GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "STORE", "gb"}, {"ZRANGE", "gb", "0", "-1", "WITHSCORES"},
		{"GEORADIUSBYMEMBER", "Sicily", "nope", "100", "km"}, {"GEORADIUSBYMEMBER", "nokey", "nope", "100", "km"},
		{"GEORADIUSBYMEMBER", "Sicily", "Palermo", "100", "furlong"}, {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "-1", "km"},
		{"GEORADIUSBYMEMBER", "Sicily", "Palermo", "100"}, {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "0", "km", "WITHDIST"},
		{"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "300", "km", "ASC"}, {"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "300", "km", "STORE", "gb"},
		{"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "300", "km", "STOREDIST", "gb"}, {"GEORADIUSBYMEMBER_RO", "Sicily", "nope", "300", "km"},
		{"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo"},
		// Paris and Lyon, in m, ft and mi; a huge radius over the whole world.
		{"GEOADD", "France", "2.352222", "48.856613", "Paris", "4.835659", "45.764043", "Lyon", "7.261953", "43.710173", "Nice", "-1.553621", "47.218371", "Nantes"},
		{"GEODIST", "France", "Paris", "Lyon", "km"}, {"GEODIST", "France", "Paris", "Nice", "mi"}, {"GEODIST", "France", "Nantes", "Nice", "ft"},
		{"GEOSEARCH", "France", "FROMMEMBER", "Paris", "BYRADIUS", "400", "km", "WITHDIST"},
		{"GEOSEARCH", "France", "FROMMEMBER", "Paris", "BYBOX", "800", "600", "km", "WITHDIST", "WITHCOORD"},
		{"GEOSEARCH", "France", "FROMMEMBER", "Lyon", "BYBOX", "200", "1000", "km", "ASC"},
		{"GEOSEARCH", "France", "FROMLONLAT", "2", "46", "BYRADIUS", "500", "km", "ASC", "WITHDIST"},
		{"GEOSEARCH", "France", "FROMLONLAT", "2", "46", "BYRADIUS", "500", "km"},
		{"GEOSEARCH", "France", "FROMLONLAT", "-100", "-40", "BYRADIUS", "20000", "km", "WITHDIST"},
		{"GEOSEARCH", "France", "FROMLONLAT", "-100", "-40", "BYBOX", "40000", "40000", "km"},
		{"GEORADIUS", "France", "2", "46", "300", "mi", "WITHDIST", "ASC"}, {"GEORADIUS", "France", "2", "46", "1000000", "ft", "WITHDIST"},
		{"GEORADIUS", "France", "2", "46", "500000", "m", "COUNT", "2"},
		{"GEOHASH", "France", "Paris", "Lyon", "Nice", "Nantes"}, {"GEOPOS", "France", "Paris", "Lyon", "Nice", "Nantes"},
		// Sorted-set commands on geo sets, and geo commands on plain sorted sets.
		{"ZRANGE", "France", "0", "-1", "WITHSCORES"}, {"ZRANK", "France", "Paris"}, {"ZREM", "France", "Nantes"}, {"ZCARD", "France"},
		{"ZADD", "France", "3471579339700058", "Dijon"}, {"GEOPOS", "France", "Dijon"}, {"GEOHASH", "France", "Dijon"},
		{"ZADD", "plain", "0", "zero", "1.5", "frac", "4503599627370495", "max52", "4503599627370496", "past52", "1000000", "million"},
		{"GEOPOS", "plain", "zero", "frac", "max52", "past52", "million"}, {"GEOHASH", "plain", "zero", "frac", "max52", "million"},
		{"GEODIST", "plain", "zero", "max52", "km"}, {"GEOSEARCH", "plain", "FROMMEMBER", "zero", "BYRADIUS", "100", "km", "WITHDIST", "WITHHASH"},
		{"GEORADIUSBYMEMBER", "plain", "million", "20000", "km", "WITHCOORD"},
		{"ZUNIONSTORE", "geo2", "2", "Sicily", "France"}, {"GEOSEARCH", "geo2", "FROMLONLAT", "10", "45", "BYRADIUS", "2000", "km", "ASC"},
		{"GEOADD", "France", "XX", "CH", "2.352222", "48.856613", "Paris", "4.84", "45.76", "Lyon"}, {"GEOPOS", "France", "Lyon"},
		{"DEL", "France"}, {"GEOPOS", "France", "Paris"}, {"GEODIST", "France", "Paris", "Lyon"},
	}
	// A geo set past the listpack limit (129 points on a grid around
	// Sicily): the skiplist representation.
	grid := []string{"GEOADD", "grid"}
	for i := 0; i < 150; i++ {
		grid = append(grid, fmt.Sprintf("%.4f", 12+float64(i%15)*0.25), fmt.Sprintf("%.4f", 36.5+float64(i/15)*0.2), "g"+strconv.Itoa(i))
	}
	cs = append(cs, grid, []string{"ZCARD", "grid"},
		[]string{"GEOSEARCH", "grid", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "30", "km", "ASC", "WITHDIST"},
		[]string{"GEOSEARCH", "grid", "FROMLONLAT", "13.5", "37.5", "BYRADIUS", "30", "km"},
		[]string{"GEOSEARCH", "grid", "FROMMEMBER", "g77", "BYBOX", "60", "40", "km", "DESC", "COUNT", "5"},
		[]string{"GEOSEARCH", "grid", "FROMMEMBER", "g77", "BYBOX", "60", "40", "km", "COUNT", "5", "ANY"},
		[]string{"GEORADIUS", "grid", "13", "37", "50", "km", "COUNT", "4", "ASC", "WITHCOORD"},
		[]string{"GEORADIUSBYMEMBER", "grid", "g0", "100", "km", "COUNT", "10", "DESC", "STOREDIST", "gridd"},
		[]string{"ZRANGE", "gridd", "0", "-1", "WITHSCORES"}, []string{"GEOPOS", "grid", "g0", "g149"}, []string{"GEOHASH", "grid", "g0", "g149"},
		[]string{"GEODIST", "grid", "g0", "g149", "km"}, []string{"GEOSEARCHSTORE", "gs", "grid", "FROMLONLAT", "13", "37", "BYRADIUS", "500", "km"},
		[]string{"ZCARD", "gs"}, []string{"ZRANGE", "gs", "0", "9"}, []string{"FLUSHALL"})
	// A unit given as "" is no unit (found by the hostile-argument test).
	cs = append(cs, [][]string{
		{"GEOADD", "units", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
		{"GEODIST", "units", "Palermo", "Catania", ""}, {"GEOSEARCH", "units", "FROMLONLAT", "15", "37", "BYRADIUS", "200", ""},
		{"GEOSEARCH", "units", "FROMMEMBER", "Palermo", "BYBOX", "100", "100", "", "ASC"},
		{"GEOSEARCHSTORE", "ud", "units", "FROMLONLAT", "15", "37", "BYRADIUS", "200", ""},
		{"GEORADIUS", "units", "15", "37", "200", "", "WITHDIST"}, {"GEORADIUSBYMEMBER_RO", "units", "Palermo", "300", ""},
		{"GEORADIUS", "units", "15", "37", "200", "KM", "ASC"},
	}...)
	return cs
}
