package model

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"sync"

	"github.com/patchbot/patchbot/checks/cfront"
)

// ParseCache shares the C front end's results between the series of one
// run: the versions of a series repeat most of their hunks, and a parse is
// a pure function of the text. It is safe for concurrent use; the Units it
// holds are read-only. Give each run (a `patchbot check`, a triage, one
// pass of the bot) its own, so that it never outgrows what the run read.
type ParseCache struct {
	mu    sync.Mutex
	units map[[sha256.Size]byte]*cfront.Unit
}

// NewParseCache returns an empty cache.
func NewParseCache() *ParseCache {
	return &ParseCache{units: map[[sha256.Size]byte]*cfront.Unit{}}
}

func (c *ParseCache) get(key [sha256.Size]byte) (*cfront.Unit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.units[key]
	return u, ok
}

func (c *ParseCache) put(key [sha256.Size]byte, u *cfront.Unit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.units[key] = u
}

// parse parses src, a fragment under the hunk header header ("" for a
// whole file), with parse, through the cache when there is one (c may be
// nil).
func (c *ParseCache) parse(header string, src []byte, parse func() (*cfront.Unit, error)) (*cfront.Unit, error) {
	if c == nil {
		return parse()
	}
	h := sha256.New()
	h.Write([]byte(header))
	h.Write([]byte{0})
	h.Write(src)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	if u, ok := c.get(key); ok {
		return u, nil
	}
	u, err := parse()
	if err == nil && u != nil {
		c.put(key, u)
	}
	return u, err
}

// Len is how many parses the cache holds.
func (c *ParseCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.units)
}

// Parse parses an image once, through the run's parse cache; a front-end
// failure leaves an empty unit (logged), since one unparsable fragment
// must not stop the review.
func (m *Model) Parse(ctx context.Context, im *Image) *cfront.Unit {
	if im.unit != nil {
		return im.unit
	}
	u, err := m.parses.parse(im.header, im.src, func() (*cfront.Unit, error) {
		return m.parser.ParseFragment(ctx, im.src, im.header)
	})
	if err != nil || u == nil {
		slog.DebugContext(ctx, "C front end could not parse image", "file", im.File, "err", err)
		u = &cfront.Unit{}
	}
	im.unit = u
	return u
}
