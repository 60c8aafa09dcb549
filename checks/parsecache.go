package checks

import (
	"context"
	"crypto/sha256"
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

// parseCacheKey carries a run's *ParseCache in the model's context, beside
// its parser.
type parseCacheKey struct{}

// cachedParse parses src, a fragment under the hunk header header ("" for
// a whole file), with parse, through the run's cache when ctx carries one.
func cachedParse(ctx context.Context, header string, src []byte, parse func() (*cfront.Unit, error)) (*cfront.Unit, error) {
	c, _ := ctx.Value(parseCacheKey{}).(*ParseCache)
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
