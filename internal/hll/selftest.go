package hll

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
)

// SelfTest checks the implementation against itself, as PFSELFTEST does:
// every dense register reads back what was written to it, without
// disturbing its neighbours; and a sparse and a dense value fed the same
// elements count the same (the sparse one kept sparse with a large limit)
// and stay within five standard errors (5 × 1.04/√16384) of the true
// count. It returns nil or an error wrapping ErrSelfTest that says what
// failed.
func SelfTest() error {
	r := rand.New(rand.NewSource(1))
	regs := make([]byte, DenseSize-HeaderSize)
	want := make([]uint8, Registers)
	for round := 0; round < 10; round++ {
		for i := range want {
			want[i] = uint8(r.Intn(RegMax + 1))
			denseSet(regs, i, want[i])
		}
		for i, w := range want {
			if got := denseGet(regs, i); got != w {
				return fmt.Errorf("%w: register %d is %d, want %d", ErrSelfTest, i, got, w)
			}
		}
	}

	// The sparse value walks its opcodes on every add, so it is fed the
	// first 3000 elements only; the dense one all of them.
	sparse := New()
	dense, _ := ToDense(sparse)
	const limit = 5 * 1.04 / 128 // five standard errors: 1.04/√16384 is 0.8125%
	for n := 1; n <= 200000; n++ {
		e := "selftest:" + strconv.Itoa(n)
		idx, count := Hash(e)
		dense, _ = set(dense, idx, count, 0)
		if n <= 3000 {
			var res int
			if sparse, res = set(sparse, idx, count, math.MaxInt); res < 0 || IsDense(sparse) {
				return fmt.Errorf("%w: sparse value corrupted or promoted after %d elements", ErrSelfTest, n)
			}
		}
		switch n {
		case 10, 100, 1000, 3000, 10000, 100000, 200000:
		default:
			continue
		}
		cd, _ := Count(dense)
		if n <= 3000 {
			if cs, ok := Count(sparse); !ok || cs != cd {
				return fmt.Errorf("%w: sparse counts %d, dense %d after %d elements", ErrSelfTest, cs, cd, n)
			}
		}
		if rel := math.Abs(float64(cd)-float64(n)) / float64(n); rel > limit {
			return fmt.Errorf("%w: %d elements counted as %d (error %.4f)", ErrSelfTest, n, cd, rel)
		}
	}
	return nil
}
