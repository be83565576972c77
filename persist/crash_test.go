//go:build unix

package persist

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/embedis/embedis"
)

// crashChildEnv names the directory a crash child writes to.
const crashChildEnv = "EMBEDIS_CRASH_CHILD_DIR"

// TestCrashChild is the writer process of TestKillDuringWrites: with
// appendfsync always it runs Atomic units that set two keys together, and
// prints each unit's number once the unit is acknowledged, while Saves run
// without pause. It does nothing
// in a normal test run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the child of TestKillDuringWrites")
	}
	db, err := Open(dir, Options{AppendOnly: true, AppendFsync: FsyncAlways, Logger: quietLogger()})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	// Saves (compactions) run all the time meanwhile, so that kills land in
	// them too: while the new segment is created, the manifest swapped, the
	// snapshot renamed, the old files removed.
	go func() {
		for {
			if err := db.Save(bg); err != nil {
				fmt.Println("save:", err)
				os.Exit(1)
			}
		}
	}()
	out := bufio.NewWriter(os.Stdout)
	start, _ := db.Get(bg, "next")
	i, _ := strconv.Atoi(start)
	for ; ; i++ {
		n := strconv.Itoa(i)
		err := db.Atomic(bg, func(tx *embedis.Tx) error {
			tx.Set("a:"+n, n, 0)
			tx.RPush("list", n)
			tx.Set("next", strconv.Itoa(i+1), 0)
			return nil
		})
		if err != nil {
			fmt.Println("write:", err)
			os.Exit(1)
		}
		fmt.Fprintln(out, n)
		out.Flush()
	}
}

// TestKillDuringWrites starts a writer process (TestCrashChild) on one
// directory again and again, kills it with SIGKILL after a random number of
// acknowledged units, and reopens the directory each time: every
// acknowledged unit is there, and no unit is half there. (Issue 13's crash
// harness — hundreds of kills, during compaction and snapshot renames too —
// builds on this.)
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	kills := 20
	acked := -1
	for k := 0; k < kills; k++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		want := 1 + rand.IntN(200)
		for got := 0; got < want && sc.Scan(); got++ {
			n, err := strconv.Atoi(sc.Text())
			if err != nil {
				t.Fatalf("child: %s", sc.Text())
			}
			acked = n
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		db, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger()})
		if err != nil {
			t.Fatalf("kill %d: reopen: %v", k, err)
		}
		next, _ := db.Get(bg, "next")
		nNext, _ := strconv.Atoi(next)
		items, _ := db.LRange(bg, "list", 0, -1)
		if nNext <= acked {
			t.Fatalf("kill %d: unit %d was acknowledged, the directory has units up to %d", k, acked, nNext-1)
		}
		// Every unit is whole: as many list items and a: keys as units.
		if len(items) != nNext {
			t.Fatalf("kill %d: %d units, %d list items", k, nNext, len(items))
		}
		keys, _ := db.Keys(bg, "a:*")
		if len(keys) != nNext {
			t.Fatalf("kill %d: %d units, %d a: keys", k, nNext, len(keys))
		}
		db.Close()
	}
	t.Logf("%d kills, %d units acknowledged, none lost or half-applied", kills, acked+1)
	// What the kills left behind was cleaned up by the reopens.
	db, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{manifestName: true, lockName: true, db.man.base: true}
	for _, s := range db.man.segments {
		named[s] = true
	}
	db.Close()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if !named[e.Name()] {
			t.Errorf("file %s left in the directory", e.Name())
		}
	}
}
