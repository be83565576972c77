package embedis

import (
	"errors"
	"reflect"
	"testing"
)

// TestPipelineMultiValueResults checks the Pipeline methods of commands that
// return several values (the scans, LMPOP, ZMPOP): each result holds what
// the Store method returns.
func TestPipelineMultiValueResults(t *testing.T) {
	s, _ := openTest(t)
	p := s.Pipeline()
	p.Set("k", "v", 0)
	p.HSet("h", "f", "1", "g", "2")
	p.SAdd("s", "m")
	p.ZAdd("z", Z{Member: "a", Score: 1}, Z{Member: "b", Score: 2})
	p.RPush("l", "x", "y", "z")
	scan := p.Scan(0, "k", 100)
	scanType := p.ScanType(0, "", 100, "set")
	hscan := p.HScan("h", 0, "", 0)
	sscan := p.SScan("s", 0, "", 0)
	zscan := p.ZScan("z", 0, "", 0)
	lmpop := p.LMPop("left", 2, "nope", "l")
	zmpop := p.ZMPop("max", 1, "z")
	none := p.LMPop("left", 1, "nope")
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any, err error) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, %v; want %#v", name, got, err, want)
		}
	}
	v, err := scan.Result()
	check("Scan", v, ScanPage{Items: []string{"k"}}, err)
	v, err = scanType.Result()
	check("ScanType", v, ScanPage{Items: []string{"s"}}, err)
	v, err = hscan.Result()
	check("HScan", v, ScanPage{Items: []string{"f", "1", "g", "2"}}, err)
	v, err = sscan.Result()
	check("SScan", v, ScanPage{Items: []string{"m"}}, err)
	v, err = zscan.Result()
	check("ZScan", v, ScanPage{Items: []string{"a", "1", "b", "2"}}, err)
	lp, err := lmpop.Result()
	check("LMPop", lp, ListPop{Key: "l", Elements: []string{"x", "y"}}, err)
	zp, err := zmpop.Result()
	check("ZMPop", zp, ZSetPop{Key: "z", Members: []Z{{Member: "b", Score: 2}}}, err)
	if v, err := none.Result(); !errors.Is(err, ErrNotFound) || v.Key != "" || v.Elements != nil {
		t.Errorf("LMPop of missing keys = %#v, %v; want ErrNotFound", v, err)
	}
	// The Store methods agree (the pops above emptied l to one element).
	keys, next, err := s.Scan(ctx, 0, "k", 100)
	check("Store.Scan", ScanPage{Items: keys, Cursor: next}, ScanPage{Items: []string{"k"}}, err)
}
