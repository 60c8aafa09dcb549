package callbacksig

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// protoDefConflicts reports a prototype and a definition of the same
// function that do not have the same type, where patch k changes one.
func (r *review) protoDefConflicts(ctx context.Context, k int, fi *model.File, skip, done map[string]bool) []checks.Finding {
	var out []checks.Finding
	for _, im := range fi.PostImages() {
		for _, f := range im.Unit().Funcs {
			me := model.FuncSite{Fn: f, Im: im, File: im.File, Line: im.FileLine(f.Line)}
			if done[f.Name] || skip[f.Name] || me.Line == 0 || !me.Touched(k) {
				continue
			}
			// Whether the patch retypes f matters only for a site whose type
			// conflicts with f's: asked then (it parses pre-images).
			retyped := func() bool { return r.m.TypeChanged(ctx, k, f.Name) }
			for _, o := range r.m.Funcs(ctx, f.Name, k) {
				if o.Fn.Definition == f.Definition || model.GCCCompatible(o.Fn.Type, f.Type) {
					continue
				}
				if !(model.FuncSite{Fn: o.Fn, Im: o.Im}).Touched(k) && !retyped() {
					// Neither side's type changes in this patch (a line
					// re-wrapped, a function moved): the mismatch, if real,
					// was there before the series.
					continue
				}
				if o.Im == im && im.AcrossBranches(f.Line, o.Fn.Line) && !isStub(me) && !isStub(o) {
					// A prototype and a definition in the two branches of
					// one #if are alternatives for different configurations;
					// only a header's !CONFIG stub must match its prototype.
					continue
				}
				if len(o.Fn.Type.Params) == 0 && !o.Fn.Type.Variadic && o.Fn.Type.Ret.Text == "" {
					continue
				}
				if (f.Static || o.Fn.Static) && o.File != me.File || !r.m.TreeCurrent(ctx, k, o) {
					continue
				}
				if o.Im == nil && r.m.StaleTree() {
					// A header the series does not touch, in a tree the
					// series is not based on, may be older than its base
					// (a fix patch is then flagged against the very
					// prototype it follows).
					continue
				}
				done[f.Name] = true
				kind := map[bool]string{true: "definition", false: "prototype"}
				quote := im.Quote(f.Line, f.Line)
				if o.Im != nil {
					quote = append(quote, o.Im.Quote(o.Fn.Line, o.Fn.Line)...)
				}
				out = append(out, checks.Finding{
					Check: ID, Severity: checks.SeverityError,
					File: me.File, Line: me.Line, Symbol: f.Name,
					Message: fmt.Sprintf("conflicting types for '%s': this %s is '%s' but the %s at %s:%d is '%s'",
						f.Name, kind[f.Definition], f.Type.String(), kind[o.Fn.Definition], o.File, o.Line, o.Fn.Type.String()),
					Explanation: fmt.Sprintf("The patch leaves %s() with a %s and a %s of different types. Where one translation unit "+
						"sees both, gcc rejects it (\"conflicting types\"); where they sit in different #if branches (a prototype "+
						"and its !CONFIG static inline stub), the build breaks, or callers pass the wrong arguments, in the "+
						"configuration that picks the other one.", f.Name, kind[f.Definition], kind[o.Fn.Definition]),
					Quote:      quote,
					Suggestion: fmt.Sprintf("change the %s at %s:%d to '%s' as well", kind[o.Fn.Definition], o.File, o.Line, f.Type.String()),
					MessageID:  r.m.PatchMessageID(k),
					Patch:      r.m.PatchNumber(k),
				})
				break
			}
		}
	}
	return out
}

// isStub reports whether a function site is a header's static (inline)
// definition: the stub a `#else` branch gives callers when the real
// function is configured out, which must take what the prototype takes.
func isStub(fs model.FuncSite) bool {
	return fs.Fn.Definition && fs.Fn.Static && strings.HasSuffix(fs.File, ".h")
}
