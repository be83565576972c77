package compat

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisSortedSetsAndGeoLikeRedis makes the same go-redis calls on an
// embedis server and on a real redis-server, in RESP2 and RESP3, and
// compares what go-redis hands back: the parsed Go values, so a reply shape
// go-redis reads differently (a RESP3 double, nested score pairs, GEOPOS
// coordinates) shows up here even where the bytes were compared elsewhere.
func TestGoRedisSortedSetsAndGeoLikeRedis(t *testing.T) {
	srv := embedistest.Run(t)
	real := redistest.Start(t)
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			emb := redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: proto})
			ref := redis.NewClient(&redis.Options{Network: "unix", Addr: real.Socket, Protocol: proto})
			t.Cleanup(func() { emb.Close(); ref.Close() })
			for _, c := range []*redis.Client{emb, ref} {
				c.FlushAll(ctx)
			}
			calls := []struct {
				name string
				call func(c *redis.Client) any
			}{
				{"ZAdd", func(c *redis.Client) any {
					return c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2.5, Member: "b"},
						redis.Z{Score: 0.1, Member: "c"}, redis.Z{Score: -3, Member: "d"}).Val()
				}},
				{"ZAddArgsIncr", func(c *redis.Client) any {
					return fmt.Sprint(c.ZAddArgsIncr(ctx, "z", redis.ZAddArgs{NX: true, Members: []redis.Z{{Score: 5, Member: "a"}}}).Result())
				}},
				{"ZRangeWithScores", func(c *redis.Client) any { return c.ZRangeWithScores(ctx, "z", 0, -1).Val() }},
				{"ZRevRangeWithScores", func(c *redis.Client) any { return c.ZRevRangeWithScores(ctx, "z", 0, 1).Val() }},
				{"ZRangeArgs BYSCORE", func(c *redis.Client) any {
					return c.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "z", Start: "(0", Stop: "+inf", ByScore: true, Rev: false, Offset: 1, Count: 2}).Val()
				}},
				{"ZRangeByLex", func(c *redis.Client) any {
					c.ZAdd(ctx, "lex", redis.Z{Member: "apple"}, redis.Z{Member: "banana"}, redis.Z{Member: "cherry"})
					//lint:ignore SA1019 ZRANGEBYLEX is deprecated but still a Redis 7.0 command that clients send
					return c.ZRangeByLex(ctx, "lex", &redis.ZRangeBy{Min: "[b", Max: "+"}).Val()
				}},
				{"ZRank", func(c *redis.Client) any { return fmt.Sprint(c.ZRank(ctx, "z", "b").Result()) }},
				{"ZRevRank missing", func(c *redis.Client) any { return fmt.Sprint(c.ZRevRank(ctx, "z", "nope").Result()) }},
				{"ZScore", func(c *redis.Client) any { return c.ZScore(ctx, "z", "c").Val() }},
				{"ZMScore", func(c *redis.Client) any { return c.ZMScore(ctx, "z", "a", "nope", "b").Val() }},
				{"ZIncrBy", func(c *redis.Client) any { return c.ZIncrBy(ctx, "z", 0.2, "c").Val() }},
				{"ZCount", func(c *redis.Client) any { return c.ZCount(ctx, "z", "-inf", "(2.5").Val() }},
				{"ZPopMin", func(c *redis.Client) any { return c.ZPopMin(ctx, "z").Val() }},
				{"ZPopMax 2", func(c *redis.Client) any { return c.ZPopMax(ctx, "z", 2).Val() }},
				{"ZMPop", func(c *redis.Client) any {
					c.ZAdd(ctx, "m", redis.Z{Score: 1, Member: "x"}, redis.Z{Score: 2, Member: "y"})
					k, zs, err := c.ZMPop(ctx, "max", 5, "none", "m").Result()
					return fmt.Sprint(k, zs, err)
				}},
				{"ZUnionWithScores", func(c *redis.Client) any {
					c.ZAdd(ctx, "u1", redis.Z{Score: 1, Member: "p"}, redis.Z{Score: 2, Member: "q"})
					c.SAdd(ctx, "u2", "q", "r")
					return c.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"u1", "u2"}, Weights: []float64{2, 3}}).Val()
				}},
				{"ZInterStore", func(c *redis.Client) any {
					return c.ZInterStore(ctx, "dst", &redis.ZStore{Keys: []string{"u1", "u2"}, Aggregate: "MAX"}).Val()
				}},
				{"ZDiffWithScores", func(c *redis.Client) any { return c.ZDiffWithScores(ctx, "u1", "u2").Val() }},
				{"ZRandMemberWithScores", func(c *redis.Client) any {
					zs := c.ZRandMemberWithScores(ctx, "u1", 5).Val()
					sort.Slice(zs, func(i, j int) bool { return zs[i].Member.(string) < zs[j].Member.(string) })
					return zs
				}},
				{"ZScan", func(c *redis.Client) any {
					keys, cursor := c.ZScan(ctx, "u1", 0, "*", 10).Val()
					return fmt.Sprint(keys, cursor)
				}},
				{"BZPopMin", func(c *redis.Client) any {
					return fmt.Sprint(c.BZPopMin(ctx, time.Second, "empty", "u1").Result())
				}},
				{"BZPopMax timeout", func(c *redis.Client) any {
					if c == emb {
						// embedistest's clock is manual: let the timeout
						// pass once the call is blocked.
						go func() {
							for i := 0; i < 1000; i++ {
								if st, err := srv.Store.Stats(ctx); err == nil && st.Blocked == 1 {
									srv.Clock.Advance(2 * time.Second)
									return
								}
								time.Sleep(5 * time.Millisecond)
							}
						}()
					}
					return fmt.Sprint(c.BZPopMax(ctx, time.Second, "empty").Result())
				}},
				{"GeoAdd", func(c *redis.Client) any {
					return c.GeoAdd(ctx, "sicily",
						&redis.GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556},
						&redis.GeoLocation{Name: "Catania", Longitude: 15.087269, Latitude: 37.502669},
						&redis.GeoLocation{Name: "edge", Longitude: 179.99, Latitude: 85.05}).Val()
				}},
				{"GeoPos", func(c *redis.Client) any { return c.GeoPos(ctx, "sicily", "Palermo", "nope", "edge").Val() }},
				{"GeoDist", func(c *redis.Client) any { return c.GeoDist(ctx, "sicily", "Palermo", "Catania", "km").Val() }},
				{"GeoHash", func(c *redis.Client) any { return c.GeoHash(ctx, "sicily", "Palermo", "nope").Val() }},
				{"GeoSearchLocation", func(c *redis.Client) any {
					return c.GeoSearchLocation(ctx, "sicily", &redis.GeoSearchLocationQuery{
						GeoSearchQuery: redis.GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km", Sort: "ASC"},
						WithCoord:      true, WithDist: true, WithHash: true,
					}).Val()
				}},
				{"GeoSearch BYBOX", func(c *redis.Client) any {
					return c.GeoSearch(ctx, "sicily", &redis.GeoSearchQuery{Member: "Palermo", BoxWidth: 400, BoxHeight: 400, BoxUnit: "km", Count: 1}).Val()
				}},
				{"GeoSearchStore", func(c *redis.Client) any {
					return c.GeoSearchStore(ctx, "sicily", "near", &redis.GeoSearchStoreQuery{
						GeoSearchQuery: redis.GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km"}, StoreDist: true,
					}).Val()
				}},
				{"near", func(c *redis.Client) any { return c.ZRangeWithScores(ctx, "near", 0, -1).Val() }},
				{"GeoRadius", func(c *redis.Client) any {
					//lint:ignore SA1019 GEORADIUS is deprecated but still a Redis 7.0 command that clients send
					return c.GeoRadius(ctx, "sicily", 15, 37, &redis.GeoRadiusQuery{Radius: 100, Unit: "mi", WithDist: true, WithCoord: true, Sort: "DESC"}).Val()
				}},
				{"GeoRadiusByMember", func(c *redis.Client) any {
					//lint:ignore SA1019 GEORADIUSBYMEMBER is deprecated but still a Redis 7.0 command that clients send
					return c.GeoRadiusByMember(ctx, "sicily", "Catania", &redis.GeoRadiusQuery{Radius: 1000, Unit: "km", WithGeoHash: true, Count: 1}).Val()
				}},
			}
			for _, c := range calls {
				want, got := c.call(ref), c.call(emb)
				if !reflect.DeepEqual(want, got) {
					t.Errorf("%s:\n redis:   %#v\n embedis: %#v", c.name, want, got)
				}
			}
		})
	}
}
