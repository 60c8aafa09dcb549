// Package callbacksig is the callback-signature check: a function bound to
// a callback member, or a prototype and definition of one function, whose
// types the series makes disagree.
package callbacksig

import (
	"context"
	"fmt"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// ID is the ID of the callback-signature check.
const ID = "callback-signature"

// Check checks that every function a patch binds to a callback member in
// a struct initializer (or a bound function whose signature the patch
// changes) has a definition and prototypes whose type is the member's, and
// that prototypes and definitions the patch changes agree. Implementers of
// a member under a conversion rule that the series leaves alone are left
// to unconverted-implementer; those it retypes wrongly are reported here.
type Check struct{}

// ID returns "callback-signature".
func (Check) ID() string { return ID }

// review is one run of the check on a model.
type review struct{ m *model.Model }

// Run reviews every patch of m's series.
func (Check) Run(ctx context.Context, m *model.Model) ([]checks.Finding, error) {
	r := &review{m: m}
	// touchedBindings reads every post-image: parse them together.
	m.ParseAll(ctx, m.PostImages())
	skip := m.UnconvertedFuncs(ctx)
	var out []checks.Finding
	for k := range m.NumPatches() {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("callback-signature on %q: %w", m.Series().Title, err)
		}
		reported := map[string]bool{}
		for _, b := range r.touchedBindings(ctx, k) {
			if skip[b.Func] || reported[b.Func+"|"+b.Struct+"."+b.Member] {
				continue
			}
			if _, ruled := r.ruleFor(ctx, b.Struct, b.Member); ruled && !m.TypeChanged(ctx, k, b.Func) {
				continue
			}
			if f, ok := r.checkBinding(ctx, k, b); ok {
				reported[b.Func+"|"+b.Struct+"."+b.Member] = true
				out = append(out, f)
			}
		}
		conflictDone := map[string]bool{}
		for _, fi := range m.Files(k) {
			if !model.IsCSource(fi.Name()) {
				continue
			}
			out = append(out, r.protoDefConflicts(ctx, k, fi, skip, conflictDone)...)
		}
	}
	return out, nil
}

// ruleFor returns the rule in force covering struct.member, if any.
func (r *review) ruleFor(ctx context.Context, structName, member string) (model.Rule, bool) {
	for _, rule := range r.m.Rules(ctx) {
		if rule.Struct == structName && rule.Member == member {
			return rule, true
		}
	}
	return model.Rule{}, false
}
