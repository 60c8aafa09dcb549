package review

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/patchbot/patchbot/series"
)

// parallel runs one review per series on every CPU: a mailbox holds
// hundreds of independent series, and the checks are pure functions of
// one series and the read-only tree. results are in input order;
// reviewed[i] is false for the series not started when ctx ended. A
// review that panics (a bug, on input nobody foresaw) becomes that
// series' *PanicError and takes neither the process nor the other series
// down.
func parallel(ctx context.Context, ss []*series.Series, progress func(done, total int), one func(*series.Series) Result) (results []Result, reviewed []bool) {
	results = make([]Result, len(ss))
	reviewed = make([]bool, len(ss))
	next := make(chan int)
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), max(len(ss), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], reviewed[i] = guarded(ss[i], one), true
				if progress != nil {
					mu.Lock()
					done++
					progress(done, len(ss))
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range ss {
		// select picks at random among ready cases: look at ctx first so
		// that no new series starts once it has ended.
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return results, reviewed
}

// guarded is one review behind the panic barrier.
func guarded(s *series.Series, one func(*series.Series) Result) (r Result) {
	defer func() {
		if v := recover(); v != nil {
			r = Result{Series: s, Err: &PanicError{Series: s, Value: v, Stack: string(debug.Stack())}}
		}
	}()
	return one(s)
}

// PanicError reports a check that panicked on a series.
type PanicError struct {
	Series *series.Series
	// Value is what the check panicked with, Stack where.
	Value any
	Stack string
}

// Error names the series and the panic value (the stack is in Stack).
func (e *PanicError) Error() string {
	if e.Series == nil {
		return fmt.Sprintf("checks panicked: %v", e.Value)
	}
	return fmt.Sprintf("series %q v%d <%s>: checks panicked: %v", e.Series.Title, e.Series.Version, e.Series.ID, e.Value)
}
