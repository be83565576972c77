package embedis

import (
	"sort"

	"github.com/embedis/embedis/internal/glob"
)

// Publish/subscribe, as Redis's pubsub.c: channels, patterns and shard
// channels, a registry the owner keeps for the whole engine (not per
// database, as in Redis), and PUBLISH delivering to every subscriber during
// the publisher's turn.
//
// A subscriber is a Subscriber: a Go Subscription (subscription.go) or a
// connection of the server. Delivery calls the subscriber's deliver function
// as the owner, so it must never block: a Subscription queues the message
// for its own goroutine, a connection for its writer, each with a bound, and
// beyond the bound the subscriber is cut off (Redis's
// client-output-buffer-limit pubsub). Neither the owner nor the publisher
// nor any other subscriber ever waits for a slow one.
//
// Order: a message reaches the subscribers of its channel first, in the
// order they subscribed, then the subscribers of each matching pattern, the
// patterns in the order they were first subscribed to (Redis 7.0 walks a
// dict there: an order nobody can rely on). A subscriber of the channel and
// of a matching pattern gets the message twice, as in Redis, and Publish
// counts both.

// PubSubKind says which of the three namespaces a subscription is in.
type PubSubKind uint8

const (
	// PubSubChannel: SUBSCRIBE, UNSUBSCRIBE, PUBLISH ("message").
	PubSubChannel PubSubKind = iota
	// PubSubPattern: PSUBSCRIBE, PUNSUBSCRIBE, a glob-style pattern over
	// PUBLISH's channels ("pmessage").
	PubSubPattern
	// PubSubShard: SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH ("smessage"). Shard
	// channels are apart from the others: SPUBLISH reaches only shard
	// subscribers, PUBLISH only channel and pattern subscribers.
	PubSubShard
)

// Message is one message delivered to a subscriber.
type Message struct {
	// Channel is the channel (or shard channel) the message was published to.
	Channel string
	// Pattern is the pattern the channel matched, for a pattern
	// subscription; "" otherwise.
	Pattern string
	// Payload is the message.
	Payload string
}

// Subscriber is one receiver of messages in the engine's registry: a
// connection of the server keeps one, and a Subscription wraps one. Its
// methods taking a *Tx must be called as the owner; they are not safe to
// call otherwise.
type Subscriber struct {
	deliver func(kind PubSubKind, m Message)
	// gone, if set, is told when the engine drops the subscriber without its
	// asking (the store closed).
	gone func(err error)

	channels map[string]struct{}
	patterns []string // in subscription order, as Redis 7.0's list
	shard    map[string]struct{}
	doomed   bool    // queued for removal at the end of the publish
	e        *engine // set by the first Subscribe
}

// NewSubscriber returns a subscriber with no subscriptions whose messages go
// to deliver. deliver is called by the owner, during the publisher's turn:
// it must return at once, never block, and never call the Store; it may
// call Doom to be unsubscribed from everything once the publish is done.
func NewSubscriber(deliver func(kind PubSubKind, m Message)) *Subscriber {
	return &Subscriber{deliver: deliver}
}

// Count returns the subscriber's channel and pattern subscriptions, the
// count SUBSCRIBE, PSUBSCRIBE and their UNSUBSCRIBEs reply with.
func (s *Subscriber) Count() int { return len(s.channels) + len(s.patterns) }

// ShardCount returns the subscriber's shard channel subscriptions, the count
// SSUBSCRIBE and SUNSUBSCRIBE reply with.
func (s *Subscriber) ShardCount() int { return len(s.shard) }

// Names returns the subscriber's subscriptions of a kind: patterns in the
// order they were subscribed, channels sorted.
func (s *Subscriber) Names(kind PubSubKind) []string {
	switch kind {
	case PubSubPattern:
		return append([]string(nil), s.patterns...)
	case PubSubShard:
		return sortedKeys(s.shard)
	}
	return sortedKeys(s.channels)
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Subscribe adds the subscription of a kind to name and reports whether it
// is new (subscribing twice is no error, and changes nothing).
func (s *Subscriber) Subscribe(tx *Tx, kind PubSubKind, name string) bool {
	s.e = tx.e
	ps := &tx.e.pubsub
	switch kind {
	case PubSubPattern:
		for _, p := range s.patterns {
			if p == name {
				return false
			}
		}
		s.patterns = append(s.patterns, name)
		ent := ps.patterns[name]
		if ent == nil {
			if ps.patterns == nil {
				ps.patterns = make(map[string]*patternSubs)
			}
			ent = &patternSubs{glob: glob.Compile(name)}
			ps.patterns[name] = ent
			ps.patternOrder = append(ps.patternOrder, name)
		}
		ent.subs = append(ent.subs, s)
		return true
	case PubSubShard:
		return subscribeTo(&s.shard, &ps.shard, s, name)
	}
	return subscribeTo(&s.channels, &ps.channels, s, name)
}

func subscribeTo(mine *map[string]struct{}, reg *map[string][]*Subscriber, s *Subscriber, name string) bool {
	if _, ok := (*mine)[name]; ok {
		return false
	}
	if *mine == nil {
		*mine = make(map[string]struct{})
	}
	(*mine)[name] = struct{}{}
	if *reg == nil {
		*reg = make(map[string][]*Subscriber)
	}
	(*reg)[name] = append((*reg)[name], s)
	return true
}

// Unsubscribe removes the subscription of a kind to name and reports
// whether there was one.
func (s *Subscriber) Unsubscribe(tx *Tx, kind PubSubKind, name string) bool {
	ps := &tx.e.pubsub
	switch kind {
	case PubSubPattern:
		i := -1
		for j, p := range s.patterns {
			if p == name {
				i = j
				break
			}
		}
		if i < 0 {
			return false
		}
		s.patterns = append(s.patterns[:i], s.patterns[i+1:]...)
		ent := ps.patterns[name]
		ent.subs = without(ent.subs, s)
		if len(ent.subs) == 0 {
			delete(ps.patterns, name)
			for j, p := range ps.patternOrder {
				if p == name {
					ps.patternOrder = append(ps.patternOrder[:j], ps.patternOrder[j+1:]...)
					break
				}
			}
		}
		return true
	case PubSubShard:
		return unsubscribeFrom(s.shard, ps.shard, s, name)
	}
	return unsubscribeFrom(s.channels, ps.channels, s, name)
}

func unsubscribeFrom(mine map[string]struct{}, reg map[string][]*Subscriber, s *Subscriber, name string) bool {
	if _, ok := mine[name]; !ok {
		return false
	}
	delete(mine, name)
	if subs := without(reg[name], s); len(subs) > 0 {
		reg[name] = subs
	} else {
		delete(reg, name)
	}
	return true
}

// without returns subs less s, keeping the order of the others.
func without(subs []*Subscriber, s *Subscriber) []*Subscriber {
	for i, x := range subs {
		if x == s {
			copy(subs[i:], subs[i+1:])
			subs[len(subs)-1] = nil
			return subs[:len(subs)-1]
		}
	}
	return subs
}

// UnsubscribeAll removes every subscription of the subscriber (a connection
// that closes).
func (s *Subscriber) UnsubscribeAll(tx *Tx) {
	for _, kind := range []PubSubKind{PubSubChannel, PubSubPattern, PubSubShard} {
		for _, n := range s.Names(kind) {
			s.Unsubscribe(tx, kind, n)
		}
	}
}

// Doom asks, from inside deliver (and only there), that the subscriber be
// unsubscribed from everything once the publish that is delivering is done:
// a connection cut off for overrunning its output limit.
func (s *Subscriber) Doom() {
	if !s.doomed && s.e != nil {
		s.doomed = true
		s.e.pubsub.doomed = append(s.e.pubsub.doomed, s)
	}
}

// pubsub is the engine's registry of subscriptions.
type pubsub struct {
	channels     map[string][]*Subscriber // in subscription order
	shard        map[string][]*Subscriber
	patterns     map[string]*patternSubs
	patternOrder []string      // the patterns of patterns, in the order first subscribed
	doomed       []*Subscriber // to unsubscribe once the publish is done (Doom)
	publishing   int           // publishes running: one, or none (deliver never publishes)
}

type patternSubs struct {
	glob *glob.Pattern
	subs []*Subscriber
}

// publish delivers payload on channel (PubSubChannel: to channel and pattern
// subscribers; PubSubShard: to shard subscribers) and returns the number of
// deliveries.
func (tx *Tx) publish(kind PubSubKind, channel, payload string) int64 {
	ps := &tx.e.pubsub
	ps.publishing++
	var n int64
	if kind == PubSubShard {
		for _, s := range ps.shard[channel] {
			s.deliver(PubSubShard, Message{Channel: channel, Payload: payload})
			n++
		}
	} else {
		for _, s := range ps.channels[channel] {
			s.deliver(PubSubChannel, Message{Channel: channel, Payload: payload})
			n++
		}
		for _, p := range ps.patternOrder {
			ent := ps.patterns[p]
			if !ent.glob.Match(channel) {
				continue
			}
			for _, s := range ent.subs {
				s.deliver(PubSubPattern, Message{Channel: channel, Pattern: p, Payload: payload})
				n++
			}
		}
	}
	ps.publishing--
	if ps.publishing == 0 && len(ps.doomed) > 0 {
		doomed := ps.doomed
		ps.doomed = nil
		for _, s := range doomed {
			s.UnsubscribeAll(tx)
			s.doomed = false
		}
	}
	return n
}

// dropSubscribers tells every subscriber that the engine is gone. The
// owner role is held (shutdown).
func (e *engine) dropSubscribers(err error) {
	seen := make(map[*Subscriber]bool)
	tell := func(s *Subscriber) {
		if !seen[s] {
			seen[s] = true
			if s.gone != nil {
				s.gone(err)
			}
		}
	}
	for _, subs := range e.pubsub.channels {
		for _, s := range subs {
			tell(s)
		}
	}
	for _, subs := range e.pubsub.shard {
		for _, s := range subs {
			tell(s)
		}
	}
	for _, ent := range e.pubsub.patterns {
		for _, s := range ent.subs {
			tell(s)
		}
	}
	e.pubsub = pubsub{}
}

// Publish posts message on channel: every subscriber of the channel gets it,
// and every subscriber of a pattern the channel matches, once per matching
// pattern. It returns the number of deliveries, as Redis's PUBLISH: a
// subscriber of the channel and of two matching patterns counts three
// times. Messages are delivered before Publish returns into each
// subscriber's bounded buffer; a subscriber whose buffer is full is cut off,
// and still counted. Channels are global: the store handle's database does
// not matter.
func (tx *Tx) Publish(channel, message string) (int64, error) {
	return tx.publish(PubSubChannel, channel, message), nil
}

// SPublish posts message on a shard channel (Redis's SPUBLISH): only the
// shard subscribers of the channel (SSubscribe) get it; patterns do not
// apply. It returns the number of receivers.
func (tx *Tx) SPublish(shardChannel, message string) (int64, error) {
	return tx.publish(PubSubShard, shardChannel, message), nil
}

// PubSubChannels returns the channels that have at least one subscriber
// (pattern subscriptions do not count) matching pattern, a glob-style
// pattern as KEYS's; "" or "*" means all. The order is unspecified, as
// Redis's (embedis's is sorted).
func (tx *Tx) PubSubChannels(pattern string) ([]string, error) {
	return activeChannels(tx.e.pubsub.channels, pattern), nil
}

// PubSubShardChannels is PubSubChannels for shard channels (PUBSUB
// SHARDCHANNELS).
func (tx *Tx) PubSubShardChannels(pattern string) ([]string, error) {
	return activeChannels(tx.e.pubsub.shard, pattern), nil
}

func activeChannels(reg map[string][]*Subscriber, pattern string) []string {
	var g *glob.Pattern
	if pattern != "" && pattern != "*" {
		g = glob.Compile(pattern)
	}
	out := []string{}
	for ch := range reg {
		if g == nil || g.Match(ch) {
			out = append(out, ch)
		}
	}
	sort.Strings(out)
	return out
}

// PubSubNumSub returns the number of subscribers of each channel, in the
// order given (pattern subscriptions do not count; a channel without
// subscribers has 0).
func (tx *Tx) PubSubNumSub(channels ...string) ([]int64, error) {
	out := make([]int64, len(channels))
	for i, ch := range channels {
		out[i] = int64(len(tx.e.pubsub.channels[ch]))
	}
	return out, nil
}

// PubSubShardNumSub is PubSubNumSub for shard channels (PUBSUB
// SHARDNUMSUB).
func (tx *Tx) PubSubShardNumSub(shardChannels ...string) ([]int64, error) {
	out := make([]int64, len(shardChannels))
	for i, ch := range shardChannels {
		out[i] = int64(len(tx.e.pubsub.shard[ch]))
	}
	return out, nil
}

// PubSubNumPat returns the number of patterns subscribed to (a pattern
// that two subscribers hold counts once, as in Redis 7.0).
func (tx *Tx) PubSubNumPat() (int64, error) { return int64(len(tx.e.pubsub.patterns)), nil }
