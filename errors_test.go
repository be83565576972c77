package embedis

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestErrorCatalogue: each Redis error text exists once, as one value that
// errors.Is tells apart from every other, and matches its kind.
func TestErrorCatalogue(t *testing.T) {
	if len(catalogue) < 40 {
		t.Fatalf("catalogue holds %d errors; the package-level errors are not registered", len(catalogue))
	}
	byText := map[string]*Error{}
	for _, e := range catalogue {
		if prev, ok := byText[e.msg]; ok && prev != e {
			t.Errorf("two error values share the text %q", e.msg)
		}
		byText[e.msg] = e
		if e.kind != nil && !errors.Is(e, e.kind) {
			t.Errorf("%q does not match its kind %q", e.msg, e.kind.msg)
		}
	}
	for _, a := range catalogue {
		for _, b := range catalogue {
			if a == b || a.kind == b {
				continue
			}
			if errors.Is(a, b) {
				t.Errorf("errors.Is(%q, %q) holds", a.msg, b.msg)
			}
		}
	}
}

// TestErrorsOnlyInCatalogue: no error value and no Redis error text is made
// outside errors.go, so a new text cannot duplicate an old one unseen.
func TestErrorsOnlyInCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	texts := map[string]string{} // literal text -> file:line of its first use
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				callee := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					callee = fn.Name
				case *ast.SelectorExpr:
					callee = fn.Sel.Name
					if x, ok := fn.X.(*ast.Ident); ok && (x.Name == "errors" || x.Name == "fmt") {
						callee = x.Name + "." + callee
					}
				}
				switch callee {
				case "newError", "newForm", "forCommand", "errors.New":
					if name != "errors.go" {
						t.Errorf("%s: %s outside errors.go", fset.Position(n.Pos()), callee)
					}
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil || !(strings.HasPrefix(s, "ERR ") || strings.HasPrefix(s, "WRONGTYPE ")) {
					return true
				}
				pos := fset.Position(n.Pos()).String()
				if name != "errors.go" {
					t.Errorf("%s: Redis error text %q outside errors.go", pos, s)
				}
				if prev, ok := texts[s]; ok {
					t.Errorf("%s: error text %q already at %s", pos, s, prev)
				}
				texts[s] = pos
			}
			return true
		})
	}
}
