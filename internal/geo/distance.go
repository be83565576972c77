package geo

import (
	"math"
	"strconv"
	"strings"
)

// earthRadius is the radius Redis uses for all distances, in metres (the
// quadratic mean radius of the WGS-84 ellipsoid).
const earthRadius = 6372797.560856

// degToRad converts degrees to radians. As a Go constant expression it is
// π/180 rounded once, which is the same float64 as C's M_PI / 180.0.
const degToRad = math.Pi / 180

// radians and degrees convert like Redis's deg_rad and rad_deg. The
// explicit conversion rounds the product, so that an expression such as
// radians(a) - radians(b) cannot be contracted into an FMA.
func radians(deg float64) float64 { return float64(deg * degToRad) }
func degrees(rad float64) float64 { return rad / degToRad }

// Distance returns the great-circle distance in metres between two points,
// computed as Redis computes it: the haversine formula on a sphere of
// radius 6372797.560856 m, with the same operations in the same order.
//
// When the longitudes are the same (more precisely, when the sine of half
// their difference is zero) Redis skips the formula and returns the
// difference of the latitudes in radians times the radius, which can
// differ in the last bits from what the formula would give.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	v := sin((radians(lon2) - radians(lon1)) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	lat1r, lat2r := radians(lat1), radians(lat2)
	u := sin((lat2r - lat1r) / 2)
	// u*u + cos1*cos2*v*v, each product rounded on its own as in C.
	a := float64(u*u) + float64(float64(float64(cos(lat1r)*cos(lat2r))*v)*v)
	return 2 * earthRadius * asin(math.Sqrt(a))
}

// latDistance is the distance along a meridian between two latitudes.
func latDistance(lat1, lat2 float64) float64 {
	return earthRadius * math.Abs(radians(lat2)-radians(lat1))
}

// Unit returns the factor (metres per unit) of "m", "km", "ft" or "mi",
// matched case-insensitively in ASCII only, as Redis's strcasecmp does;
// ok is false for anything else.
func Unit(name string) (factor float64, ok bool) {
	switch strings.ToLower(asciiOnly(name)) {
	case "m":
		return 1, true
	case "km":
		return 1000, true
	case "ft":
		return 0.3048, true
	case "mi":
		return 1609.34, true
	}
	return 0, false
}

// asciiOnly returns name, or "" if it has a non-ASCII byte: strings.ToLower
// folds some non-ASCII letters (such as the Kelvin sign) to ASCII ones,
// which strcasecmp does not.
func asciiOnly(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return ""
		}
	}
	return name
}

// FormatDistance formats a distance in metres converted to a unit (metres
// per unit, as Unit returns), as GEODIST and WITHDIST reply it: with four
// decimals. Redis 7.0 does not use printf("%.4f") for this but a faster
// fixed-point conversion: it rounds value*10000 to an integer (llrint,
// ties to even) and prints that with a dot before the last four digits.
// The product is rounded to a float64 first, so a value whose fifth
// decimal is a 5 can round the other way than "%.4f" would; this function
// reproduces the fixed-point conversion exactly.
func FormatDistance(metres, unit float64) string {
	scaled := float64(metres / unit * 1e4)
	var n uint64
	neg := false
	switch r := math.RoundToEven(scaled); {
	case r >= -(1<<63) && r < 1<<63:
		i := int64(r)
		if i < 0 {
			neg, n = true, uint64(-i)
		} else {
			n = uint64(i)
		}
	default: // NaN and overflow: llrint returns the minimum int64 on x86-64
		neg, n = true, 1<<63
	}
	digits := strconv.FormatUint(n, 10)
	if len(digits) < 5 {
		digits = strings.Repeat("0", 5-len(digits)) + digits
	}
	s := digits[:len(digits)-4] + "." + digits[len(digits)-4:]
	if neg {
		s = "-" + s
	}
	return s
}

// FormatCoord formats a coordinate as GEOPOS and WITHCOORD reply it.
// Redis prints the value as a long double with "%.17Lf" and trims trailing
// zeros and then a trailing dot; a float64 widened to a long double is
// exact, so this is the exact binary value rounded to 17 decimals, which
// strconv also produces (both round exact halves to even).
func FormatCoord(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(x, 'f', 17, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" { // Redis does not print a negative zero
		s = "0"
	}
	return s
}
