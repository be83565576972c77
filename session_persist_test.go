package embedis_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// TestSessionsSurviveRestart: sessions are data like any other, so a
// durable directory keeps them across a restart with their values,
// deadlines and index — and keeps the ones ended before it ended: a
// destroyed or rotated-away token stays worthless.
func TestSessionsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() (*persist.DB, *embedis.Sessions) {
		t.Helper()
		db, err := persist.Open(dir, persist.Options{AppendOnly: true, AppendFsync: persist.FsyncAlways})
		if err != nil {
			t.Fatal(err)
		}
		m, err := embedis.NewSessions(embedis.Embedded(db.Store), "web", embedis.SessionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return db, m
	}
	db, m := open()
	kept, err := m.Create(ctx, "ada", map[string]string{"device": "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Update(ctx, kept.Token, map[string]string{"cart": "3"}); err != nil {
		t.Fatal(err)
	}
	rotated, err := m.Create(ctx, "ada", map[string]string{"device": "phone"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := m.Rotate(ctx, rotated.Token)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := m.Create(ctx, "ada", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(ctx, gone.Token); err != nil {
		t.Fatal(err)
	}
	before, err := m.List(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, m = open()
	defer db.Close()
	after, err := m.List(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Fatalf("List after a restart = %+v, want %+v", after, before)
	}
	if g, err := m.Get(ctx, kept.Token); err != nil || g.Values["cart"] != "3" || g.Values["device"] != "laptop" {
		t.Fatalf("Get after a restart = %+v, %v", g, err)
	}
	if _, err := m.Get(ctx, fresh); err != nil {
		t.Fatalf("the rotated token after a restart: %v", err)
	}
	for _, tok := range []string{rotated.Token, gone.Token} {
		if _, err := m.Get(ctx, tok); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("an ended token after a restart: %v, want ErrSessionNotFound", err)
		}
	}
}
