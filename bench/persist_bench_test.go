package bench

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
	"github.com/klauspost/compress/zstd"
)

// Snapshot files, plain RDB against zstd-compressed (persist.SaveSnapshot and
// persist.OpenSnapshot), for two datasets:
//
//   - strings: N keys "key:N" with distinct 16-byte values;
//   - mixed: N keys: 60% such strings, 10% each of lists, sets, hashes and
//     sorted sets of 10 elements (listpack and intset encodings), of which
//     one in 400 holds 1,000 elements instead (quicklists, hash tables,
//     skiplists).
//
// N is 100,000 by default, so that test.sh's single pass stays short, and
// 1,000,000 with EMBEDIS_BENCH_RDB=1m (the size BENCHMARKS.md reports; 10m
// gives 10,000,000), the variable BenchmarkRDB reads too.
//
// Every benchmark reports file-MB (the file's size), MB/s of RDB data (the
// plain file's size per second, for both forms, so that the two compare) and
// cpu-s/op, the CPU time the whole process used per operation (GC and the
// zstd goroutines included), which a busy machine distorts less than the
// wall-clock time:
//
//	cd bench && go test -run '^$' -bench 'Snapshot' -benchtime 5x
func BenchmarkSnapshotSave(b *testing.B) {
	for _, ds := range snapshotDatasets {
		for _, form := range []string{"rdb", "zst"} {
			b.Run(ds.name+"/"+form, func(b *testing.B) {
				s := ds.store(b)
				path := filepath.Join(b.TempDir(), "dump."+form)
				b.SetBytes(ds.rdbSize(b))
				b.ResetTimer()
				cpu := processCPU()
				for range b.N {
					if err := persist.SaveSnapshot(context.Background(), s, path); err != nil {
						b.Fatal(err)
					}
				}
				cpu = processCPU() - cpu
				b.StopTimer()
				reportFileSize(b, path)
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			})
		}
	}
}

func BenchmarkSnapshotOpen(b *testing.B) {
	for _, ds := range snapshotDatasets {
		for _, form := range []string{"rdb", "zst"} {
			b.Run(ds.name+"/"+form, func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "dump."+form)
				if err := persist.SaveSnapshot(context.Background(), ds.store(b), path); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(ds.rdbSize(b))
				runtime.GC()
				b.ResetTimer()
				var cpu time.Duration
				for range b.N {
					start := processCPU()
					s, err := persist.OpenSnapshot(path, embedis.Options{})
					if err != nil {
						b.Fatal(err)
					}
					cpu += processCPU() - start
					b.StopTimer()
					if n, _ := s.DBSize(context.Background()); n != int64(snapshotKeys()) {
						b.Fatalf("opened %d keys", n)
					}
					s.Close()
					runtime.GC() // the next load starts from the same heap
					b.StartTimer()
				}
				b.StopTimer()
				reportFileSize(b, path)
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			})
		}
	}
}

// BenchmarkSnapshotZstd isolates zstd's share of the above: compressing the
// dataset's RDB bytes, held in memory, as persist does (klauspost/compress at
// its default level, one frame with a checksum), and decompressing them.
func BenchmarkSnapshotZstd(b *testing.B) {
	for _, ds := range snapshotDatasets {
		var rdb bytes.Buffer
		var z []byte
		setup := func(b *testing.B) {
			if rdb.Len() > 0 {
				return
			}
			if err := ds.store(b).WriteSnapshot(context.Background(), &rdb); err != nil {
				b.Fatal(err)
			}
			enc, _ := zstd.NewWriter(nil)
			z = enc.EncodeAll(rdb.Bytes(), nil)
		}
		b.Run(ds.name+"/compress", func(b *testing.B) {
			setup(b)
			b.SetBytes(int64(rdb.Len()))
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				enc, err := zstd.NewWriter(io.Discard, zstd.WithZeroFrames(true))
				if err != nil {
					b.Fatal(err)
				}
				enc.Write(rdb.Bytes())
				if err := enc.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		})
		b.Run(ds.name+"/decompress", func(b *testing.B) {
			setup(b)
			b.SetBytes(int64(rdb.Len()))
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				dec, err := zstd.NewReader(bytes.NewReader(z))
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, dec)
				dec.Close()
				if err != nil || n != int64(rdb.Len()) {
					b.Fatalf("decompressed %d bytes, %v", n, err)
				}
			}
			b.ReportMetric((processCPU()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

func reportFileSize(b *testing.B, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
}

// snapshotDataset is a Store filled once per process, on first use.
type snapshotDataset struct {
	name string
	fill func(ctx context.Context, s *embedis.Store) error

	once sync.Once
	s    *embedis.Store
	size int64 // bytes of its plain RDB file
	err  error
}

func (d *snapshotDataset) load() {
	d.once.Do(func() {
		ctx := context.Background()
		d.s, d.err = embedis.Open(embedis.Options{})
		if d.err == nil {
			d.err = d.fill(ctx, d.s)
		}
		if d.err == nil {
			var c countingWriter
			d.err = d.s.WriteSnapshot(ctx, &c)
			d.size = int64(c)
		}
	})
}

func (d *snapshotDataset) store(b *testing.B) *embedis.Store {
	d.load()
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.s
}

func (d *snapshotDataset) rdbSize(b *testing.B) int64 {
	d.store(b)
	return d.size
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// snapshotKeys is the datasets' size in keys, from EMBEDIS_BENCH_RDB (see
// BenchmarkSnapshotSave); a value it does not know means the default.
func snapshotKeys() int {
	switch os.Getenv("EMBEDIS_BENCH_RDB") {
	case "1m":
		return 1_000_000
	case "10m":
		return 10_000_000
	}
	return sized(100_000, 10_000)
}

var snapshotDatasets = []*snapshotDataset{
	{name: "strings", fill: func(ctx context.Context, s *embedis.Store) error {
		for i := range snapshotKeys() {
			if err := s.Set(ctx, "key:"+strconv.Itoa(i), prefillValue(i), 0); err != nil {
				return err
			}
		}
		return nil
	}},
	{name: "mixed", fill: fillMixed},
}

func fillMixed(ctx context.Context, s *embedis.Store) error {
	keys := snapshotKeys()
	for i := range keys * 6 / 10 {
		if err := s.Set(ctx, "str:"+strconv.Itoa(i), prefillValue(i), 0); err != nil {
			return err
		}
	}
	for i := range keys / 10 {
		n := 10
		if i%400 == 0 { // 250 large ones of each type
			n = 1000
		}
		id := strconv.Itoa(i)
		list, set, hash, zset := make([]string, n), make([]string, n), make([]string, 0, 2*n), make([]embedis.Z, n)
		for j := range n {
			e := strconv.Itoa(j)
			list[j] = "item-" + e
			if i%2 == 0 {
				set[j] = strconv.Itoa(i + j) // intsets
			} else {
				set[j] = "member-" + e
			}
			hash = append(hash, "field-"+e, strings.Repeat("v", j%20))
			zset[j] = embedis.Z{Score: float64(j) * 1.5, Member: "m-" + e}
		}
		if _, err := s.RPush(ctx, "list:"+id, list...); err != nil {
			return err
		}
		if _, err := s.SAdd(ctx, "set:"+id, set...); err != nil {
			return err
		}
		if _, err := s.HSet(ctx, "hash:"+id, hash...); err != nil {
			return err
		}
		if _, err := s.ZAdd(ctx, "zset:"+id, zset...); err != nil {
			return err
		}
	}
	return nil
}
