package resp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxReplyDepth bounds the nesting of aggregate replies ReadReply accepts.
const maxReplyDepth = 1000

// Reply is a reply parsed by ReadReply.
type Reply struct {
	// Kind is the RESP type byte: '+' simple string, '-' error, ':'
	// integer, '$' bulk string, '*' array, and in RESP3 '_' null, '%' map,
	// '~' set, ',' double, '#' boolean, '(' big number, '=' verbatim
	// string, '>' push and '!' bulk error. Streamed strings and aggregates
	// are returned as the plain kind, once complete.
	Kind byte
	// Str is the text of '+', '-', '$', '!', ',' (as sent: "1.5", "inf"),
	// '(' (the digits) and '=' (the whole payload, "txt:..." with its
	// format).
	Str string
	// Int is the value of ':', and 1 or 0 for '#'.
	Int int64
	// Elems are the elements of '*', '~' and '>', and the keys and values,
	// alternating, of '%'.
	Elems []Reply
	// Null is set for '_' and for RESP2's null bulk string ("$-1") and
	// null array ("*-1").
	Null bool
	// Attrs are the keys and values, alternating, of a RESP3 attribute
	// ('|') sent before this reply.
	Attrs []Reply
}

// ReadReply reads one reply, RESP2 or RESP3, from r. io.EOF before the
// reply's first byte returns io.EOF, in the middle io.ErrUnexpectedEOF;
// bytes that are not a valid reply return an error.
func ReadReply(r *bufio.Reader) (Reply, error) {
	return readReply(r, 0)
}

// readReply reads a reply nested depth aggregates deep.
func readReply(r *bufio.Reader, depth int) (Reply, error) {
	if depth > maxReplyDepth {
		return Reply{}, errors.New("resp: replies nested too deep")
	}
	line, err := readLine(r)
	if err != nil {
		if err == io.EOF && depth > 0 {
			err = io.ErrUnexpectedEOF
		}
		return Reply{}, err
	}
	if len(line) == 0 {
		return Reply{}, errors.New("resp: empty reply line")
	}
	rep := Reply{Kind: line[0]}
	text := line[1:]
	switch rep.Kind {
	case '+', '-':
		rep.Str = text
	case ':':
		if rep.Int, err = strconv.ParseInt(text, 10, 64); err != nil {
			return rep, fmt.Errorf("resp: bad integer reply %q", line)
		}
	case '_':
		if text != "" {
			return rep, fmt.Errorf("resp: bad null reply %q", line)
		}
		rep.Null = true
	case ',':
		if !validDouble(text) {
			return rep, fmt.Errorf("resp: bad double reply %q", line)
		}
		rep.Str = text
	case '#':
		switch text {
		case "t":
			rep.Int = 1
		case "f":
		default:
			return rep, fmt.Errorf("resp: bad boolean reply %q", line)
		}
	case '(':
		t := strings.TrimPrefix(text, "-")
		if t == "" || strings.Trim(t, "0123456789") != "" {
			return rep, fmt.Errorf("resp: bad big number reply %q", line)
		}
		rep.Str = text
	case '$', '!', '=':
		if text == "?" && rep.Kind == '$' {
			rep.Str, err = readChunks(r)
			return rep, err
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < -1 || (n == -1 && rep.Kind != '$') {
			return rep, fmt.Errorf("resp: bad length in %q", line)
		}
		if n == -1 {
			rep.Null = true
			return rep, nil
		}
		if rep.Str, err = readBlob(r, n); err != nil {
			return rep, err
		}
		if rep.Kind == '=' && (len(rep.Str) < 4 || rep.Str[3] != ':') {
			return rep, fmt.Errorf("resp: verbatim string without a format: %q", rep.Str)
		}
	case '*', '%', '~', '>', '|':
		if text == "?" && rep.Kind != '|' {
			rep.Elems, err = readStreamed(r, rep.Kind, depth)
			return rep, err
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < -1 || (n == -1 && rep.Kind != '*') {
			return rep, fmt.Errorf("resp: bad length in %q", line)
		}
		if n == -1 {
			rep.Null = true
			return rep, nil
		}
		if rep.Kind == '%' || rep.Kind == '|' {
			if n > (1<<62)/2 {
				return rep, fmt.Errorf("resp: bad length in %q", line)
			}
			n *= 2
		}
		rep.Elems = make([]Reply, 0, min(n, 1024))
		for i := int64(0); i < n; i++ {
			e, err := readReply(r, depth+1)
			if err != nil {
				return rep, err
			}
			rep.Elems = append(rep.Elems, e)
		}
		if rep.Kind == '|' {
			next, err := readReply(r, depth+1)
			if err != nil {
				return next, err
			}
			next.Attrs = append(rep.Elems, next.Attrs...)
			return next, nil
		}
	default:
		return rep, fmt.Errorf("resp: unknown reply type %q", line)
	}
	return rep, nil
}

// readLine reads a line ended by CRLF and returns it without the CRLF.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		if err == io.EOF && line != "" {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return "", fmt.Errorf("resp: line not ended by CRLF: %q", line)
	}
	return line[:len(line)-2], nil
}

// readBlob reads n bytes and the CRLF after them.
func readBlob(r *bufio.Reader, n int64) (string, error) {
	var sb strings.Builder
	if _, err := io.CopyN(&sb, r, n); err != nil {
		return "", unexpected(err)
	}
	var crlf [2]byte
	if _, err := io.ReadFull(r, crlf[:]); err != nil {
		return "", unexpected(err)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return "", fmt.Errorf("resp: %d bytes of string data not followed by CRLF", n)
	}
	return sb.String(), nil
}

// readChunks reads the chunks of a streamed string ("$?"), up to ";0".
func readChunks(r *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		line, err := readLine(r)
		if err != nil {
			return "", unexpected(err)
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(line, ";"), 10, 64)
		if !strings.HasPrefix(line, ";") || err != nil || n < 0 {
			return "", fmt.Errorf("resp: bad string chunk %q", line)
		}
		if n == 0 {
			return sb.String(), nil
		}
		s, err := readBlob(r, n)
		if err != nil {
			return "", err
		}
		sb.WriteString(s)
	}
}

// readStreamed reads the elements of a streamed aggregate ("*?"), up to
// the end marker ".".
func readStreamed(r *bufio.Reader, kind byte, depth int) ([]Reply, error) {
	elems := []Reply{}
	for {
		b, err := r.Peek(1)
		if err != nil {
			return nil, unexpected(err)
		}
		if b[0] == '.' {
			line, err := readLine(r)
			if err != nil {
				return nil, unexpected(err)
			}
			if line != "." {
				return nil, fmt.Errorf("resp: bad end of streamed aggregate %q", line)
			}
			if kind == '%' && len(elems)%2 != 0 {
				return nil, errors.New("resp: streamed map with a key but no value")
			}
			return elems, nil
		}
		e, err := readReply(r, depth+1)
		if err != nil {
			return nil, unexpected(err)
		}
		elems = append(elems, e)
	}
}

// unexpected turns io.EOF within a reply into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// validDouble reports whether s is the text of a RESP3 double: a decimal
// number, possibly in E notation, or inf, -inf, nan or -nan.
func validDouble(s string) bool {
	switch s {
	case "inf", "-inf", "nan", "-nan":
		return true
	}
	if s == "" || strings.Trim(s, "0123456789.eE+-") != "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// String renders the reply unambiguously, for test failures and diffs:
// its kind byte, then strings quoted as Go does (+"OK", -"ERR x", $"v",
// !"...", ="txt:..."), numbers as they are (:12, ,1.5, (123, #t), nulls as
// "_", "$-1" and "*-1", and aggregates as *[a, b], >[a, b], ~{a, b} and
// %{k: v, k2: v2}. Attributes come first, as |{k: v} and a space.
func (r Reply) String() string {
	var sb strings.Builder
	r.render(&sb)
	return sb.String()
}

// render writes the rendering of r to sb.
func (r Reply) render(sb *strings.Builder) {
	if len(r.Attrs) > 0 {
		renderPairs(sb, '|', r.Attrs)
		sb.WriteByte(' ')
	}
	switch r.Kind {
	case '+', '-', '!', '=':
		sb.WriteByte(r.Kind)
		sb.WriteString(strconv.Quote(r.Str))
	case '$':
		if r.Null {
			sb.WriteString("$-1")
			return
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Quote(r.Str))
	case ':':
		sb.WriteByte(':')
		sb.WriteString(strconv.FormatInt(r.Int, 10))
	case '_':
		sb.WriteByte('_')
	case ',', '(':
		sb.WriteByte(r.Kind)
		sb.WriteString(r.Str)
	case '#':
		if r.Int != 0 {
			sb.WriteString("#t")
		} else {
			sb.WriteString("#f")
		}
	case '*', '>', '~':
		if r.Null {
			sb.WriteString("*-1")
			return
		}
		open, end := byte('['), byte(']')
		if r.Kind == '~' {
			open, end = '{', '}'
		}
		sb.WriteByte(r.Kind)
		sb.WriteByte(open)
		for i, e := range r.Elems {
			if i > 0 {
				sb.WriteString(", ")
			}
			e.render(sb)
		}
		sb.WriteByte(end)
	case '%':
		renderPairs(sb, '%', r.Elems)
	default:
		fmt.Fprintf(sb, "?%q%q", r.Kind, r.Str)
	}
}

// renderPairs writes keys and values, alternating in elems, as
// kind{k: v, ...}.
func renderPairs(sb *strings.Builder, kind byte, elems []Reply) {
	sb.WriteByte(kind)
	sb.WriteByte('{')
	for i, e := range elems {
		switch {
		case i%2 == 1:
			sb.WriteString(": ")
		case i > 0:
			sb.WriteString(", ")
		}
		e.render(sb)
	}
	sb.WriteByte('}')
}
