package resp

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// unhex is the value of the hexadecimal digit c.
func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// splitArgs splits an inline request line into arguments with the rules of
// Redis's sdssplitargs. It appends the decoded bytes of every argument to
// dst and the end offset of each argument in dst to ends. ok is false when
// quotes are unbalanced: a quoted argument is not closed before the end of
// the line, or its closing quote is followed by something else than white
// space.
//
// The rules: arguments are separated by white space (C's isspace); outside
// quotes only ' ', '\t', '\r' and '\n' end an argument, while '\v' and '\f'
// are part of it unless they lead. A double or single quote anywhere in an
// unquoted argument opens a quoted part of the same argument. Within double
// quotes, \xHH is a byte in hexadecimal; \n, \r, \t, \b and \a are the
// control characters; a backslash before any other byte stands for that
// byte. Within single quotes only \' is an escape.
func splitArgs(line, dst []byte, ends []int) ([]byte, []int, bool) {
	n := len(line)
	i := 0
	for {
		for i < n && isSpace(line[i]) {
			i++
		}
		if i == n {
			return dst, ends, true
		}
		inDouble, inSingle := false, false
	arg:
		for {
			switch {
			case inDouble:
				if i == n {
					return dst, ends, false
				}
				c := line[i]
				switch {
				case c == '\\' && i+3 < n && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					dst = append(dst, unhex(line[i+2])<<4|unhex(line[i+3]))
					i += 4
				case c == '\\' && i+1 < n:
					c = line[i+1]
					switch c {
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case 't':
						c = '\t'
					case 'b':
						c = '\b'
					case 'a':
						c = '\a'
					}
					dst = append(dst, c)
					i += 2
				case c == '"':
					if i+1 < n && !isSpace(line[i+1]) {
						return dst, ends, false
					}
					i++
					break arg
				default:
					dst = append(dst, c)
					i++
				}
			case inSingle:
				if i == n {
					return dst, ends, false
				}
				c := line[i]
				switch {
				case c == '\\' && i+1 < n && line[i+1] == '\'':
					dst = append(dst, '\'')
					i += 2
				case c == '\'':
					if i+1 < n && !isSpace(line[i+1]) {
						return dst, ends, false
					}
					i++
					break arg
				default:
					dst = append(dst, c)
					i++
				}
			default:
				if i == n {
					break arg
				}
				c := line[i]
				switch c {
				case ' ', '\n', '\r', '\t':
					i++
					break arg
				case '"':
					inDouble = true
				case '\'':
					inSingle = true
				default:
					dst = append(dst, c)
				}
				i++
			}
		}
		ends = append(ends, len(dst))
	}
}

// SplitArgs splits line into arguments as Redis's sdssplitargs does (see
// splitArgs for the rules); ok is false when its quotes are unbalanced.
// FUNCTION LOAD splits a library's shebang line with it.
func SplitArgs(line string) (args []string, ok bool) {
	dst, ends, ok := splitArgs([]byte(line), nil, nil)
	if !ok {
		return nil, false
	}
	args = make([]string, len(ends))
	from := 0
	for i, end := range ends {
		args[i] = string(dst[from:end])
		from = end
	}
	return args, true
}
