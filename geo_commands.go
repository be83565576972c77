package embedis

import (
	"strings"

	"github.com/embedis/embedis/internal/geo"
	"github.com/embedis/embedis/internal/number"
)

// Handlers of the geo commands: argument parsing (in Redis's order, so the
// same bad command gets the same error) and reply writing around geo.go.

func init() {
	ro, w, deny := "readonly", "write", "denyoom"
	one := func(name string, arity int, run func(*Tx, []string, ReplyWriter), flags ...string) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, FirstKey: 1, LastKey: 1, KeyStep: 1, run: run}
	}
	register(
		one("geoadd", -5, cmdGeoAdd, w, deny),
		one("geopos", -2, cmdGeoPos, ro),
		one("geodist", -4, cmdGeoDist, ro),
		one("geohash", -2, cmdGeoHash, ro),
		one("geosearch", -7, cmdGeoSearch, ro),
		&Command{Name: "geosearchstore", Arity: -8, Flags: []string{w, deny}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdGeoSearch},
		&Command{Name: "georadius", Arity: -6, Flags: []string{w, deny, "movablekeys"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGeoSearch},
		&Command{Name: "georadiusbymember", Arity: -5, Flags: []string{w, deny, "movablekeys"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGeoSearch},
		one("georadius_ro", -6, cmdGeoSearch, ro),
		one("georadiusbymember_ro", -5, cmdGeoSearch, ro),
	)
}

// doubleTextWriter writes a double given as text (RESP3 ",", RESP2 bulk):
// Redis's GEOPOS and WITHCOORD print coordinates in their own format.
type doubleTextWriter interface{ WriteDoubleText(s string) }

func writeCoord(w ReplyWriter, x float64) {
	s := geo.FormatCoord(x)
	if dw, ok := w.(doubleTextWriter); ok {
		dw.WriteDoubleText(s)
		return
	}
	w.WriteBulk(s)
}

// parseLonLat reads a longitude and a latitude as GEOADD and the searches
// do: strict doubles, then the range check.
func parseLonLat(lon, lat string) (float64, float64, error) {
	x, ok1 := number.ParseDouble(lon)
	y, ok2 := number.ParseDouble(lat)
	if !ok1 || !ok2 {
		return 0, 0, ErrNotFloat
	}
	if _, err := geoScore(x, y); err != nil {
		return 0, 0, err
	}
	return x, y, nil
}

func cmdGeoAdd(tx *Tx, args []string, w ReplyWriter) {
	var a GeoAddArgs
	i := 2
options:
	for ; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "NX":
			a.NX = true
		case "XX":
			a.XX = true
		case "CH":
			a.Ch = true
		default:
			break options
		}
	}
	rest := args[i:]
	if len(rest)%3 != 0 || len(rest) == 0 || a.NX && a.XX {
		w.WriteError(ErrSyntax)
		return
	}
	for j := 0; j < len(rest); j += 3 {
		lon, lat, err := parseLonLat(rest[j], rest[j+1])
		if err != nil {
			w.WriteError(err)
			return
		}
		a.Locations = append(a.Locations, GeoLocation{Name: rest[j+2], Longitude: lon, Latitude: lat})
	}
	n, err := tx.GeoAddArgs(args[1], a)
	writeIntOrError(w, n, err)
}

func cmdGeoPos(tx *Tx, args []string, w ReplyWriter) {
	ps, err := tx.GeoPos(args[1], args[2:]...)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(ps))
	for _, p := range ps {
		if p == nil {
			w.WriteNullArray()
			continue
		}
		w.WriteArrayLen(2)
		writeCoord(w, p.Longitude)
		writeCoord(w, p.Latitude)
	}
}

func cmdGeoDist(tx *Tx, args []string, w ReplyWriter) {
	unit := ""
	switch {
	case len(args) == 5:
		unit = args[4]
		if _, err := geoUnit(unit); err != nil {
			w.WriteError(err)
			return
		}
	case len(args) > 5:
		w.WriteError(ErrSyntax)
		return
	}
	d, err := tx.geoDist(args[1], args[2], args[3], unit)
	writeStringOrNull(w, d, err)
}

func cmdGeoHash(tx *Tx, args []string, w ReplyWriter) {
	hs, err := tx.GeoHash(args[1], args[2:]...)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(hs))
	for _, h := range hs {
		if h == "" {
			w.WriteNull()
		} else {
			w.WriteBulk(h)
		}
	}
}

// parseDistance reads a radius (or a box side) and its unit.
func parseDistance(v, unit, notNumeric string, negative error) (float64, float64, error) {
	d, ok := number.ParseDouble(v)
	if !ok {
		return 0, 0, geoNeedNumeric(notNumeric)
	}
	if d < 0 {
		return 0, 0, negative
	}
	u, err := geoUnit(unit)
	return d, u, err
}

// cmdGeoSearch serves GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
// GEORADIUSBYMEMBER and the _RO forms, parsing as Redis's georadiusGeneric
// does: the source key's type first, then the centre and radius of the
// GEORADIUS forms, then the options left to right, then the combinations.
func cmdGeoSearch(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	search := strings.HasPrefix(name, "geosearch")
	searchStore := name == "geosearchstore"
	byMember := strings.HasPrefix(name, "georadiusbymember")
	noStore := strings.HasSuffix(name, "_ro")
	src := 1
	if searchStore {
		src = 2
	}
	storeEv := evGeoRadSt
	if searchStore {
		storeEv = evGeoSrchSt
	}
	zv, err := tx.readZSet(args[src])
	if err != nil {
		w.WriteError(err)
		return
	}
	q := &geoQuery{}
	base := 0
	switch {
	case search:
		base = src + 1
	case byMember:
		base = 5
		if zv != nil {
			sc, ok := zv.s.Score(args[2])
			if !ok {
				w.WriteError(ErrGeoMember)
				return
			}
			q.shape.Lon, q.shape.Lat = geoDecode(sc)
			if q.shape.Radius, q.shape.Unit, err = parseDistance(args[3], args[4], "radius", errRadiusNegative); err != nil {
				w.WriteError(err)
				return
			}
		}
	default:
		base = 6
		if q.shape.Lon, q.shape.Lat, err = parseLonLat(args[2], args[3]); err != nil {
			w.WriteError(err)
			return
		}
		if q.shape.Radius, q.shape.Unit, err = parseDistance(args[4], args[5], "radius", errRadiusNegative); err != nil {
			w.WriteError(err)
			return
		}
	}
	var withDist, withHash, withCoord, fromMember, fromLoc, byRadius, byBox, storeDist bool
	store := ""
	hasStore := searchStore
	if searchStore {
		store = args[1]
	}
	opts := args[base:]
	for i := 0; i < len(opts); i++ {
		left := len(opts) - i - 1
		switch opt := strings.ToLower(opts[i]); {
		case opt == "withdist":
			withDist = true
		case opt == "withhash":
			withHash = true
		case opt == "withcoord":
			withCoord = true
		case opt == "any":
			q.any = true
		case opt == "asc":
			q.sort = 1
		case opt == "desc":
			q.sort = -1
		case opt == "count" && left >= 1:
			n, err := parseIntArg(opts[i+1])
			if err != nil {
				w.WriteError(err)
				return
			}
			if n <= 0 {
				w.WriteError(errGeoCount)
				return
			}
			q.count = n
			i++
		case (opt == "store" || opt == "storedist") && left >= 1 && !noStore && !search:
			store, hasStore, storeDist = opts[i+1], true, opt == "storedist"
			i++
		case opt == "storedist" && searchStore:
			storeDist = true
		case opt == "frommember" && left >= 1 && search && !fromLoc:
			fromMember = true
			if zv != nil {
				sc, ok := zv.s.Score(opts[i+1])
				if !ok {
					w.WriteError(ErrGeoMember)
					return
				}
				q.shape.Lon, q.shape.Lat = geoDecode(sc)
			}
			i++
		case opt == "fromlonlat" && left >= 2 && search && !fromMember:
			if q.shape.Lon, q.shape.Lat, err = parseLonLat(opts[i+1], opts[i+2]); err != nil {
				w.WriteError(err)
				return
			}
			fromLoc = true
			i += 2
		case opt == "byradius" && left >= 2 && search && !byBox:
			if q.shape.Radius, q.shape.Unit, err = parseDistance(opts[i+1], opts[i+2], "radius", errRadiusNegative); err != nil {
				w.WriteError(err)
				return
			}
			q.shape.Box = false
			byRadius = true
			i += 2
		case opt == "bybox" && left >= 3 && search && !byRadius:
			// Redis reads both sides before checking their signs.
			width, ok1 := number.ParseDouble(opts[i+1])
			height, ok2 := number.ParseDouble(opts[i+2])
			switch {
			case !ok1:
				err = errGeoNeedWidth
			case !ok2:
				err = errGeoNeedHeight
			case width < 0 || height < 0:
				err = errBoxNegative
			default:
				q.shape.Unit, err = geoUnit(opts[i+3])
			}
			if err != nil {
				w.WriteError(err)
				return
			}
			q.shape.Box, q.shape.Width, q.shape.Height = true, width, height
			byBox = true
			i += 3
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	if hasStore && (withDist || withHash || withCoord) {
		what := "STORE option in GEORADIUS"
		if searchStore {
			what = "GEOSEARCHSTORE"
		}
		w.WriteError(geoStoreIncompatible(what))
		return
	}
	if search && !fromMember && !fromLoc {
		w.WriteError(geoOneOfFrom(args[0]))
		return
	}
	if search && !byRadius && !byBox {
		w.WriteError(geoOneOfBy(args[0]))
		return
	}
	if q.any && q.count == 0 {
		w.WriteError(errGeoAny)
		return
	}
	if zv == nil {
		if hasStore {
			w.WriteInt(tx.geoStore(store, nil, false, 1, storeEv))
		} else {
			w.WriteArrayLen(0)
		}
		return
	}
	pts, err := q.run(zv, withDist || storeDist)
	if err != nil {
		w.WriteError(err)
		return
	}
	if hasStore {
		w.WriteInt(tx.geoStore(store, pts, storeDist, q.unit(), storeEv))
		return
	}
	extra := 0
	for _, b := range []bool{withDist, withHash, withCoord} {
		if b {
			extra++
		}
	}
	unit := q.unit()
	w.WriteArrayLen(len(pts))
	for _, p := range pts {
		if extra > 0 {
			w.WriteArrayLen(1 + extra)
		}
		w.WriteBulk(p.member)
		if withDist {
			w.WriteBulk(geo.FormatDistance(p.dist, unit))
		}
		if withHash {
			w.WriteInt(int64(p.score))
		}
		if withCoord {
			lon, lat := geoDecode(p.score)
			w.WriteArrayLen(2)
			writeCoord(w, lon)
			writeCoord(w, lat)
		}
	}
}
