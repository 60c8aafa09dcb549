package tree

import (
	"context"
	"sync"
)

// forEach calls fn(i) for i in [0, n) on workers goroutines and returns
// the first error; once ctx ends no new call starts and ctx's error is
// returned.
func forEach(ctx context.Context, n, workers int, fn func(i int) error) error {
	var wg sync.WaitGroup
	next := make(chan int)
	var firstErr error
	var errOnce sync.Once
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return firstErr
}
