// Package unconverted is the unconverted-implementer check: the functions
// bound to a callback member that a conversion rule retypes and that the
// series leaves on another type.
package unconverted

import (
	"context"
	"fmt"
	"slices"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// ID is the ID of the unconverted-implementer check.
const ID = "unconverted-implementer"

// Check is the series-level check: for every conversion rule (inferred
// from the series, or pinned in the config) it reports the implementers
// bound to the converted member whose definition, after the whole series,
// does not have the new type (model.Model.Unconverted).
type Check struct{}

// ID returns "unconverted-implementer".
func (Check) ID() string { return ID }

// Run reviews m's series as a whole.
func (Check) Run(ctx context.Context, m *model.Model) ([]checks.Finding, error) {
	rules := m.Rules(ctx)
	if len(rules) == 0 {
		return nil, nil
	}
	if !m.Series().Complete {
		// The patches that did not arrive may convert the implementers
		// this one leaves alone: judging the series by part of it would
		// report them all.
		m.Note("unconverted-implementer: incomplete series are not searched for unconverted implementers; it runs once every patch has arrived")
		return nil, nil
	}
	if m.Tree() == nil {
		m.Note("unconverted-implementer: only the series itself was searched for implementers; the tree-wide part needs --tree DIR")
	}
	inferred := map[string]bool{}
	for _, r := range m.InferredRules(ctx) {
		inferred[r.Struct+"."+r.Member] = true
	}
	var out []checks.Finding
	for _, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("unconverted-implementer on %q: %w", m.Series().Title, err)
		}
		// Say where the conversion comes from: the diff, or a rule pinned
		// in the config for a callback the series does not retype itself.
		changes, converts := "the series changes the member to", "This series converts"
		if !inferred[r.Struct+"."+r.Member] {
			changes, converts = "the pinned conversion rule changes the member to", "The pinned conversion rule ([[checks.rule]]) converts"
		}
		for _, im := range m.Unconverted(ctx, r) {
			state := "a type that matches neither the old nor the new member type"
			if im.Type == r.Old {
				state = "the old type"
			}
			bind := fmt.Sprintf("%s.%s = %s", im.Var, r.Member, im.Func)
			f := checks.Finding{
				Check: ID, Severity: checks.SeverityError,
				File: im.File, Line: im.Line, Symbol: im.Func,
				Message: fmt.Sprintf("%s() implements struct %s.%s (bound at %s:%d) but still has %s '%s'; %s '%s'",
					im.Func, r.Struct, r.Member, im.BindFile, im.BindLine, state, im.Type, changes, r.New),
				Explanation: fmt.Sprintf("%s the callback struct %s.%s from '%s' to '%s'. Every function bound to that member "+
					"must be converted with it: %s() is bound in the initializer of %s (%s:%d) and keeps '%s', so the initializer no longer "+
					"compiles (gcc 12: -Werror=incompatible-pointer-types), or, cast away, the callback is called with arguments it does not expect.",
					converts, r.Struct, r.Member, r.Old, r.New, im.Func, im.Var, im.BindFile, im.BindLine, im.Type),
				Quote:      append(slices.Clone(im.Quote()), fmt.Sprintf("%s:%d: .%s", im.BindFile, im.BindLine, bind)),
				Suggestion: fmt.Sprintf("convert %s() to '%s' like the other implementers in this series", im.Func, r.New),
				MessageID:  m.SeriesMessageID(),
			}
			out = append(out, f)
		}
	}
	return out, nil
}
