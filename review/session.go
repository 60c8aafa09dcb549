package review

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

// Rule is a callback conversion rule, as the checks' model holds it.
type Rule = model.Rule

// Options configure a Session. The zero value reviews every check on the
// diffs alone.
type Options struct {
	// Policy says which checks run and which severity fails.
	Policy Policy
	// Rules are conversion rules pinned in the config, besides those each
	// series implies.
	Rules []Rule
	// Tree is a kernel checkout for the tree-wide parts of the checks (""
	// for none). It is indexed once per Review, for what its series touch.
	Tree string
	// TreeBestEffort reviews without the tree when it cannot be indexed
	// (the list bot, which must go on); otherwise Review fails.
	TreeBestEffort bool
	// Note receives each distinct once-per-run notice of the checks
	// ("tree-wide part needs --tree DIR"); nil discards them.
	Note func(msg string)
	// Summary receives the run's summary lines (what was read from the
	// diff alone or not reviewed); Note when nil.
	Summary func(line string)
	// Log receives diagnostics of the tree index (nil discards).
	Log *slog.Logger
	// Progress and TreeProgress, when set, follow the review and the
	// indexing of the tree with how many are done out of how many.
	Progress, TreeProgress func(done, total int)
}

// Session is the review engine one door holds: its checks, policy, rules
// and tree. It is safe for concurrent use; each Review is one run.
type Session struct {
	opts   Options
	engine *engine
}

// NewSession checks the options against the registered checks (an
// unknown ID in Policy.Enable is an error naming it) and returns the
// session.
func NewSession(opts Options) (*Session, error) {
	eng, err := newEngine()
	if err != nil {
		return nil, err
	}
	if err := opts.Policy.validate(eng.ids()); err != nil {
		return nil, fmt.Errorf("checks policy: %w", err)
	}
	if opts.Policy.FailOn == "" {
		opts.Policy.FailOn = FailError
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Session{opts: opts, engine: eng}, nil
}

// Policy is the session's policy, with its defaults filled in.
func (s *Session) Policy() Policy { return s.opts.Policy }

// Checks returns the IDs of the checks that run, in registration order.
func (s *Session) Checks() []string {
	var out []string
	for _, id := range s.engine.ids() {
		if s.opts.Policy.Enabled(id) {
			out = append(out, id)
		}
	}
	return out
}

// Restricted returns the checks that run when the policy leaves some of
// the registered ones out, and nil when every check runs.
func (s *Session) Restricted() []string {
	ran := s.Checks()
	if len(ran) == len(s.engine.ids()) {
		return nil
	}
	return ran
}

// Run is what one Review made of its mail.
type Run struct {
	// Assembly is what series assembly made of the mail (set by
	// ReviewAssembly): the series and the mails skipped, with why.
	Assembly *series.Result
	// Results has one result per series reviewed, in the order given;
	// series not started when the context ended are left out.
	Results []Result
	// Tree reports whether the kernel tree was used; TreeHead is its git
	// HEAD revision ("" when it is not a git checkout).
	Tree     bool
	TreeHead string
	// Err is the context's error when the run was cut short.
	Err error
	// Stats are the run's figures (for patchbot's --stats line).
	Stats RunStats
}

// RunStats are what a run did: how many series it reviewed, and how the
// C front end's parses were answered.
type RunStats struct {
	Series int
	Parses model.ParseCounts
}

// Reviewed returns the results that say something about their series:
// those of the series no check panicked on.
func (r *Run) Reviewed() []Result {
	out := make([]Result, 0, len(r.Results))
	for _, res := range r.Results {
		if !res.Panicked() {
			out = append(out, res)
		}
	}
	return out
}

// Errs lists what went wrong, series by series, then the context's error.
func (r *Run) Errs() []error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil {
			errs = append(errs, res.Err)
		}
	}
	if r.Err != nil {
		errs = append(errs, r.Err)
	}
	return errs
}

// Fails reports whether any result fails the policy.
func (r *Run) Fails() bool {
	for _, res := range r.Results {
		if res.Verdict == VerdictFail {
			return true
		}
	}
	return false
}

// ReviewAssembly reviews the series of asm (see Review) and keeps asm in
// the run.
func (s *Session) ReviewAssembly(ctx context.Context, asm *series.Result) (*Run, error) {
	run, err := s.Review(ctx, asm.Series)
	if run != nil {
		run.Assembly = asm
	}
	return run, err
}

// Review reviews ss in one run: the rules and the tree are prepared once,
// the series are reviewed on every CPU, and each result carries the
// enabled checks' findings and the policy's verdict. A check that fails
// or panics on one series is that series' Err; the others are reviewed.
// The error is for a tree that cannot be indexed (unless TreeBestEffort):
// nothing is reviewed then.
func (s *Session) Review(ctx context.Context, ss []*series.Series) (*Run, error) {
	note := s.onceNotes()
	r, err := s.engine.prepare(ctx, ss, s.opts, note)
	if err != nil {
		if !s.opts.TreeBestEffort {
			return nil, err
		}
		s.opts.Log.Error("kernel tree unusable; reviewing without it", "tree", s.opts.Tree, "err", err)
		opts := s.opts
		opts.Tree = ""
		if r, err = s.engine.prepare(ctx, ss, opts, note); err != nil {
			return nil, err
		}
	}
	defer r.close()
	results, reviewed := parallel(ctx, ss, s.opts.Progress, func(sr *series.Series) Result {
		// A series assembled with a spill is read back for its review
		// only, so that memory holds the series under review, not all.
		res := Result{Series: sr}
		if res.Err = sr.Load(); res.Err == nil {
			defer sr.Release()
			res = s.engine.review(ctx, r, sr, s.opts.Policy)
		}
		res.Verdict = s.opts.Policy.Verdict(res.Findings)
		return res
	})
	run := &Run{Tree: r.tree(), Err: ctx.Err(), Stats: RunStats{Parses: r.env.Parses.Counts()}}
	if run.Tree {
		run.TreeHead = model.TreeHead(r.env)
	}
	for i, res := range results {
		if reviewed[i] {
			run.Results = append(run.Results, res)
		}
	}
	run.Stats.Series = len(run.Results)
	summary := s.opts.Summary
	if summary == nil {
		summary = note
	}
	for _, line := range r.summary() {
		summary(line)
	}
	return run, nil
}

// onceNotes returns the run's notice sink: each distinct notice reaches
// Options.Note once, however many series (and goroutines) report it.
func (s *Session) onceNotes() func(string) {
	if s.opts.Note == nil {
		return func(string) {}
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[msg] {
			seen[msg] = true
			s.opts.Note(msg)
		}
	}
}
