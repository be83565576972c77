package geo

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// A geoSet is what the tests model a GEO key as: members sorted by
// (score, name), the order of a Redis sorted set.
type geoSet struct{ members []member }

type member struct {
	name  string
	score uint64
}

func newGeoSet(m map[string]uint64) *geoSet {
	s := &geoSet{}
	for name, score := range m {
		s.members = append(s.members, member{name, score})
	}
	sort.Slice(s.members, func(i, j int) bool {
		a, b := s.members[i], s.members[j]
		if a.score != b.score {
			return a.score < b.score
		}
		return a.name < b.name
	})
	return s
}

// hit is one result of a search: a member and its distance as WITHDIST
// replies it.
type hit struct{ name, dist string }

// search does what GEOSEARCH without sorting does: scan each of the
// shape's areas in order, keeping the members inside the shape.
func (s *geoSet) search(shape Shape, unit float64) []hit {
	var hits []hit
	for _, r := range Areas(shape) {
		i := sort.Search(len(s.members), func(i int) bool { return s.members[i].score >= r.Min })
		for ; i < len(s.members) && s.members[i].score < r.Max; i++ {
			if d, ok := shape.Contains(s.members[i].score); ok {
				hits = append(hits, hit{s.members[i].name, FormatDistance(d, unit)})
			}
		}
	}
	return hits
}

// hitsOf converts a GEOSEARCH ... WITHDIST reply to hits.
func hitsOf(reply any) ([]hit, bool) {
	items, ok := reply.([]any)
	if !ok {
		return nil, false
	}
	hits := make([]hit, 0, len(items))
	for _, it := range items {
		pair, ok := it.([]any)
		if !ok || len(pair) != 2 {
			return nil, false
		}
		name, ok1 := pair[0].(string)
		dist, ok2 := pair[1].(string)
		if !ok1 || !ok2 {
			return nil, false
		}
		hits = append(hits, hit{name, dist})
	}
	return hits, true
}

// diffHits describes the first difference between Redis's hits and ours,
// or returns "" if there is none. A distance one unit away in the last
// decimal is not a difference but is counted in *ulps: see sameDistance.
func diffHits(redis, ours []hit, ulps *int) string {
	for i := 0; i < len(redis) || i < len(ours); i++ {
		if i >= len(redis) || i >= len(ours) || redis[i].name != ours[i].name || !sameDistance(redis[i].dist, ours[i].dist, ulps) {
			const context = 3
			from, to := max(0, i-context), i+context
			return fmt.Sprintf("%d hits from redis, %d from geo; first difference at %d:\nredis: %s\ngeo:   %s",
				len(redis), len(ours), i, formatHits(redis[from:min(to, len(redis))]), formatHits(ours[from:min(to, len(ours))]))
		}
	}
	return ""
}

// sameDistance reports whether two formatted distances are equal, or
// differ by one in the last decimal, in which case it increments *ulps.
//
// The second case is glibc's doing: its sin, cos and asin are not quite
// correctly rounded (about 0.03% of their results are the float64 on the
// wrong side of the exact value), so about 0.15% of Redis's distances are
// one ulp away from ours, and once in some ten million distances that
// ulp lands on a rounding boundary of the fourth decimal. The callers
// allow a few such differences per run, so that the test does not flake,
// but fail on more.
func sameDistance(redis, ours string, ulps *int) bool {
	if redis == ours {
		return true
	}
	a, err1 := strconv.ParseInt(strings.Replace(redis, ".", "", 1), 10, 64)
	b, err2 := strconv.ParseInt(strings.Replace(ours, ".", "", 1), 10, 64)
	if err1 != nil || err2 != nil || (a-b != 1 && b-a != 1) {
		return false
	}
	*ulps++
	return true
}

func formatHits(hits []hit) string {
	parts := make([]string, len(hits))
	for i, h := range hits {
		parts[i] = h.name + ":" + h.dist
	}
	return strings.Join(parts, " ")
}

// num formats a float64 so that Redis's strtod parses back the same value.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
