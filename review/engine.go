package review

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/all"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

// engine is the session's view of the checks: the registry, and how one
// run shares its model environment between its series.
type engine struct {
	reg *checks.Registry
}

// newEngine loads the registry of the shipped checks; a duplicate or
// empty check ID fails here, at start-up.
func newEngine() (*engine, error) {
	reg, err := all.New()
	if err != nil {
		return nil, fmt.Errorf("checks registry: %w", err)
	}
	return &engine{reg: reg}, nil
}

// ids are the registered check IDs, in order.
func (e *engine) ids() []string { return e.reg.IDs() }

// prepared is what one run shares between its series: the model
// environment (rules, tree, parse cache, statistics), and the store that
// keeps the parses of tree files for the next run.
type prepared struct {
	env   *model.Env
	store *model.ParseStore
	log   *slog.Logger
}

// close writes what the run parsed of tree files to the store.
func (p *prepared) close() {
	if p.store == nil {
		return
	}
	if err := p.store.Close(); err != nil {
		p.log.Warn("parses of tree files not kept for the next run", "err", err)
	}
}

func (p *prepared) tree() bool        { return p.env.Tree != nil }
func (p *prepared) summary() []string { return p.env.Stats.Summary() }

// prepare sets up one run over ss: with a tree, it is indexed for what
// the series (and the pinned rules) touch, sharing the run's parses.
func (e *engine) prepare(ctx context.Context, ss []*series.Series, opts Options, note func(string)) (*prepared, error) {
	p := &prepared{log: opts.Log}
	parses := model.NewParseCache()
	if opts.Tree != "" {
		// The tree's files are read again by every run over the same tree:
		// keep their parses (see model.ParseStore).
		if dir, err := model.CacheDir(); err == nil {
			store, err := model.OpenParseStore(filepath.Join(dir, "parses"), opts.Log)
			if err != nil {
				opts.Log.Debug("no parse store; tree files are parsed afresh", "err", err)
			} else {
				p.store = store
				parses = model.NewParseCacheOn(store, model.DefaultParseBudget)
			}
		}
	}
	env := &model.Env{Rules: opts.Rules, Parses: parses, Stats: model.NewStats(), Note: note}
	p.env = env
	if opts.Tree != "" {
		x, err := model.OpenTree(ctx, opts.Tree, ss, model.TreeOptions{
			Rules: opts.Rules, Parses: env.Parses, Log: opts.Log, Progress: opts.TreeProgress,
		})
		if err != nil {
			p.close()
			return nil, err
		}
		env.Tree = x
		env.TreeFiles = model.NewTreeFiles(model.DefaultTreeFilesBudget)
	}
	return p, nil
}

// review runs the enabled checks on one series.
func (e *engine) review(ctx context.Context, p *prepared, s *series.Series, policy Policy) Result {
	fs, err := e.reg.Run(ctx, s, p.env, policy.Enabled)
	if err != nil {
		err = fmt.Errorf("series %q v%d <%s>: %w", s.Title, s.Version, s.ID, err)
	}
	return Result{Series: s, Findings: fs, Err: err}
}

// Registered returns the IDs of the checks patchbot has, in order: what
// [checks] enable and Policy.Enable accept. It is nil when the registry
// itself is broken, which NewSession reports.
func Registered() []string {
	e, err := newEngine()
	if err != nil {
		return nil
	}
	return e.ids()
}
