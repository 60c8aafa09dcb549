package droppeduser

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
)

// protoUserMismatch is rule (c): a prototype and a definition of the same
// function that disagree on __user in a parameter, where this patch
// touches one of them.
func (r *review) protoUserMismatch(ctx context.Context, k int, fi *model.File, done map[string]bool) []checks.Finding {
	var out []checks.Finding
	for _, im := range fi.PostImages() {
		for _, f := range im.Unit().Funcs {
			me := model.FuncSite{Fn: f, Im: im, File: im.File, Line: im.FileLine(f.Line)}
			if done[f.Name] || me.Line == 0 || !me.Touched(k) {
				continue
			}
			for _, o := range r.m.Funcs(ctx, f.Name, k) {
				if o.File == me.File && o.Line == me.Line {
					continue
				}
				if o.Fn.Definition == f.Definition {
					continue
				}
				if (f.Static || o.Fn.Static) && o.File != me.File && !strings.HasSuffix(o.File, ".h") && !strings.HasSuffix(me.File, ".h") {
					continue
				}
				i, ok := userDisagreement(f.Type, o.Fn.Type)
				if !ok || !r.m.TreeCurrent(ctx, k, o) {
					continue
				}
				if o.Im == nil && r.m.StaleTree() {
					continue
				}
				done[f.Name] = true
				p, q := f.Type.Params[i], o.Fn.Type.Params[i]
				kind := map[bool]string{true: "definition", false: "prototype"}
				quote := im.Quote(f.Line, max(f.Line, p.Line))
				quote = append(quote, fmt.Sprintf("%s:%d: (%s) %s", o.File, o.Line, kind[o.Fn.Definition], declText(q.Type, q.Name)))
				out = append(out, checks.Finding{
					Check: ID, Severity: checks.SeverityWarning,
					File: me.File, Line: me.Line, Symbol: f.Name,
					Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): the %s of %s() has '%s' but its %s at %s:%d has '%s'",
						i+1, kind[f.Definition], f.Name, p.Type.Text, kind[o.Fn.Definition], o.File, o.Line, q.Type.Text),
					Explanation: fmt.Sprintf("A prototype and the definition of %s() must agree on the address space of every parameter: callers "+
						"compiled against the prototype pass one kind of pointer while the body treats it as the other, and sparse reports "+
						"\"different address spaces\" (or a conflicting redeclaration).", f.Name),
					Quote:      quote,
					Suggestion: fmt.Sprintf("declare parameter %d the same way in both places", i+1),
					MessageID:  r.m.PatchMessageID(k),
					Patch:      r.m.PatchNumber(k),
				})
				break
			}
		}
	}
	return out
}

// userDisagreement finds a parameter whose pointer types match except for
// __user.
func userDisagreement(a, b cfront.FuncType) (int, bool) {
	if len(a.Params) != len(b.Params) {
		return 0, false
	}
	for i := range a.Params {
		p, q := a.Params[i].Type, b.Params[i].Type
		if p.Pointer() == 0 || p.User() == q.User() || isForce(p) || isForce(q) {
			continue
		}
		if p.Plain() == q.Plain() {
			return i, true
		}
	}
	return 0, false
}
