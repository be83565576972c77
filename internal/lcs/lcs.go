// Package lcs computes the longest common subsequence of two byte strings
// exactly as Redis 7.0's LCS command does, including which of several
// equally long subsequences is returned and the ranges reported by IDX.
//
// # Algorithm
//
// Redis fills a dynamic-programming table T of (len(a)+1) * (len(b)+1)
// uint32 counters, where T[i][j] is the length of the LCS of a[:i] and b[:j]:
// T[i][j] = T[i-1][j-1]+1 when a[i-1] == b[j-1], and max(T[i-1][j],
// T[i][j-1]) otherwise. T[len(a)][len(b)] is the answer to LCS ... LEN.
//
// The subsequence itself is recovered by walking back from (len(a),
// len(b)) while both indices are positive:
//
//   - if a[i-1] == b[j-1], that byte is part of the LCS and both indices
//     step back (a matching byte is always taken, even when skipping it
//     would also give an optimal answer);
//   - otherwise the walk steps back in a (i--) only when T[i-1][j] is
//     strictly greater than T[i][j-1], and in b (j--) on a tie.
//
// This tie rule decides which of several LCSs of equal length is returned:
// for a = "ab", b = "ba" Redis answers "b" (a's last byte), not "a", and
// for a = "ba", b = "ab" it answers "a".
//
// Runs of consecutive matched bytes form the ranges that LCS ... IDX reports
// (Match). Because the walk goes backwards, the matches come from the end of
// the strings towards the start, and within a match the positions are
// reported as inclusive [start, end] pairs in a and in b. A match is closed
// when the walk steps over a non-matching byte or reaches the start of
// either string. MINMATCHLEN n drops the matches shorter than n from the
// reply (n <= 0 drops none) but does not change the reported total length,
// which is always that of the whole LCS (Tx.LCSIdx applies it).
//
// # Cost
//
// Time is O(len(a) * len(b)) and so is memory: the table takes
// TableBytes(len(a), len(b)) = (len(a)+1) * (len(b)+1) * 4 bytes, e.g. 400
// MB for two strings of 10,000 bytes. Redis refuses (with "ERR Insufficient
// memory, transient memory for LCS exceeds proto-max-bulk-len") when that
// number is greater than proto-max-bulk-len (512 MB by default), for every
// form of the command, LEN included; a caller should make the same check
// with TableBytes before calling Compute. Length needs only
// O(min(len(a), len(b))) memory.
package lcs

import (
	"math"
	"math/bits"
)

// Match is one run of consecutive common bytes, as reported by LCS ... IDX:
// a[A[0]:A[1]+1] == b[B[0]:B[1]+1], and Len == A[1]-A[0]+1 == B[1]-B[0]+1.
// Ranges are inclusive, 0-based byte offsets, as Redis prints them.
type Match struct {
	// A is the inclusive range [start, end] of the match in the first string.
	A [2]int
	// B is the inclusive range [start, end] of the match in the second string.
	B [2]int
	// Len is the length of the match (what WITHMATCHLEN prints).
	Len int
}

// Result is the outcome of Compute.
type Result struct {
	// LCS is the longest common subsequence chosen by Redis's walk, what
	// plain "LCS a b" replies.
	LCS string
	// Len is len(LCS), what "LCS a b LEN" replies and the "len" field of
	// the IDX reply, whatever MINMATCHLEN is.
	Len int
	// Matches are all the matches in the order IDX reports them: from the
	// end of the strings towards the start. Their lengths add up to Len.
	Matches []Match
}

// TableBytes returns the number of bytes of the table that Compute (and
// Redis) allocates for strings of lengths a and b: (a+1) * (b+1) * 4. It
// saturates at math.MaxUint64 instead of overflowing; negative lengths count
// as zero. Compare it with proto-max-bulk-len to refuse inputs as Redis does
// (Redis refuses when it is strictly greater).
func TableBytes(a, b int) uint64 {
	hi, cells := bits.Mul64(uint64(max(a, 0))+1, uint64(max(b, 0))+1)
	if hi != 0 || cells > math.MaxUint64/4 {
		return math.MaxUint64
	}
	return cells * 4
}

// Length returns the length of the longest common subsequence of a and b,
// the reply of "LCS a b LEN". It uses O(min(len(a), len(b))) memory, but
// Redis applies its proto-max-bulk-len limit (see TableBytes) to LEN too.
func Length(a, b string) int {
	if len(b) > len(a) {
		a, b = b, a
	}
	// prev and cur are consecutive rows of the table, indexed by j.
	prev := make([]uint32, len(b)+1)
	cur := make([]uint32, len(b)+1)
	for i := 1; i <= len(a); i++ {
		ai := a[i-1]
		for j := 1; j <= len(b); j++ {
			switch {
			case ai == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] > cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return int(prev[len(b)])
}

// Compute returns the longest common subsequence of a and b together with
// its matches, exactly as Redis's LCS command computes them. It allocates
// TableBytes(len(a), len(b)) bytes for the duration of the call; callers
// must bound that first. It panics if the table cannot be addressed at all.
func Compute(a, b string) Result {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return Result{}
	}
	if TableBytes(n, m) > math.MaxInt/2 || n >= math.MaxUint32 || m >= math.MaxUint32 {
		panic("lcs: input too large")
	}
	w := m + 1 // row width
	t := make([]uint32, (n+1)*w)
	for i := 1; i <= n; i++ {
		ai := a[i-1]
		row, up := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		for j := 1; j <= m; j++ {
			switch {
			case ai == b[j-1]:
				row[j] = up[j-1] + 1
			case up[j] > row[j-1]:
				row[j] = up[j]
			default:
				row[j] = row[j-1]
			}
		}
	}

	total := int(t[n*w+m])
	res := Result{Len: total}
	buf := make([]byte, total)
	k := total // bytes of buf still to fill, from the end

	// open is true while a match is being extended towards the start; cur
	// holds its ranges.
	open := false
	var cur Match
	emit := func() {
		cur.Len = cur.A[1] - cur.A[0] + 1
		res.Matches = append(res.Matches, cur)
		open = false
	}

	i, j := n, m
	for i > 0 && j > 0 {
		if a[i-1] == b[j-1] {
			k--
			buf[k] = a[i-1]
			if open {
				// The previous step was a match at (i, j), so this one is
				// adjacent to it in both strings: extend the match.
				cur.A[0], cur.B[0] = i-1, j-1
			} else {
				cur = Match{A: [2]int{i - 1, i - 1}, B: [2]int{j - 1, j - 1}}
				open = true
			}
			i, j = i-1, j-1
			if i == 0 || j == 0 {
				emit()
			}
			continue
		}
		if t[(i-1)*w+j] > t[i*w+j-1] {
			i--
		} else {
			j--
		}
		if open {
			emit()
		}
	}
	res.LCS = string(buf)
	return res
}
