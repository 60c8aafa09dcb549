package tree

import (
	"context"
	"sync"
	"sync/atomic"
)

// forEach calls fn(i) for i in [0, n) on workers goroutines and returns
// the first error; once ctx ends no new call starts and ctx's error is
// returned. The workers take the next i from a shared counter, not from a
// channel: a stat check hands out thousands of directories, each a
// goroutine switch through a channel.
func forEach(ctx context.Context, n, workers int, fn func(i int) error) error {
	var wg sync.WaitGroup
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	done := ctx.Done()
	for range min(max(workers, 1), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return firstErr
}
