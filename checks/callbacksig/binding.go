package callbacksig

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// touchedBindings lists the bindings patch k adds or changes, and the
// bindings (as of patch k) of functions whose signature patch k changes.
func (r *review) touchedBindings(ctx context.Context, k int) []model.BindSite {
	var out []model.BindSite
	changedFuncs := map[string]bool{}
	for _, fi := range r.m.Files(k) {
		for _, im := range fi.PostImages() {
			r.m.Parse(ctx, im)
			for _, f := range im.Unit().Funcs {
				if (model.FuncSite{Fn: f, Im: im}).Touched(k) {
					changedFuncs[f.Name] = true
				}
			}
			for _, b := range im.Bindings() {
				if im.Changed(b.Line) {
					out = append(out, b)
				}
			}
		}
	}
	if len(changedFuncs) == 0 {
		return out
	}
	for _, im := range r.m.View(ctx, k) {
		for _, b := range im.Bindings() {
			if changedFuncs[b.Func] && !(im.Patch() == k && im.Changed(b.Line)) {
				out = append(out, b)
			}
		}
	}
	return out
}

// checkBinding compares the function bound in b with the member's type.
func (r *review) checkBinding(ctx context.Context, k int, b model.BindSite) (checks.Finding, bool) {
	ms, ok := r.m.Member(ctx, b.Struct, b.Member, k)
	if !ok || ms.Mem.Func == nil {
		return checks.Finding{}, false
	}
	want := ms.Mem.Func.String()
	for _, fs := range r.m.Funcs(ctx, b.Func, k) {
		if fs.Fn.Static && fs.File != b.File && !strings.HasSuffix(fs.File, ".h") {
			continue
		}
		if model.GCCCompatible(fs.Fn.Type, *ms.Mem.Func) {
			continue
		}
		retyped := r.m.TypeChanged(ctx, k, b.Func)
		added := b.Im != nil && b.Im.Patch() == k && b.Im.Changed(b.Line)
		if !retyped && !(added && !r.boundBefore(ctx, b)) {
			// Neither the function's type nor a new binding of it comes
			// from this patch: what the tree says about the member may
			// simply be older than the series' base.
			continue
		}
		if (ms.Im == nil || fs.Im == nil) && r.m.StaleTree() {
			// The member or the function is known only from a tree file
			// the series does not touch, in a tree the series is not
			// based on: the base may have retyped it since.
			continue
		}
		got := fs.Fn.Type.String()
		file, line := fs.File, fs.Line
		var quote []string
		if fs.Im != nil {
			quote = fs.Im.Quote(fs.Fn.Line, fs.Fn.Line+len(fs.Fn.Type.Params)/3)
		}
		if b.Im != nil {
			quote = append(quote, b.Im.Quote(b.Line, b.Line)...)
		}
		if fs.Im == nil || fs.Im.Patch() != k {
			file, line = b.File, b.FileLine
		}
		kind := "prototype"
		if fs.Fn.Definition {
			kind = "definition"
		}
		return checks.Finding{
			Check: ID, Severity: checks.SeverityError,
			File: file, Line: line, Symbol: b.Func,
			Message: fmt.Sprintf("initialization of struct %s.%s from incompatible pointer type: %s() is '%s' but the member is '%s'",
				b.Struct, b.Member, b.Func, got, want),
			Explanation: fmt.Sprintf("%s.%s = %s binds %s() (%s at %s:%d) to struct %s's member %s, declared '%s' (%s:%d). The types differ, "+
				"so gcc 12 fails the build with -Werror=incompatible-pointer-types, and a caller through the member passes arguments the "+
				"function does not expect.", b.Var, b.Member, b.Func, b.Func, kind, fs.File, fs.Line, b.Struct, b.Member, want, ms.File, ms.Line),
			Quote:      quote,
			Suggestion: fmt.Sprintf("give %s() the member's type '%s'", b.Func, want),
			MessageID:  r.m.PatchMessageID(k),
			Patch:      r.m.PatchNumber(k),
		}, true
	}
	return checks.Finding{}, false
}

// boundBefore reports whether the function of b was already bound to the
// same struct member before the series: in the tree, or on lines of the
// series' pre-images.
func (r *review) boundBefore(ctx context.Context, b model.BindSite) bool {
	if r.m.Tree() != nil {
		for _, tb := range r.m.Tree().Bindings(b.Struct, b.Member) {
			if tb.Func == b.Func {
				return true
			}
		}
	}
	for k := range r.m.NumPatches() {
		for _, fi := range r.m.Files(k) {
			for _, hi := range fi.Hunks() {
				if !hi.Pre().MayName(b.Func) {
					// No binding of b.Func can be read from it.
					continue
				}
				r.m.Parse(ctx, hi.Pre())
				for _, pb := range hi.Pre().Bindings() {
					if pb.Struct == b.Struct && pb.Member == b.Member && pb.Func == b.Func {
						return true
					}
				}
			}
		}
	}
	return false
}
