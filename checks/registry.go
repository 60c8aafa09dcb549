package checks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

// Registry is the ordered set of checks of a run, each under a unique
// ID. It is immutable after NewRegistry and safe for concurrent use.
type Registry struct {
	checks []Check
	ids    []string
}

// NewRegistry registers cs in the order given. Every check needs an ID of
// its own: an empty or a repeated ID is an error naming it.
func NewRegistry(cs ...Check) (*Registry, error) {
	r := &Registry{}
	for i, c := range cs {
		id := c.ID()
		switch {
		case id == "":
			return nil, fmt.Errorf("register check %d (%T): %w", i+1, c, errEmptyID)
		case r.Has(id):
			return nil, fmt.Errorf("register check %q: %w", id, errDuplicateID)
		}
		r.checks = append(r.checks, c)
		r.ids = append(r.ids, id)
	}
	return r, nil
}

var (
	errEmptyID     = errors.New("empty check ID")
	errDuplicateID = errors.New("check ID registered twice")
)

// IDs returns the IDs of the registered checks, in registration order.
func (r *Registry) IDs() []string {
	return append([]string(nil), r.ids...)
}

// Has reports whether a check of that ID is registered.
func (r *Registry) Has(id string) bool {
	return slices.Contains(r.ids, id)
}

// Run builds the model of s once and runs on it, in registration order,
// every check for which enabled(id) is true (every check when enabled is
// nil). It returns their findings sorted by file, line and check, without
// duplicates; a check's error is returned as "check ID: ...".
func (r *Registry) Run(ctx context.Context, s *series.Series, env *model.Env, enabled func(id string) bool) ([]Finding, error) {
	m, err := model.New(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	var all []Finding
	for i, c := range r.checks {
		if enabled != nil && !enabled(r.ids[i]) {
			continue
		}
		fs, err := c.Run(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", r.ids[i], err)
		}
		all = append(all, fs...)
	}
	return sortFindings(all), nil
}

// sortFindings orders findings by file, line, check and message and drops
// exact duplicates (same check, place, symbol and message).
func sortFindings(fs []Finding) []Finding {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Message < b.Message
	})
	out := fs[:0]
	seen := map[string]bool{}
	for _, f := range fs {
		key := fmt.Sprintf("%s|%s|%d|%s|%s|%s", f.Check, f.File, f.Line, f.Symbol, f.Message, f.MessageID)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, f)
	}
	return out
}
