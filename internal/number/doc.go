// Package number implements Redis 7.0's exact rules for converting between
// strings and numbers, so that embedis can reply byte for byte like
// redis-server 7.0.
//
// It covers three families of conversions:
//
//   - 64-bit integers (ParseInt; strconv.FormatInt is its inverse): the strict
//     string2ll rules used by INCR, INCRBY, EXPIRE, SETRANGE offsets and
//     most other integer arguments.
//   - C long double arithmetic (LongDouble, IncrByFloat): INCRBYFLOAT and
//     HINCRBYFLOAT parse both operands with strtold, add them in x87 80-bit
//     extended precision and format the sum with "%.17Lf" minus trailing
//     zeros. LongDouble emulates that exactly, including the 64-bit
//     significand, the 15-bit exponent range and subnormal numbers.
//   - IEEE doubles (ParseDouble, ParseScoreBound, FormatDouble): sorted-set
//     scores are parsed with strtod and replied with "%.17g".
//
// The parsers accept exactly the syntax of glibc's strtod family in the C
// locale: an optional sign, then a decimal literal with optional exponent, a
// hexadecimal literal ("0x1.8p3", where the binary exponent is optional),
// "inf", "infinity" or "nan" (any case, optionally "nan(chars)"). Which of
// those a Redis command then refuses (NaN, out-of-range values, surrounding
// white space, trailing bytes) differs from command to command; each parser
// documents the rules it applies.
package number
