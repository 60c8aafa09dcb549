package checks

import (
	"context"
	"fmt"
	"sort"

	"github.com/patchbot/patchbot/series"
)

// modelCheck is a check that can run on a model shared with other checks,
// so that images are built and parsed once per run.
type modelCheck interface {
	Check
	run(m *model) ([]Finding, error)
}

// Checks returns the checks patchbot runs, in a stable order.
func Checks() []Check {
	return []Check{DroppedUser{}, CallbackSignature{}, UnconvertedImplementer{}}
}

// Run runs every check on s and returns their findings sorted by file,
// line and check, without duplicates.
func Run(ctx context.Context, s *series.Series, env *Env) ([]Finding, error) {
	m, err := newModel(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.close()
	var all []Finding
	for _, c := range Checks() {
		mc, ok := c.(modelCheck)
		var fs []Finding
		if ok {
			fs, err = mc.run(m)
		} else {
			fs, err = c.Run(ctx, s, m.env)
		}
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", c.ID(), err)
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
