package review

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// engine is the session's view of the checks: which are registered and
// how one series is reviewed with the run's shared state.
type engine struct{}

func newEngine() (*engine, error) { return &engine{}, nil }

// ids are the registered check IDs, in order.
func (e *engine) ids() []string {
	var out []string
	for _, c := range checks.Checks() {
		out = append(out, c.ID())
	}
	return out
}

// prepared is what one run shares between its series: the environment
// (rules, tree, parse cache, statistics).
type prepared struct {
	env *checks.Env
}

func (p *prepared) tree() bool        { return p.env.Tree != nil }
func (p *prepared) summary() []string { return p.env.Stats.Summary() }

// prepare opens the tree for ss and sets up the run.
func (e *engine) prepare(ctx context.Context, ss []*series.Series, opts Options, note func(string)) (*prepared, error) {
	env := &checks.Env{Rules: opts.Rules, Parses: checks.NewParseCache(), Stats: checks.NewStats(), Note: note}
	if opts.Tree != "" {
		x, err := openTree(ctx, opts.Tree, ss, opts.Rules, opts.Log, opts.TreeProgress)
		if err != nil {
			return nil, err
		}
		env.Tree = x
	}
	return &prepared{env: env}, nil
}

// review runs the enabled checks on one series.
func (e *engine) review(ctx context.Context, p *prepared, s *series.Series, policy Policy) Result {
	fs, err := checks.Run(ctx, s, p.env)
	if err != nil {
		err = fmt.Errorf("series %q v%d <%s>: %w", s.Title, s.Version, s.ID, err)
	}
	return Result{Series: s, Findings: fs, Err: err}
}

func openTree(ctx context.Context, dir string, ss []*series.Series, pinned []checks.Rule, log *slog.Logger, progress func(done, total int)) (*checks.TreeIndex, error) {
	rules := slices.Clone(pinned)
	for _, s := range ss {
		inferred, err := checks.InferRules(ctx, s)
		if err != nil {
			return nil, err
		}
		rules = append(rules, inferred...)
	}
	needles := checks.TreeNeedles(ss, rules)
	if len(needles) == 0 {
		needles = []string{"struct "}
	}
	opt := checks.IndexOptions{Needles: needles, Log: log, Progress: progress}
	x, err := checks.BuildIndex(ctx, dir, opt)
	if err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	var more []string
	for _, r := range rules {
		for _, b := range x.Bindings(r.Struct, r.Member) {
			if !slices.Contains(needles, b.Func) && !slices.Contains(more, b.Func) {
				more = append(more, b.Func)
			}
		}
	}
	if len(more) == 0 {
		return x, nil
	}
	opt.Needles = append(needles, more...)
	if x, err = checks.BuildIndex(ctx, dir, opt); err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	return x, nil
}

// Registered returns the IDs of the checks patchbot has, in order: what
// [checks] enable and Policy.Enable accept.
func Registered() []string {
	e, err := newEngine()
	if err != nil {
		return nil
	}
	return e.ids()
}
