package deque

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"testing"
)

// check compares d with the model and its internal invariants.
func check(t *testing.T, d *Deque, model []string) {
	t.Helper()
	if d.Len() != len(model) {
		t.Fatalf("Len %d, model %d", d.Len(), len(model))
	}
	n := 0
	for i := 0; i < d.nc; i++ {
		c := d.chunkAt(i)
		if c.lo >= c.hi || c.lo < 0 || c.hi > len(c.a) || len(c.a) > chunkSize {
			t.Fatalf("chunk %d bounds %d..%d of %d", i, c.lo, c.hi, len(c.a))
		}
		if len(c.a) < chunkSize && d.nc > 1 {
			t.Fatalf("small chunk %d (%d) among %d", i, len(c.a), d.nc)
		}
		n += c.len()
	}
	if n != d.n {
		t.Fatalf("chunks hold %d, n = %d", n, d.n)
	}
	if want := stringBytes(model); d.bytes != want {
		t.Fatalf("bytes %d, the model's strings hold %d", d.bytes, want)
	}
	var got []string
	d.Range(0, false, func(i int, s string) bool {
		if i != len(got) {
			t.Fatalf("Range index %d, want %d", i, len(got))
		}
		got = append(got, s)
		return true
	})
	if !slices.Equal(got, model) && !(len(got) == 0 && len(model) == 0) {
		t.Fatalf("contents\n got   %q\n model %q", got, model)
	}
	var rev []string
	d.Range(d.Len()-1, true, func(_ int, s string) bool { rev = append(rev, s); return true })
	slices.Reverse(rev)
	if !slices.Equal(rev, got) {
		t.Fatalf("reverse Range %q, forward %q", rev, got)
	}
	for i := range model {
		if len(model) > 300 && i > 130 && i < len(model)-130 && i%61 != 0 {
			continue // ends fully, the middle sampled
		}
		if d.At(i) != model[i] {
			t.Fatalf("At(%d) = %q, model %q", i, d.At(i), model[i])
		}
	}
}

// run interprets ops as a sequence of operations on both a Deque and a
// []string model, checking them after each.
func run(t *testing.T, ops []byte) {
	d := &Deque{}
	var model []string
	val := 0
	next := func() string { val++; return strconv.Itoa(val % 7) }
	for p := 0; p+1 < len(ops); p += 2 {
		op, arg := ops[p]%10, int(ops[p+1])
		if len(model) > 3000 && (op <= 1 || op == 9) {
			op = 3 // keep the model small enough to check after every step
		}
		switch op {
		case 0, 1: // pushes, in bursts to cross chunk boundaries
			for k := 0; k < arg; k++ {
				s := next()
				if op == 0 {
					d.PushFront(s)
					model = slices.Insert(model, 0, s)
				} else {
					d.PushBack(s)
					model = append(model, s)
				}
			}
		case 2, 3:
			for k := 0; k < arg%40; k++ {
				var s string
				var ok bool
				if op == 2 {
					s, ok = d.PopFront()
				} else {
					s, ok = d.PopBack()
				}
				if ok != (len(model) > 0) {
					t.Fatalf("pop ok %v with %d in model", ok, len(model))
				}
				if !ok {
					break
				}
				if op == 2 {
					if s != model[0] {
						t.Fatalf("PopFront %q, model %q", s, model[0])
					}
					model = model[1:]
				} else {
					if s != model[len(model)-1] {
						t.Fatalf("PopBack %q, model %q", s, model[len(model)-1])
					}
					model = model[:len(model)-1]
				}
			}
		case 4:
			i := arg % (len(model) + 1)
			s := next()
			d.Insert(i, s)
			model = slices.Insert(model, i, s)
		case 5:
			if len(model) > 0 {
				i := arg % len(model)
				d.Remove(i)
				model = slices.Delete(model, i, i+1)
			}
		case 6:
			if len(model) > 0 {
				i := arg % len(model)
				s := next()
				d.Set(i, s)
				model[i] = s
			}
		case 7:
			target := strconv.Itoa(arg % 7)
			limit := arg % 4
			rev := arg%2 == 1
			got := d.RemoveIf(func(s string) bool { return s == target }, limit, rev)
			want := 0
			if rev {
				slices.Reverse(model)
			}
			model = slices.DeleteFunc(model, func(s string) bool {
				if s == target && (limit == 0 || want < limit) {
					want++
					return true
				}
				return false
			})
			if rev {
				slices.Reverse(model)
			}
			if got != want {
				t.Fatalf("RemoveIf removed %d, model %d", got, want)
			}
		case 8:
			start, stop := arg%16-3, len(model)-1-arg/16+2
			d.Trim(start, stop)
			start, stop = max(start, 0), min(stop, len(model)-1)
			if start > stop {
				model = nil
			} else {
				model = model[start : stop+1]
			}
		case 9:
			for k := 0; k < arg*4; k++ {
				s := next()
				d.PushBack(s)
				model = append(model, s)
			}
			c := d.Clone()
			check(t, c, model)
		}
		check(t, d, model)
	}
}

func FuzzDeque(f *testing.F) {
	f.Add([]byte{1, 200, 4, 5, 4, 100, 5, 3, 2, 50, 7, 3})
	f.Add([]byte{0, 255, 0, 255, 8, 17, 7, 0, 9, 40, 3, 39})
	f.Add([]byte{1, 128, 4, 64, 4, 64, 4, 0, 5, 127, 6, 1, 7, 5})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		run(t, ops)
	})
}

func TestLongListEnds(t *testing.T) {
	d := &Deque{}
	const n = 1_000_000
	for i := 0; i < n; i++ {
		d.PushBack(strconv.Itoa(i))
	}
	for _, i := range []int{0, 1, 127, 128, 129, n / 2, n - 129, n - 128, n - 1} {
		if got := d.At(i); got != strconv.Itoa(i) {
			t.Fatalf("At(%d) = %q", i, got)
		}
	}
	d.Insert(n/2, "mid")
	if d.At(n/2) != "mid" || d.At(n/2+1) != strconv.Itoa(n/2) {
		t.Fatal("Insert in the middle")
	}
}

// TestMemoryPerElement measures the live heap per element of a Deque of 1M
// short strings, besides the strings' own bytes, and checks it against the
// design: a full chunk costs its array of chunkSize string headers (in the
// 2048-byte size class), a 48-byte chunk struct and at most four 8-byte
// slots of the chunk slice (which grows to 2*chunks+4, centred). It
// also checks the package doc's claim that this is about half the peak of a
// []string ring buffer grown by doubling (just past a power of two, where
// it has just doubled).
func TestMemoryPerElement(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	const n = 1_000_000
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	measure := func(count int, fill func(count int) any) float64 {
		before := heap()
		x := fill(count)
		after := heap()
		runtime.KeepAlive(x)
		return (float64(after) - float64(before)) / float64(count)
	}
	// The strings exist before the measurements, which count only what the
	// structures add to them.
	elems := make([]string, 1<<20+1)
	for i := range elems {
		elems[i] = fmt.Sprintf("e%07d", i)
	}
	dq := measure(n, func(count int) any {
		d := &Deque{}
		for i := 0; i < count; i++ {
			d.PushBack(elems[i])
		}
		return d
	})
	ring := func(count int) any {
		var buf []string
		head, size := 0, 0
		for i := 0; i < count; i++ {
			if size == len(buf) {
				nb := make([]string, max(2*len(buf), 16))
				for k := 0; k < size; k++ {
					nb[k] = buf[(head+k)%len(buf)]
				}
				buf, head = nb, 0
			}
			buf[(head+size)%len(buf)] = elems[i]
			size++
		}
		return buf
	}
	ringWorst := measure(1<<20+1, ring)
	runtime.KeepAlive(elems)
	t.Logf("1M 8-byte strings: besides the strings, Deque %.2f B/elem, []string ring %.1f B/elem just past 2^20", dq, ringWorst)
	// A full chunk: its array of chunkSize 16-byte string headers plus the
	// 8-byte header Go gives a pointerful object over 512 bytes, which must
	// fit the 2048-byte size class; its 48-byte struct; at most 4 slots of
	// the chunk slice.
	if arr := chunkSize*16 + 8; arr > 2048 {
		t.Errorf("a chunk's array takes %d bytes: past the 2048-byte size class", arr)
	}
	if bound := (2048 + 48 + 4*8.0) / chunkSize; dq > bound {
		t.Errorf("Deque costs %.2f B/elem besides the strings; its design allows %.2f", dq, bound)
	}
	if dq > 0.6*ringWorst {
		t.Errorf("Deque %.2f B/elem is not about half the ring's peak %.1f", dq, ringWorst)
	}
}

func BenchmarkPushBackPopFront(b *testing.B) {
	d := &Deque{}
	for i := 0; i < 1000; i++ {
		d.PushBack("x")
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d.PushBack("x")
		d.PopFront()
	}
}

func BenchmarkPushFrontPopBack(b *testing.B) {
	d := &Deque{}
	for i := 0; i < 1000; i++ {
		d.PushFront("x")
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d.PushFront("x")
		d.PopBack()
	}
}

// BenchmarkAt reads a 1M-element deque near its ends and in its middle.
func BenchmarkAt(b *testing.B) {
	d := &Deque{}
	const n = 1_000_000
	for i := 0; i < n; i++ {
		d.PushBack("x")
	}
	for _, bc := range []struct {
		name string
		i    func(k int) int
	}{
		{"head100", func(k int) int { return k % 100 }},
		{"tail100", func(k int) int { return n - 1 - k%100 }},
		{"middle", func(k int) int { return n/2 + k%100 }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for k := 0; k < b.N; k++ {
				_ = d.At(bc.i(k))
			}
		})
	}
}
