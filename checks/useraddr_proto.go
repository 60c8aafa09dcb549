package checks

import (
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// protoUserMismatch is rule (c): a prototype and a definition of the same
// function that disagree on __user in a parameter, where this patch
// touches one of them.
func (m *model) protoUserMismatch(k int, fi *fileImages, done map[string]bool) []Finding {
	var out []Finding
	for _, im := range fi.postImages() {
		for _, f := range im.unit.Funcs {
			me := funcSite{fn: f, im: im, file: im.File, line: im.FileLine(f.Line)}
			if done[f.Name] || me.line == 0 || !me.touched(k) {
				continue
			}
			for _, o := range m.funcs(f.Name, k) {
				if o.file == me.file && o.line == me.line {
					continue
				}
				if o.fn.Definition == f.Definition {
					continue
				}
				if (f.Static || o.fn.Static) && o.file != me.file && !strings.HasSuffix(o.file, ".h") && !strings.HasSuffix(me.file, ".h") {
					continue
				}
				if !m.treeCurrent(k, o) {
					continue
				}
				i, ok := userDisagreement(f.Type, o.fn.Type)
				if !ok || o.im == nil && m.staleTree() {
					continue
				}
				done[f.Name] = true
				p, q := f.Type.Params[i], o.fn.Type.Params[i]
				kind := map[bool]string{true: "definition", false: "prototype"}
				quote := im.quote(f.Line, max(f.Line, p.Line))
				quote = append(quote, fmt.Sprintf("%s:%d: (%s) %s", o.file, o.line, kind[o.fn.Definition], declText(q.Type, q.Name)))
				out = append(out, Finding{
					Check: DroppedUserID, Severity: SeverityWarning,
					File: me.file, Line: me.line, Symbol: f.Name,
					Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): the %s of %s() has '%s' but its %s at %s:%d has '%s'",
						i+1, kind[f.Definition], f.Name, p.Type.Text, kind[o.fn.Definition], o.file, o.line, q.Type.Text),
					Explanation: fmt.Sprintf("A prototype and the definition of %s() must agree on the address space of every parameter: callers "+
						"compiled against the prototype pass one kind of pointer while the body treats it as the other, and sparse reports "+
						"\"different address spaces\" (or a conflicting redeclaration).", f.Name),
					Quote:      quote,
					Suggestion: fmt.Sprintf("declare parameter %d the same way in both places", i+1),
					MessageID:  m.patchMessageID(k),
					Patch:      m.patchNumber(k),
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
