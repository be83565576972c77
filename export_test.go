package embedis

import "time"

// Test hooks for the external test package (package embedis_test).

// PlantPanickingValue stores at key a value whose every method panics, as
// damaged data would make a command panic. For the tests of the panic policy.
func PlantPanickingValue(s *Store, key string) error {
	return s.Atomic(ctx, func(tx *Tx) error {
		tx.db.keys.Set(key, slot{v: panickingValue{}})
		return nil
	})
}

// panickingValue is a value whose methods panic.
type panickingValue struct{}

func (panickingValue) typeName() string { panic("embedis test: damaged value") }
func (panickingValue) clone() value     { panic("embedis test: damaged value") }
func (panickingValue) dump() string     { panic("embedis test: damaged value") }
func (panickingValue) memUsage() int64  { return 16 }
func (panickingValue) meta() *objMeta   { return new(objMeta) }

// SetLeaderboardClientClock replaces the clock a remote board estimates the
// server's time from (time.Now), to test boards whose process's clock is
// off.
func SetLeaderboardClientClock(lb *Leaderboard, now func() time.Time) { lb.clientNow = now }
