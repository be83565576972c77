package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedis/embedis/persist"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := persist.Open(dir, persist.Options{AppendOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Set(ctx, "a", "1", 0)
	db.Save(ctx)
	db.Set(ctx, "b", "2", 0)
	db.Set(ctx, "c", "3", 0)
	db.Close()

	check := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(args, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	if code, out := check(dir); code != 0 || !strings.Contains(out, "2 records") || !strings.HasSuffix(out, "OK\n") {
		t.Fatalf("intact: %d\n%s", code, out)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "log.*.seg"))
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	st, _ := os.Stat(segs[0])
	os.Truncate(segs[0], st.Size()-3)
	if code, out := check(dir); code != 2 || !strings.Contains(out, "TORN TAIL") {
		t.Fatalf("torn: %d\n%s", code, out)
	}
	if code, out := check("-fix", dir); code != 0 || !strings.Contains(out, "REPAIRED") {
		t.Fatalf("fix: %d\n%s", code, out)
	}
	if code, out := check(dir); code != 0 || !strings.Contains(out, "1 records") {
		t.Fatalf("after the fix: %d\n%s", code, out)
	}
	b, _ := os.ReadFile(segs[0])
	b[20] ^= 1
	os.WriteFile(segs[0], b, 0o644)
	if code, out := check(dir); code != 1 || !strings.Contains(out, "DAMAGED") || !strings.Contains(out, segs[0]) {
		t.Fatalf("damaged: %d\n%s", code, out)
	}
	if code, _ := check(); code != 64 {
		t.Fatalf("no argument: %d", code)
	}
}
