package model

import (
	"context"
	"runtime"
	"sync"

	"github.com/patchbot/patchbot/checks/cfront"
)

// ParseAll parses every image of ims that is not parsed yet, as Parse
// does each, on up to GOMAXPROCS goroutines with a parser each: for a
// check that goes on to read all of them. A parse is a pure function of
// the image's text, and the parse cache answers two images of one text
// as it would one after the other, so the units, and the cache's counts,
// are those of parsing them in turn. It returns when all are parsed or
// ctx is done (the rest are then left to Parse).
func (m *Model) ParseAll(ctx context.Context, ims []*Image) {
	var todo []*Image
	for _, im := range ims {
		if im.unit == nil {
			todo = append(todo, im)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if workers <= 1 {
		for _, im := range todo {
			if ctx.Err() != nil {
				return
			}
			m.Parse(ctx, im)
		}
		return
	}
	next := make(chan *Image)
	var wg sync.WaitGroup
	for w := range workers {
		p := m.parser
		if w > 0 {
			p = cfront.NewParser()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w > 0 {
				defer p.Close()
			}
			for im := range next {
				m.parseWith(ctx, p, im)
			}
		}()
	}
	seen := map[*Image]bool{}
feed:
	for _, im := range todo {
		if seen[im] {
			continue
		}
		seen[im] = true
		select {
		case next <- im:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}
