package number

import (
	"errors"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// Every expectation below was observed on redis-server 7.0.15 (amd64) with
// SET k <current> followed by INCRBYFLOAT k <incr>.
var incrByFloatTests = []struct {
	cur, incr string
	want      string
	err       error
}{
	// Plain decimal arithmetic in long double: no float64 artefacts.
	{"0", "0", "0", nil},
	{"0", "1", "1", nil},
	{"0", "0.0", "0", nil},
	{"10.50", "0.1", "10.6", nil},
	{"0", "0.1", "0.1", nil},
	{"0.1", "0.1", "0.2", nil},
	{"0.2", "0.1", "0.3", nil},
	{"0.1", "0.2", "0.3", nil},
	{"3.0", "0", "3", nil},
	{"1e1", "0", "10", nil},
	{"0", "5.0e3", "5000", nil},
	{"0", "100", "100", nil},
	{"0", "-.5", "-0.5", nil},
	{"0", "+.5e-3", "0.0005", nil},
	{"0", ".5", "0.5", nil},
	{"0", "5.", "5", nil},
	{"0", "+1", "1", nil},
	{"0", "1E5", "100000", nil},
	{"0", "1e+5", "100000", nil},
	{"0", "1.23456789012345678901", "1.23456789012345679", nil},
	{"0", "123456789012345678901234567890", "123456789012345678899921813504", nil},
	// Never exponent notation; 17 fractional digits at most.
	{"0", "1e16", "10000000000000000", nil},
	{"0", "1e19", "10000000000000000000", nil},
	{"0", "1e20", "100000000000000000000", nil},
	{"0", "0.000001", "0.000001", nil},
	{"0", "1e-7", "0.0000001", nil},
	{"0", "1e-17", "0.00000000000000001", nil},
	{"0", "1e-18", "0", nil},
	{"0", "1e-20", "0", nil},
	{"0", "-1e-20", "0", nil},
	{"5", "1e-20", "5", nil},
	// "%.17Lf" rounds an exact tie to even.
	{"0", "0.000003814697265625", "0.00000381469726562", nil},
	{"0", "0.000003814697265635", "0.00000381469726563", nil},
	// Negative zero prints as "0".
	{"0", "-0", "0", nil},
	{"-0", "0", "0", nil},
	{"-0", "-0", "0", nil},
	// Hexadecimal literals.
	{"0", "0x1p3", "8", nil},
	{"0", "0x1P3", "8", nil},
	{"0", "0X1p3", "8", nil},
	{"0", "0x10", "16", nil},
	{"0", "0x.8", "0.5", nil},
	// Beyond float64 but within long double.
	{"0", "1e300", "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144", nil},
	{"1e300", "1e300", "2000000000000000000017994648159118387741047888546581495876520164642531293192361871511698304167500994380700745017228549671807185112369345967826192521041497292574654271283687306588168510215212033579453305864740061102765895241989080589545563779241212358535223254194821301134374772211380178849830208012288", nil},
	{"0", "1.5e308", "149999999999999999999901476489468468031016840965060944967133685421180106066691046036756664728216022031902928370522024964340854582506645209487860806577896175175227643677561112877760303256738896516844124921428435196017215141331511736789270744288327321353040504243421434090049846615188904452633296864511849922560", nil},
	{"1e308", "1e308", "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096", nil},
	{"0", "-1e400", "-10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880", nil},
	// Subnormal long doubles are accepted (they print as 0); values that
	// round to zero are not.
	{"0", "1e-4950", "0", nil},
	{"0", "2e-4951", "0", nil},
	{"0", "1.9e-4951", "0", nil},
	{"0", "0x1p-16445", "0", nil},
	{"0", "0x3p-16447", "0", nil},
	{"0", "0x1p-16446", "", ErrNotFloat}, // exactly half the smallest subnormal: ties to even, 0
	{"0", "0x1p-16447", "", ErrNotFloat},
	{"0", "1e-4951", "", ErrNotFloat},
	{"0", "1e-5000", "", ErrNotFloat},
	{"0", "1e-99999999999999999999", "", ErrNotFloat},
	// An exact zero never underflows.
	{"0", "0e-99999999999999999999", "0", nil},
	{"0", "0e99999999999999999999", "0", nil},
	// Overflow of the literal itself.
	{"0", "1e4933", "", ErrNotFloat},
	{"0", "1e99999999999999999999", "", ErrNotFloat},
	{"0", "1.18973149535723176508e4932", "", ErrNotFloat},
	{"0", "1.1897314953572317651e4932", "", ErrNotFloat},
	{"0", "0x1.ffffffffffffffffp16383", "", ErrNotFloat},
	// Overflow of the sum.
	{"1.18973149535723176502e4932", "1.18973149535723176502e4932", "", ErrNaNOrInf},
	{"-1.18973149535723176502e4932", "-1.18973149535723176502e4932", "", ErrNaNOrInf},
	// Infinities parse but always make the sum infinite or NaN.
	{"0", "inf", "", ErrNaNOrInf},
	{"0", "-inf", "", ErrNaNOrInf},
	{"0", "+inf", "", ErrNaNOrInf},
	{"0", "infinity", "", ErrNaNOrInf},
	{"0", "Infinity", "", ErrNaNOrInf},
	{"0", "INF", "", ErrNaNOrInf},
	{"0", "iNfInItY", "", ErrNaNOrInf},
	{"inf", "1", "", ErrNaNOrInf},
	{"inf", "0", "", ErrNaNOrInf},
	{"inf", "-inf", "", ErrNaNOrInf},
	// Syntax errors.
	{"0", "nan", "", ErrNotFloat},
	{"0", "NaN", "", ErrNotFloat},
	{"0", "-nan", "", ErrNotFloat},
	{"0", "nan(123)", "", ErrNotFloat},
	{"nan", "1", "", ErrNotFloat},
	{"0", "infin", "", ErrNotFloat},
	{"0", "1e", "", ErrNotFloat},
	{"0", "1e+", "", ErrNotFloat},
	{"0", " 1", "", ErrNotFloat},
	{"0", "1 ", "", ErrNotFloat},
	{"0", "\t1", "", ErrNotFloat},
	{"0", "1\t", "", ErrNotFloat},
	{"0", "1\n", "", ErrNotFloat},
	{"0", "\v1", "", ErrNotFloat},
	{"0", "1\x00", "", ErrNotFloat},
	{"0", "1\x00abc", "", ErrNotFloat},
	{"0", "", "", ErrNotFloat},
	{"0", ".", "", ErrNotFloat},
	{"0", "-.", "", ErrNotFloat},
	{"0", "0x", "", ErrNotFloat},
	{"0", "0x.", "", ErrNotFloat},
	{"0", "0x1p", "", ErrNotFloat},
	{"0", "1_000", "", ErrNotFloat},
	{"0", "0x1_0", "", ErrNotFloat},
	{"0", "1,5", "", ErrNotFloat},
	{"", "1", "", ErrNotFloat},
	{" 1", "1", "", ErrNotFloat},
	{"1 ", "1", "", ErrNotFloat},
	{"abc", "inf", "", ErrNotFloat},
	{"inf", "abc", "", ErrNotFloat},
}

func TestIncrByFloat(t *testing.T) {
	for _, tt := range incrByFloatTests {
		got, err := IncrByFloat(tt.cur, tt.incr)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("IncrByFloat(%q, %q) = %q, %v; want %q, %v", tt.cur, tt.incr, got, err, tt.want, tt.err)
		}
	}
}

func TestIncrByFloatSequence(t *testing.T) {
	// Three INCRBYFLOAT k 0.1 on a missing key: float64 would reach
	// 0.30000000000000004.
	cur := "0"
	for _, want := range []string{"0.1", "0.2", "0.3"} {
		got, err := IncrByFloat(cur, "0.1")
		if err != nil || got != want {
			t.Fatalf("IncrByFloat(%q, 0.1) = %q, %v; want %q", cur, got, err, want)
		}
		cur = got
	}
}

func TestIncrByFloatLength(t *testing.T) {
	// Redis refuses operands of 5120 bytes or more, whatever they say.
	for _, n := range []int{100, 5117, 5118, 5119, 5120, 5121, 6000} {
		wantOK := n < 5120
		long := "1." + strings.Repeat("0", n-2)
		zeros := strings.Repeat("0", n-1) + "1"
		for _, c := range [][2]string{{"0", long}, {long, "1"}, {"0", zeros}} {
			got, err := IncrByFloat(c[0], c[1])
			if wantOK {
				want := "1"
				if c[0] != "0" {
					want = "2"
				}
				if err != nil || got != want {
					t.Errorf("IncrByFloat(len %d, len %d) = %q, %v; want %q", len(c[0]), len(c[1]), got, err, want)
				}
			} else if !errors.Is(err, ErrNotFloat) {
				t.Errorf("IncrByFloat(len %d, len %d) = %q, %v; want ErrNotFloat", len(c[0]), len(c[1]), got, err)
			}
		}
	}
}

// ldMax is the largest finite long double, (2^64-1) × 2^16320, as printed
// by glibc's "%.17Lf" (Redis replies with exactly this text for
// INCRBYFLOAT k 0x1.fffffffffffffffep16383).
const ldMaxPrefix = "11897314953572317650212638530309702051690633222946242004403237338917370055229707226164102903365288828535456978074955773144274431536702884341981255738537436786735932007069732632019159182829615243655295106467910866143117906321697788388961347865606003991487534332114549111600886798451548665128523401497730376000"

func TestLongDoubleExtremes(t *testing.T) {
	for _, in := range []string{
		"0x1.fffffffffffffffep16383",
		"0x1.fffffffffffffffe8p16383", // the tie rounds down to even
		"1.18973149535723176502e4932",
		"1.18973149535723176503e4932",
	} {
		x, ok := ParseLongDouble(in)
		if !ok {
			t.Fatalf("ParseLongDouble(%q) failed", in)
		}
		want := LongDouble{mant: math.MaxUint64, exp: 16320}
		if x != want {
			t.Errorf("ParseLongDouble(%q) = %+v, want %+v", in, x, want)
		}
		s := x.FormatHuman()
		if len(s) != 4933 || !strings.HasPrefix(s, ldMaxPrefix) || strings.Trim(s, "0123456789") != "" {
			t.Errorf("FormatHuman(max) = %.40q... (len %d)", s, len(s))
		}
		// Max + the smallest increment that rounds up overflows.
		if _, ok := x.Add(LongDouble{mant: 1 << 63, exp: 16320 - 64}); ok {
			t.Errorf("max + half ulp did not overflow")
		}
		if y, ok := x.Add(LongDouble{mant: 1<<63 - 1, exp: 16320 - 64}); !ok || y != x {
			t.Errorf("max + just under half ulp = %+v, %v", y, ok)
		}
	}
	min, ok := ParseLongDouble("0x1p-16445")
	if !ok || min != (LongDouble{mant: 1, exp: -16445}) {
		t.Errorf("smallest subnormal = %+v, %v", min, ok)
	}
	// Subnormal sums are exact.
	if sum, ok := min.Add(min); !ok || sum != (LongDouble{mant: 2, exp: -16445}) {
		t.Errorf("min+min = %+v, %v", sum, ok)
	}
	neg := min
	neg.neg = true
	if sum, ok := min.Add(neg); !ok || sum != (LongDouble{}) {
		t.Errorf("min-min = %+v, %v; want +0", sum, ok)
	}
	// Largest subnormal plus the smallest reaches the smallest normal.
	maxSub := LongDouble{mant: 1<<63 - 1, exp: -16445}
	if sum, ok := maxSub.Add(min); !ok || sum != (LongDouble{mant: 1 << 63, exp: -16445}) {
		t.Errorf("maxSub+min = %+v, %v", sum, ok)
	}
}

func TestLongDoubleAddSigns(t *testing.T) {
	p := func(s string) LongDouble {
		x, ok := ParseLongDouble(s)
		if !ok {
			t.Fatalf("ParseLongDouble(%q) failed", s)
		}
		return x
	}
	tests := []struct {
		a, b, want string
		ok         bool
	}{
		{"-0", "-0", "-0", true},
		{"-0", "0", "0", true},
		{"0", "-0", "0", true},
		{"1", "-1", "0", true},
		{"-1", "1", "0", true},
		{"-1", "-0", "-1", true},
		{"1.5", "-2", "-0.5", true},
		{"-inf", "-1e4932", "-inf", false},
		{"inf", "1", "inf", false},
		{"1", "-inf", "-inf", false},
	}
	for _, tt := range tests {
		got, ok := p(tt.a).Add(p(tt.b))
		if ok != tt.ok || got != p(tt.want) {
			t.Errorf("%s + %s = %+v, %v; want %s", tt.a, tt.b, got, ok, tt.want)
		}
	}
	if got, ok := p("inf").Add(p("-inf")); ok || got != (LongDouble{}) {
		t.Errorf("inf + -inf = %+v, %v; want zero value, false", got, ok)
	}
	if !p("-inf").IsInf() || p("1e4932").IsInf() {
		t.Errorf("IsInf wrong")
	}
}

func TestLongDoubleRounding(t *testing.T) {
	// 2^64+1 needs 65 bits: ties to even gives 2^64; 2^64+3 rounds up.
	tests := []struct{ in, want string }{
		{"18446744073709551617", "18446744073709551616"},
		{"18446744073709551619", "18446744073709551620"},
		{"18446744073709551618", "18446744073709551618"},
		{"36893488147419103234", "36893488147419103232"}, // 2^65+2: tie, even
		{"36893488147419103238", "36893488147419103240"}, // 2^65+6: tie, up to even
		{"9223372036854775807", "9223372036854775807"},
		{"-9223372036854775808", "-9223372036854775808"},
	}
	for _, tt := range tests {
		x, ok := ParseLongDouble(tt.in)
		if !ok || x.FormatHuman() != tt.want {
			t.Errorf("FormatHuman(ParseLongDouble(%q)) = %q, %v; want %q", tt.in, x.FormatHuman(), ok, tt.want)
		}
	}
}

func TestLongDoubleFromFloat64(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-2.5, "-2.5"},
		{0.1, "0.10000000000000001"},
		// GEOPOS replies: GEOADD g 13.361389 38.115556 p; GEOPOS g p.
		{13.36138933897018433, "13.36138933897018433"},
		{38.11555639549629859, "38.11555639549629859"},
		{1e20, "100000000000000000000"},
		{math.SmallestNonzeroFloat64, "0"},
		{math.MaxFloat64, "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
	}
	for _, tt := range tests {
		x := LongDoubleFromFloat64(tt.f)
		if got := x.FormatHuman(); got != tt.want {
			t.Errorf("LongDoubleFromFloat64(%v).FormatHuman() = %q, want %q", tt.f, got, tt.want)
		}
	}
	// The conversion is exact: it agrees with parsing the float's exact
	// hexadecimal spelling.
	for _, f := range []float64{1, 0.1, -1e300, 5e-324, 3e-320, math.MaxFloat64, 1 << 63, -1.5} {
		a := LongDoubleFromFloat64(f)
		hex := strconv.FormatFloat(f, 'x', -1, 64)
		b, ok := ParseLongDouble(hex)
		if !ok || a != b {
			t.Errorf("LongDoubleFromFloat64(%v) = %+v, ParseLongDouble(%q) = %+v", f, a, hex, b)
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("LongDoubleFromFloat64(NaN) did not panic")
		}
	}()
	LongDoubleFromFloat64(math.NaN())
}

func TestFormatHumanFractions(t *testing.T) {
	// Hand-built values exercising every shift range of the 128-bit path.
	tests := []struct {
		x    LongDouble
		want string
	}{
		{LongDouble{mant: 1 << 63, exp: -64}, "0.5"},
		{LongDouble{mant: 1 << 63, exp: -63}, "1"},
		{LongDouble{mant: 3 << 62, exp: -63}, "1.5"},
		{LongDouble{mant: 1 << 63, exp: -64 - 56}, "0.00000000000000001"},             // 2^-57 = 6.9e-18 rounds up
		{LongDouble{mant: 1 << 63, exp: -64 - 57}, "0"},                               // 2^-58 = 3.5e-18 rounds down
		{LongDouble{mant: 1 << 63, exp: -16445 + 63}, "0"},                            // smallest normal
		{LongDouble{mant: 1<<64 - 1, exp: -1}, "9223372036854775807.5"},               // (2^64-1)/2
		{LongDouble{mant: 1<<64 - 1, exp: -64}, "1"},                                  // 1 - 2^-64 rounds to 1
		{LongDouble{mant: 1<<64 - 1, exp: -64, neg: true}, "-1"},                      // negative carry
		{LongDouble{mant: 1 << 63, exp: -64 - 18, neg: true}, "-0.00000190734863281"}, // -2^-19, tie → even
	}
	for _, tt := range tests {
		if got := tt.x.FormatHuman(); got != tt.want {
			t.Errorf("%+v.FormatHuman() = %q, want %q", tt.x, got, tt.want)
		}
	}
}

// TestFastPaths checks the 64/128-bit fast paths against the exact
// big-integer code on many random operands.
func TestFastPaths(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	parsed := 0
	for i := 0; i < 100000; i++ {
		s := randFloatString(r)
		if i%2 == 0 {
			// Focus on the fast path's domain: up to 19 digits, exponent
			// in [-27, 19].
			s = randDigits(r, 1+r.Intn(19)) + "e" + strconv.Itoa(r.Intn(47)-27)
		}
		lit, n := scanFloat(s)
		if n != len(s) || lit.kind != litFinite {
			continue
		}
		fm, fe, ok := lit.fastExtended()
		if !ok {
			continue
		}
		parsed++
		m, e, res := lit.round(extended)
		if res != roundOK || m != fm || e != fe {
			t.Fatalf("%q: fast %d×2^%d, exact %d×2^%d (%d)", s, fm, fe, m, e, res)
		}
	}
	if parsed < 25000 {
		t.Errorf("fast parse path taken only %d times", parsed)
	}

	randLD := func() LongDouble {
		x := LongDouble{mant: r.Uint64() | 1<<63, exp: int32(r.Intn(200) - 100), neg: r.Intn(2) == 0}
		switch r.Intn(8) {
		case 0:
			x.mant >>= uint(r.Intn(64)) // not normalised: still a valid value to add
			if x.mant == 0 {
				x.mant = 1
			}
		case 1:
			x.mant = 1<<63 | uint64(r.Intn(4)) // near a power of two
		case 2:
			x.mant = ^uint64(r.Intn(4)) // near the next power of two
		case 3:
			x.exp = int32(extended.minLsb() + r.Intn(130))
		case 4:
			x.exp = int32(extended.maxExp - 63 - r.Intn(3))
		}
		return x
	}
	added := 0
	for i := 0; i < 200000; i++ {
		x, y := randLD(), randLD()
		if r.Intn(4) == 0 {
			y.exp = x.exp + int32(r.Intn(5)-2)
		}
		fast, ok := addFast(x, y)
		if !ok {
			continue
		}
		added++
		exact, ok := addExact(x, y)
		if !ok || fast != exact {
			t.Fatalf("%+v + %+v: fast %+v, exact %+v (%v)", x, y, fast, exact, ok)
		}
	}
	if added < 40000 {
		t.Errorf("fast add path taken only %d times", added)
	}
}
