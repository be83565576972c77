package embedis

import "strings"

// Handlers of SORT and SORT_RO: argument parsing and reply writing around
// the Tx methods of sort.go.

func init() {
	register(
		&Command{Name: "sort", Arity: -2, Flags: []string{"write", "denyoom", "movablekeys"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSort},
		&Command{Name: "sort_ro", Arity: -2, Flags: []string{"readonly", "movablekeys"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSort},
	)
}

// parseSort reads SORT's options as Redis does: left to right, the last of
// each option winning, a BY pattern without '*' skipping the sort even if a
// later BY has one, a LIMIT whose numbers are not integers failing with the
// integer error, and anything else (STORE in SORT_RO, an option missing its
// arguments) a syntax error.
func parseSort(args []string, readonly bool) (sortQuery, error) {
	var q sortQuery
	for i := 2; i < len(args); i++ {
		left := len(args) - i - 1
		switch o := strings.ToUpper(args[i]); {
		case o == "ASC":
			q.desc = false
		case o == "DESC":
			q.desc = true
		case o == "ALPHA":
			q.alpha = true
		case o == "LIMIT" && left >= 2:
			offset, err := parseIntArg(args[i+1])
			if err != nil {
				return q, err
			}
			count, err := parseIntArg(args[i+2])
			if err != nil {
				return q, err
			}
			q.limited, q.offset, q.count = true, offset, count
			i += 2
		case o == "STORE" && left >= 1 && !readonly:
			q.store, q.storing = args[i+1], true
			i++
		case o == "BY" && left >= 1:
			q.by = args[i+1]
			if !strings.Contains(cString(q.by), "*") {
				q.dontSort = true
			}
			i++
		case o == "GET" && left >= 1:
			q.get = append(q.get, args[i+1])
			i++
		default:
			return q, ErrSyntax
		}
	}
	return q, nil
}

func cmdSort(tx *Tx, args []string, w ReplyWriter) {
	q, err := parseSort(args, commandName(args) == "sort_ro")
	if err != nil {
		w.WriteError(err)
		return
	}
	if q.storing {
		n, err := tx.sortStore(args[1], q)
		writeIntOrError(w, n, err)
		return
	}
	vals, err := tx.sort(args[1], q)
	if err != nil {
		w.WriteError(err)
		return
	}
	writeStringPtrs(w, vals)
}
