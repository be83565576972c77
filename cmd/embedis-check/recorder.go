package main

import "io"

// recorder passes the bytes of the RDB data through to the rdb.Reader and
// keeps the first bytes of the entry being read, so that when the Reader
// fails inside a key's value the key's name and type can still be named
// (the Reader does not return what it read before the failure).
//
// The Reader reads ahead of the entry it decodes, so the start of the next
// entry has usually been read before the current one is returned: the last
// bytes read are kept too (tail), and mark copies the new entry's start from
// them.
type recorder struct {
	r   io.Reader
	off int64 // offset of the next byte to come from r

	headAt int64  // offset of head[0]: the start of the entry being read
	head   []byte // bytes from headAt, at most maxHead
	lost   bool   // the bytes at headAt were not kept
	tail   []byte // the last bytes read (ending at off), at most 2*maxTail
}

const (
	maxHead = 1 << 20 // a key name longer than about this is not named
	maxTail = 1 << 20 // more than the Reader's read-ahead (64 KiB)
)

func (c *recorder) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	b := p[:n]
	if !c.lost && c.headAt+int64(len(c.head)) == c.off && len(c.head) < maxHead {
		c.head = append(c.head, b[:min(len(b), maxHead-len(c.head))]...)
	}
	c.tail = append(c.tail, b...)
	if len(c.tail) > 2*maxTail {
		c.tail = c.tail[:copy(c.tail, c.tail[len(c.tail)-maxTail:])]
	}
	c.off += int64(n)
	return n, err
}

// mark starts keeping bytes from offset at (at most the offset of the next
// byte to be read).
func (c *recorder) mark(at int64) {
	tailAt := c.off - int64(len(c.tail))
	switch {
	case at >= c.headAt && at <= c.headAt+int64(len(c.head)) && !c.lost && c.headAt+int64(len(c.head)) == c.off:
		c.head = c.head[:copy(c.head, c.head[at-c.headAt:])]
	case at >= tailAt && at <= c.off:
		c.head = append(c.head[:0], c.tail[at-tailAt:]...)
	default:
		c.head, c.lost = c.head[:0], true
		c.headAt = at
		return
	}
	if len(c.head) > maxHead {
		c.head = c.head[:maxHead]
	}
	c.headAt, c.lost = at, false
}

// entryBytes returns the kept bytes of the entry that starts at at, or nil.
func (c *recorder) entryBytes(at int64) []byte {
	if c.lost || at != c.headAt {
		return nil
	}
	return c.head
}
