package number

import "testing"

var (
	sinkInt    int64
	sinkOK     bool
	sinkString string
	sinkFloat  float64
)

func BenchmarkParseInt(b *testing.B) {
	for _, s := range []string{"42", "-9223372036854775808", "12x"} {
		b.Run(s, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkInt, sinkOK = ParseInt(s)
			}
		})
	}
}

func BenchmarkIncrByFloat(b *testing.B) {
	cases := []struct{ name, cur, incr string }{
		{"small", "10.5", "0.1"},
		{"integer", "100", "1"},
		{"long-fraction", "3.14159265358979324", "2.71828182845904524"},
		{"large", "1e300", "1e300"},
		{"huge", "1e4000", "-1e3999"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkString, _ = IncrByFloat(c.cur, c.incr)
			}
		})
	}
}

func BenchmarkParseDouble(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkFloat, sinkOK = ParseDouble("3.14159")
	}
}

func BenchmarkFormatDouble(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString = FormatDouble(0.1)
	}
}
