package embedis

import (
	"fmt"
	"strconv"
)

// Keyspace notifications, as Redis's notify.c: every keyspace event (raised
// through Tx.notify in keyspace.go, the one write path) whose class is
// selected by notify-keyspace-events is published, during the command that
// raised it, on __keyspace@<db>__:<key> with the event's name as the message
// (class K) and on __keyevent@<db>__:<event> with the key as the message
// (class E), in that order, to the wire's subscribers and the Go
// Subscriptions alike.

// notifyClassLetters are the class letters "A" stands for: every class but
// keymiss (m) and new (n), as in Redis 7.0.
const notifyClassLetters = "g$lshzxetd"

// SetNotifyKeyspaceEvents selects the keyspace events published, as Redis's
// CONFIG SET notify-keyspace-events: a string of class characters, K
// (publish on __keyspace@<db>__:<key>) and/or E (__keyevent@<db>__:<event>)
// and the classes g (generic: DEL, EXPIRE, RENAME, …), $ (string), l
// (list), s (set), h (hash), z (sorted set), x (expired), e (evicted), t
// (stream), m (key miss), d (module: embedis has none), n (new key), A
// (alias of "g$lshzxetd"). Nothing is published unless K or E and at least
// one class are given; "" turns notifications off. Another character is
// ErrNotifyKeyspaceEvents, and the setting is left as it was.
func (tx *Tx) SetNotifyKeyspaceEvents(classes string) error {
	return tx.e.setNotify(classes)
}

// NotifyKeyspaceEvents returns the classes selected, in Redis's canonical
// form (CONFIG GET notify-keyspace-events: "KEA" is shown as "AKE").
func (tx *Tx) NotifyKeyspaceEvents() (string, error) { return tx.e.notifyFlags, nil }

// setNotify parses and applies notify-keyspace-events. The owner role is
// held (or the engine is being opened).
func (e *engine) setNotify(classes string) error {
	var on [256]bool
	keys, events := false, false
	for i := 0; i < len(classes); i++ {
		c := classes[i]
		switch c {
		case 'A':
			for j := 0; j < len(notifyClassLetters); j++ {
				on[notifyClassLetters[j]] = true
			}
		case 'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'm', 'd', 'n':
			on[c] = true
		case 'K':
			keys = true
		case 'E':
			events = true
		default:
			return fmt.Errorf("%w %q (use 'Ag$lshzxeKEtmdn')", ErrNotifyKeyspaceEvents, c)
		}
	}
	var canon []byte
	all := true
	for j := 0; j < len(notifyClassLetters); j++ {
		all = all && on[notifyClassLetters[j]]
	}
	if all {
		canon = append(canon, 'A')
	} else {
		for _, c := range []byte("g$lshzxetdn") {
			if on[c] && c != 'n' {
				canon = append(canon, c)
			}
		}
	}
	if on['n'] {
		canon = append(canon, 'n')
	}
	if keys {
		canon = append(canon, 'K')
	}
	if events {
		canon = append(canon, 'E')
	}
	if on['m'] {
		canon = append(canon, 'm')
	}
	if !keys && !events {
		on = [256]bool{} // nothing is published without K or E
	}
	e.notifyClasses, e.notifyKeys, e.notifyEvents = on, keys, events
	e.notifyFlags = string(canon)
	return nil
}

// publishKeyEvent publishes one keyspace event, if its class is selected.
func (tx *Tx) publishKeyEvent(ev keyEvent, key string) {
	e := tx.e
	if !e.notifyClasses[ev.class] {
		return
	}
	db := strconv.Itoa(tx.dbIndex)
	if e.notifyKeys {
		tx.publish(PubSubChannel, "__keyspace@"+db+"__:"+key, ev.name)
	}
	if e.notifyEvents {
		tx.publish(PubSubChannel, "__keyevent@"+db+"__:"+ev.name, key)
	}
}
