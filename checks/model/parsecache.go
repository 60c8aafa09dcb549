package model

import (
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/patchbot/patchbot/checks/cfront"
)

// DefaultParseBudget is how many bytes of parsed C source a ParseCache
// keeps the parses of in memory: a bound, whatever the size of the
// mailbox. 64 MiB of source is every file a busy day of netdev touches,
// and about 200 MiB of parses.
const DefaultParseBudget = 64 << 20

// ParseCache shares the C front end's results between the series of a
// run: the versions of a series repeat most of their hunks, series touch
// the same files, and a parse is a pure function of the text. It keeps
// the parses of at most Budget bytes of source, dropping the least
// recently used, and, when opened on a Store, keeps the parses of whole
// tree files' chunks across runs. It is safe for concurrent use; the
// Units it holds are read-only.
type ParseCache struct {
	mu     sync.Mutex
	budget int
	bytes  int
	order  *list.List // of *parseEntry, most recently used first
	byKey  map[parseKey]*list.Element
	// busy holds the keys being parsed (or read from the store) now, each
	// closed when done: a second goroutine asking for one waits and asks
	// again, so that it is answered as it would be after the first.
	busy   map[parseKey]chan struct{}
	store  *ParseStore
	counts ParseCounts
	// parsing bounds the tokens being parsed at once, by all the
	// goroutines of the run: what a parse costs grows with its tokens,
	// whatever the number of workers.
	parsing *tokenBudget
}

// ParseTokensInFlight is how many tokens (cfront.Tokens) a run parses at
// once at the most: two parses of cfront.MaxTokens, about 200 MB, however
// many series are reviewed in parallel and however hostile their hunks.
const ParseTokensInFlight = 2 * cfront.MaxTokens

// tokenBudget is a counting semaphore of tokens.
type tokenBudget struct {
	mu   sync.Mutex
	cond *sync.Cond
	size int
	used int
}

func newTokenBudget(size int) *tokenBudget {
	b := &tokenBudget{size: size}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n tokens (at most the whole budget) are free and
// takes them; it returns what it took, for release.
func (b *tokenBudget) acquire(n int) int {
	n = min(max(n, 1), b.size)
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used+n > b.size {
		b.cond.Wait()
	}
	b.used += n
	return n
}

func (b *tokenBudget) release(n int) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// ParseCounts say how a ParseCache answered: from memory, from its store,
// or by parsing (and how many bytes of C source that parsed).
type ParseCounts struct {
	Hits, StoreHits, Parsed int
	ParsedBytes             int64
}

type parseKey = [sha256.Size]byte

type parseEntry struct {
	key  parseKey
	size int
	unit *cfront.Unit
}

// NewParseCache returns an empty in-memory cache of DefaultParseBudget.
func NewParseCache() *ParseCache {
	return NewParseCacheOn(nil, DefaultParseBudget)
}

// NewParseCacheOn returns an empty cache keeping budget bytes of source's
// parses in memory, backed by store when it is not nil.
func NewParseCacheOn(store *ParseStore, budget int) *ParseCache {
	return &ParseCache{budget: budget, order: list.New(), byKey: map[parseKey]*list.Element{},
		busy: map[parseKey]chan struct{}{}, store: store, parsing: newTokenBudget(ParseTokensInFlight)}
}

// claim returns the cached parse of key, or, when there is none, claims
// the key for the caller to parse (release ends the claim). While another
// goroutine holds the claim, it waits.
func (c *ParseCache) claim(key parseKey) (*cfront.Unit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if e, ok := c.byKey[key]; ok {
			c.order.MoveToFront(e)
			c.counts.Hits++
			return e.Value.(*parseEntry).unit, true
		}
		wait, busy := c.busy[key]
		if !busy {
			c.busy[key] = make(chan struct{})
			return nil, false
		}
		c.mu.Unlock()
		<-wait
		c.mu.Lock()
	}
}

// release ends the claim of key.
func (c *ParseCache) release(key parseKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.busy[key])
	delete(c.busy, key)
}

func (c *ParseCache) put(key parseKey, size int, u *cfront.Unit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&parseEntry{key: key, size: size, unit: u})
	c.bytes += size
	for c.bytes > c.budget && c.order.Len() > 1 {
		old := c.order.Remove(c.order.Back()).(*parseEntry)
		delete(c.byKey, old.key)
		c.bytes -= old.size
	}
}

// parse parses src, a fragment under the hunk header header ("" for a
// whole file or a chunk of one), with parse, through the cache when there
// is one (c may be nil). persist keeps the parse in the cache's store as
// well: for the chunks of tree files, which the next run reads again.
func (c *ParseCache) parse(ctx context.Context, header string, src []byte, persist bool, parse func() (*cfront.Unit, error)) (*cfront.Unit, error) {
	if c == nil {
		return parse()
	}
	h := sha256.New()
	h.Write([]byte(header))
	h.Write([]byte{0})
	h.Write(src)
	var key parseKey
	h.Sum(key[:0])
	if u, ok := c.claim(key); ok {
		return u, nil
	}
	defer c.release(key)
	if persist && c.store != nil {
		if u, ok := c.store.get(ctx, key); ok {
			c.put(key, len(src), u)
			c.count(func(n *ParseCounts) { n.StoreHits++ })
			return u, nil
		}
	}
	c.count(func(n *ParseCounts) { n.Parsed++; n.ParsedBytes += int64(len(src)) })
	took := c.parsing.acquire(cfront.Tokens(src))
	u, err := parse()
	c.parsing.release(took)
	if err == nil && u != nil {
		c.put(key, len(src), u)
		if persist && c.store != nil {
			c.store.add(key, u)
		}
	}
	return u, err
}

// Len is how many parses the cache holds in memory.
func (c *ParseCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Counts says how the cache answered so far.
func (c *ParseCache) Counts() ParseCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts
}

func (c *ParseCache) count(f func(*ParseCounts)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.counts)
}

// Parse parses an image once, through the run's parse cache; a front-end
// failure leaves an empty unit (logged), since one unparsable fragment
// must not stop the review.
func (m *Model) Parse(ctx context.Context, im *Image) *cfront.Unit {
	if im.unit == nil {
		m.parseWith(ctx, m.parser, im)
	}
	return im.unit
}

// parseWith parses im with p and sets its unit.
func (m *Model) parseWith(ctx context.Context, p *cfront.Parser, im *Image) {
	var u *cfront.Unit
	var err error
	if im.whole {
		u, err = m.parseWhole(ctx, p, im)
	} else {
		u, err = m.parses.parse(ctx, im.header, im.src, false, func() (*cfront.Unit, error) {
			return p.ParseFragment(ctx, im.src, im.header)
		})
	}
	if errors.Is(err, cfront.ErrTooComplex) || errors.Is(err, cfront.ErrTooLarge) {
		// Bounded work per hunk and file: silence on what could not be
		// read, said once.
		m.Note(fmt.Sprintf("%s: part of it was not reviewed: %v", im.File, err))
	}
	if err != nil || u == nil {
		slog.DebugContext(ctx, "C front end could not parse image", "file", im.File, "err", err)
		u = &cfront.Unit{}
	}
	im.unit = u
}
