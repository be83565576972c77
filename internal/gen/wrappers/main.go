// Command wrappers writes the Store and Pipeline methods of package embedis
// from its Tx methods, so that every command is implemented once (on Tx) and
// the other ways of calling it cannot drift from that one implementation.
//
// For each exported method of *Tx it writes into store_gen.go
//
//	func (s *Store) M(ctx context.Context, params) (results) // takes the owner role, calls tx.M
//
// and into pipeline_gen.go
//
//	func (p *Pipeline) M(params) Result[T] // queues tx.M
//
// the Store method with the Tx method's doc comment, the Pipeline method
// pointing to it. The Store method keeps the Tx method's result names (a
// method with more than one value before the error must name them, so that
// go doc says which is which); Store.end turns a panic into the error
// result, which with unnamed results means running the call in a closure (it
// does not escape: no allocation). A Pipeline result holds one value: a
// method with several values fills the struct that shapes lists for their
// types. Methods listed in skip are Tx-only.
// Run it with `go generate` in the repository root; a test checks that the
// committed files are what it writes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// skip lists Tx methods that make no sense outside a unit.
var skip = map[string]bool{
	"Select":    true, // a Store handle picks its database with DB
	"DBIndex":   true,
	"Do":        true, // Store.Do returns Go values; see commands.go
	"Databases": true, // a count, not a command
	"Changes":   true, // a counter for the server's save points, not a command
	// Hooks of the server for blocking commands.
	"AllowBlocking": true,
	"TakeBlocked":   true,
	// The server's eviction before each command of a batch (evict.go).
	"BeforeCommand": true,
	// WATCH state belongs to a connection of the server, used inside one unit.
	"Watch":       true,
	"Unwatch":     true,
	"WatchBroken": true,
	// A copy of the whole store, not a command: Store.Snapshot is written
	// by hand in snapshot.go and has no Pipeline form.
	"Snapshot":      true,
	"StartSnapshot": true,
	// XRead may block: Store.XRead is written by hand in stream_blocking.go.
	"XRead": true,
	// So may XReadGroup (stream_groups.go).
	"XReadGroup": true,
}

// shapes names the Pipeline result type of each list of value types of a
// method returning more than one value before its error (the types are in
// pipeline.go): the struct's name and its fields, in the results' order.
var shapes = map[string]shape{
	"[]string, uint64": {"ScanPage", []string{"Items", "Cursor"}},
	"string, []string": {"ListPop", []string{"Key", "Elements"}},
	"string, []Z":      {"ZSetPop", []string{"Key", "Members"}},
	"string, bool":     {"DumpPayload", []string{"Payload", "OK"}},
}

type shape struct {
	typ    string
	fields []string
}

type method struct {
	name    string
	doc     string
	params  []param
	results []string // result types, the last is error
	names   []string // result names, all empty when the Tx method names none
	pos     token.Pos
}

type param struct {
	name, typ string
	variadic  bool
}

func main() {
	dir := flag.String("dir", ".", "package directory")
	out := flag.String("out", "", "write the files into this directory instead of dir")
	flag.Parse()
	if *out == "" {
		*out = *dir
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, *dir, func(fi os.FileInfo) bool {
		n := fi.Name()
		return !strings.HasSuffix(n, "_test.go") && n != "store_gen.go" && n != "pipeline_gen.go"
	}, parser.ParseComments)
	if err != nil {
		log.Fatal(err)
	}
	pkg, ok := pkgs["embedis"]
	if !ok {
		log.Fatal("package embedis not found")
	}
	var methods []method
	for _, f := range pkg.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() || skip[fd.Name.Name] {
				continue
			}
			star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			if id, ok := star.X.(*ast.Ident); !ok || id.Name != "Tx" {
				continue
			}
			methods = append(methods, parseMethod(fset, fd))
		}
	}
	sort.Slice(methods, func(i, j int) bool { return methods[i].name < methods[j].name })
	write(filepath.Join(*out, "store_gen.go"), storeFile(methods))
	write(filepath.Join(*out, "pipeline_gen.go"), pipelineFile(methods))
}

func typeString(fset *token.FileSet, e ast.Expr) string {
	var b bytes.Buffer
	if err := format.Node(&b, fset, e); err != nil {
		log.Fatal(err)
	}
	return b.String()
}

func parseMethod(fset *token.FileSet, fd *ast.FuncDecl) method {
	m := method{name: fd.Name.Name, pos: fd.Pos()}
	if fd.Doc != nil {
		m.doc = fd.Doc.Text()
	}
	for _, f := range fd.Type.Params.List {
		typ := f.Type
		variadic := false
		if el, ok := typ.(*ast.Ellipsis); ok {
			typ, variadic = el.Elt, true
		}
		for _, n := range f.Names {
			m.params = append(m.params, param{name: n.Name, typ: typeString(fset, typ), variadic: variadic})
		}
	}
	if fd.Type.Results != nil {
		for _, f := range fd.Type.Results.List {
			if len(f.Names) == 0 {
				m.results = append(m.results, typeString(fset, f.Type))
				m.names = append(m.names, "")
			}
			for _, n := range f.Names {
				m.results = append(m.results, typeString(fset, f.Type))
				m.names = append(m.names, n.Name)
			}
		}
	}
	if len(m.results) == 0 || m.results[len(m.results)-1] != "error" {
		log.Fatalf("Tx.%s must return an error last", m.name)
	}
	if len(m.results) > 2 && m.names[0] == "" {
		log.Fatalf("Tx.%s returns several values: name its results, so that go doc says which is which", m.name)
	}
	return m
}

// resultList is the method's results as its signature writes them.
func (m method) resultList() string {
	if m.names[0] == "" {
		if len(m.results) == 1 {
			return "error"
		}
		return "(" + strings.Join(m.results, ", ") + ")"
	}
	parts := make([]string, len(m.results))
	for i, r := range m.results {
		parts[i] = m.names[i] + " " + r
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// withResultNames names the results of a method whose Tx method names none,
// by their type (n int64, ok bool, val string, …; err error), avoiding the
// parameters' names.
func (m method) withResultNames() method {
	byType := map[string]string{
		"int64": "n", "int": "n", "bool": "ok", "string": "val", "float64": "f",
		"[]string": "vals", "time.Duration": "d", "time.Time": "t", "uint64": "n",
	}
	taken := map[string]bool{"ctx": true, "s": true, "tx": true, "err": true}
	for _, p := range m.params {
		taken[p.name] = true
	}
	names := make([]string, len(m.results))
	names[len(names)-1] = "err"
	for i, r := range m.results[:len(m.results)-1] {
		n, ok := byType[r]
		if !ok {
			n = "v"
		}
		for base, k := n, 2; taken[n]; k++ {
			n = fmt.Sprintf("%s%d", base, k)
		}
		taken[n] = true
		names[i] = n
	}
	m.names = names
	return m
}

func (m method) paramList() string {
	var parts []string
	for _, p := range m.params {
		t := p.typ
		if p.variadic {
			t = "..." + t
		}
		parts = append(parts, p.name+" "+t)
	}
	return strings.Join(parts, ", ")
}

func (m method) argList() string {
	var parts []string
	for _, p := range m.params {
		a := p.name
		if p.variadic {
			a += "..."
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, ", ")
}

func comment(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(doc, "\n"), "\n") {
		if l == "" {
			b.WriteString("//\n")
		} else {
			b.WriteString("// " + l + "\n")
		}
	}
	return b.String()
}

const header = "// Code generated by internal/gen/wrappers from the Tx methods; DO NOT EDIT.\n\npackage embedis\n\n"

func storeFile(ms []method) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("import (\n\t\"context\"\n\t\"time\"\n)\n\nvar _ time.Duration\n\n")
	for _, m := range ms {
		b.WriteString(comment(m.doc))
		ps := "ctx context.Context"
		if pl := m.paramList(); pl != "" {
			ps += ", " + pl
		}
		for _, n := range m.names {
			if n == "ctx" || n == "s" || n == "tx" {
				log.Fatalf("Tx.%s: the result name %s is taken in the Store method", m.name, n)
			}
		}
		if m.names[0] == "" {
			m = m.withResultNames()
		}
		// Named results: end's recovery from a panic sets err. (A closure
		// around the call would spare the names but cost a call that the
		// compiler cannot inline, about 5 ns on a 60 ns Set.)
		fmt.Fprintf(&b, "func (s *Store) %s(%s) %s {\n", m.name, ps, m.resultList())
		call := fmt.Sprintf("tx.%s(%s)", m.name, m.argList())
		b.WriteString("\ttx, err := s.begin(ctx)\n\tif err != nil {\n\t\treturn\n\t}\n\tdefer s.end(tx, &err)\n")
		fmt.Fprintf(&b, "\treturn %s\n}\n\n", call)
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("format store file: %v\n%s", err, b.Bytes())
	}
	return src
}

// numeric kinds travel in an int64 field of pipeCmd: how to store and load each.
var numeric = map[string][2]string{
	"int64":         {"%s", "%s"},
	"int":           {"int64(%s)", "int(%s)"},
	"bool":          {"boolInt(%s)", "%s != 0"},
	"time.Duration": {"int64(%s)", "time.Duration(%s)"},
	"float64":       {"int64(math.Float64bits(%s))", "math.Float64frombits(uint64(%s))"},
	"uint64":        {"int64(%s)", "uint64(%s)"},
}

func pipelineFile(ms []method) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("import (\n\t\"math\"\n\t\"time\"\n)\n\nvar (\n\t_ time.Duration\n\t_ = math.Float64bits\n)\n\n")
	for _, m := range ms {
		typ := "struct{}"
		var sh shape
		switch n := len(m.results); {
		case n == 2:
			typ = m.results[0]
		case n > 2:
			key := strings.Join(m.results[:n-1], ", ")
			var ok bool
			if sh, ok = shapes[key]; !ok {
				log.Fatalf("Tx.%s returns (%s): add a Pipeline result type for it to shapes", m.name, key)
			}
			typ = sh.typ
		}
		// Place each parameter in a field of pipeCmd by its kind.
		var store, load []string
		strs, nums, other := 0, 0, 0
		var extra []string // strings past the second, stored in ss
		for _, p := range m.params {
			switch {
			case p.variadic && p.typ == "string":
				store = append(store, "ss: "+p.name)
				load = append(load, "c.ss...")
			case p.typ == "string" && strs < 2:
				f := fmt.Sprintf("s%d", strs)
				strs++
				store = append(store, f+": "+p.name)
				load = append(load, "c."+f)
			case p.typ == "string":
				// A third and fourth string (LInsert, LMove, SMove) ride in
				// ss, which keeps pipeCmd small for the common commands.
				if hasVariadic(m) {
					log.Fatalf("Tx.%s: more than two strings and a variadic parameter; extend pipeCmd", m.name)
				}
				extra = append(extra, p.name)
				load = append(load, fmt.Sprintf("c.ss[%d]", len(extra)-1))
			case numeric[p.typ] != [2]string{} && !p.variadic:
				if nums == 2 {
					log.Fatalf("Tx.%s: more than two numeric parameters; extend pipeCmd", m.name)
				}
				f := fmt.Sprintf("n%d", nums)
				nums++
				conv := numeric[p.typ]
				store = append(store, f+": "+fmt.Sprintf(conv[0], p.name))
				load = append(load, fmt.Sprintf(conv[1], "c."+f))
			default:
				if other == 1 {
					log.Fatalf("Tx.%s: more than one parameter of another kind; extend pipeCmd", m.name)
				}
				other++
				store = append(store, "x: "+p.name)
				if p.variadic {
					load = append(load, "c.x.([]"+p.typ+")...")
				} else {
					load = append(load, "c.x.("+p.typ+")")
				}
			}
		}
		if len(extra) > 0 {
			store = append(store, "ss: []string{"+strings.Join(extra, ", ")+"}")
		}
		fn := "pipe" + m.name
		fmt.Fprintf(&b, "func %s(tx *Tx, c *pipeCmd) {\n", fn)
		call := fmt.Sprintf("tx.%s(%s)", m.name, strings.Join(load, ", "))
		switch {
		case sh.typ != "":
			vals := m.names[:len(m.names)-1]
			fields := make([]string, len(vals))
			for i, v := range vals {
				fields[i] = sh.fields[i] + ": " + v
			}
			fmt.Fprintf(&b, "\t%s, err := %s\n\tc.x, c.err = %s{%s}, err\n", strings.Join(vals, ", "), call, sh.typ, strings.Join(fields, ", "))
		case len(m.results) == 1:
			fmt.Fprintf(&b, "\tc.err = %s\n", call)
		case typ == "string":
			fmt.Fprintf(&b, "\tc.s0, c.err = %s\n", call)
		case numeric[typ] != [2]string{}:
			fmt.Fprintf(&b, "\tv, err := %s\n\tc.n0, c.err = %s, err\n", call, fmt.Sprintf(numeric[typ][0], "v"))
		default:
			fmt.Fprintf(&b, "\tv, err := %s\n\tc.x, c.err = v, err\n", call)
		}
		b.WriteString("}\n\n")
		fmt.Fprintf(&b, "// %s queues Tx.%s; see Store.%s.", m.name, m.name, m.name)
		if sh.typ != "" {
			var pairs []string
			for i, f := range sh.fields {
				pairs = append(pairs, fmt.Sprintf("%s is %s", f, m.names[i]))
			}
			fmt.Fprintf(&b, " In its %s, %s.", sh.typ, strings.Join(pairs, ", "))
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "func (p *Pipeline) %s(%s) Result[%s] {\n", m.name, m.paramList(), typ)
		fields := append([]string{"run: " + fn}, store...)
		fmt.Fprintf(&b, "\treturn Result[%s]{p.add(pipeCmd{%s})}\n}\n\n", typ, strings.Join(fields, ", "))
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("format pipeline file: %v\n%s", err, b.Bytes())
	}
	return src
}

func hasVariadic(m method) bool {
	for _, p := range m.params {
		if p.variadic {
			return true
		}
	}
	return false
}

func write(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
}
