package embedis_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
)

// TestCommandTableMatchesRedis compares every command of the table with
// redis-server's COMMAND INFO: arity, flags and key positions.
func TestCommandTableMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	var diffs []string
	compared := 0
	for _, cmd := range embedis.Commands() {
		reply := c.Do(t, "COMMAND", "INFO", cmd.Name)
		arr, ok := reply.([]any)
		if !ok || len(arr) != 1 || arr[0] == nil {
			continue // not a Redis 7.0 command (embedis extensions, 7.2 additions)
		}
		compared++
		info := arr[0].([]any)
		var flags []string
		for _, f := range info[2].([]any) {
			flags = append(flags, f.(string))
		}
		sort.Strings(flags)
		ours := append([]string(nil), cmd.Flags...)
		sort.Strings(ours)
		want := fmt.Sprintf("arity %d flags %s keys %d %d %d", info[1], strings.Join(flags, ","), info[3], info[4], info[5])
		got := fmt.Sprintf("arity %d flags %s keys %d %d %d", cmd.Arity, strings.Join(ours, ","), cmd.FirstKey, cmd.LastKey, cmd.KeyStep)
		if want != got {
			diffs = append(diffs, fmt.Sprintf("%s:\n  redis:   %s\n  embedis: %s", cmd.Name, want, got))
		}
	}
	if compared < len(embedis.Commands())*9/10 {
		t.Fatalf("only %d of %d commands are known to redis-server", compared, len(embedis.Commands()))
	}
	if len(diffs) > 0 {
		t.Errorf("%d commands differ from redis-server's table:\n%s", len(diffs), strings.Join(diffs, "\n"))
	}
}
