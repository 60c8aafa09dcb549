// Package bot runs patchbot's pipeline: mail in, series assembled, checks
// run, findings reported and replies sent, with the state that keeps the
// list bot from replying twice.
package bot

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/all"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/series"
)

// Review runs every check on each series and returns one result per
// series reviewed, in the order given. A check that fails on one series is
// reported as an error naming the series; the other series are still
// reviewed. See ReviewProgress.
func Review(ctx context.Context, ss []*series.Series, env *model.Env) ([]report.SeriesResult, []error) {
	return ReviewProgress(ctx, ss, env, nil)
}

// ReviewProgress is Review with a progress callback, called after each
// series with how many are done. Series are reviewed on every CPU: a
// mailbox holds hundreds of independent series, and the checks are pure
// functions of one series and the read-only tree, so env.Note must be safe
// for concurrent use. When ctx ends, the series not reviewed yet are left
// out of the results and ctx's error is returned among the errors.
func ReviewProgress(ctx context.Context, ss []*series.Series, env *model.Env, progress func(done, total int)) ([]report.SeriesResult, []error) {
	reg, err := all.New()
	if err != nil {
		return nil, []error{err}
	}
	results := make([]report.SeriesResult, len(ss))
	errs := make([]error, len(ss))
	reviewed := make([]bool, len(ss))
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
				results[i], errs[i], reviewed[i] = reviewOne(ctx, reg, ss[i], env)
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
	out := results[:0]
	var all []error
	for i := range results {
		if errs[i] != nil {
			all = append(all, errs[i])
		}
		if reviewed[i] {
			out = append(out, results[i])
		}
	}
	if err := ctx.Err(); err != nil {
		all = append(all, err)
	}
	return out, all
}

// reviewOne runs the checks on one series. A check that panics (a bug, on
// input nobody foresaw) must not take the list bot or the other series down:
// the panic comes back as a *PanicError and the series as not reviewed.
func reviewOne(ctx context.Context, reg *checks.Registry, s *series.Series, env *model.Env) (r report.SeriesResult, err error, reviewed bool) {
	defer func() {
		if v := recover(); v != nil {
			r, err, reviewed = report.SeriesResult{}, &PanicError{Series: s, Value: v, Stack: string(debug.Stack())}, false
		}
	}()
	fs, err := reg.Run(ctx, s, env, nil)
	if err != nil {
		err = fmt.Errorf("series %q v%d <%s>: %w", s.Title, s.Version, s.ID, err)
	}
	return report.SeriesResult{Series: s, Findings: fs}, err, true
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

// OnceNotes wraps fn so that each distinct notice reaches it once per run,
// however many series (and goroutines) report it.
func OnceNotes(fn func(msg string)) func(msg string) {
	var mu sync.Mutex
	seen := map[string]bool{}
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		if seen[msg] {
			return
		}
		seen[msg] = true
		fn(msg)
	}
}
