package droppeduser

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

// declRef is a declaration found in an image.
type declRef struct {
	d  cfront.Decl
	im *model.Image
	fn string // resolved enclosing function or struct
}

// changedDecls lists the declarations (and function parameters) on lines
// the patch changed, in the post-images of one file, or in the
// pre-images of its hunks that remove __user and can name one of names.
func (r *review) changedDecls(ctx context.Context, fi *model.File, post bool, names []string) []declRef {
	var out []declRef
	seen := map[string]bool{}
	for _, hi := range fi.Hunks() {
		im := hi.Pre()
		if post {
			im = hi.Post()
		}
		if !post && (!removesUser(hi.Diff()) || !mayNameAny(im, names)) {
			continue
		}
		u := r.m.Parse(ctx, im)
		changed := func(d cfront.Decl) bool { return d.Name != "" && im.Changed(d.Line) }
		add := func(d cfront.Decl, fn string) {
			key := fmt.Sprintf("%s|%s|%d", fn, d.Name, d.Kind)
			if seen[key] {
				return
			}
			seen[key] = true
			out = append(out, declRef{d: d, im: im, fn: fn})
		}
		for _, d := range u.Decls {
			if !changed(d) {
				continue
			}
			fn := d.InFunc
			if d.Kind == cfront.DeclLocal || d.Kind == cfront.DeclParam {
				// Asked only of changed lines: it may parse the hunk header.
				fn = im.Enclosing(d.InFunc, d.Line)
			}
			add(d, fn)
		}
		for _, f := range u.Funcs {
			for _, p := range f.Type.Params {
				if d := (cfront.Decl{Name: p.Name, Type: p.Type, Kind: cfront.DeclParam, InFunc: f.Name, Line: p.Line}); changed(d) {
					add(d, f.Name)
				}
			}
		}
	}
	return out
}

// mayNameAny reports whether im's parse can name one of names.
func mayNameAny(im *model.Image, names []string) bool {
	return slices.ContainsFunc(names, im.MayName)
}

// removesUser reports whether a hunk removes a line mentioning __user:
// only then can a declaration lose it (and the pre-image needs parsing).
func removesUser(h *series.Hunk) bool {
	for _, l := range h.Lines {
		if l.Op == series.OpDelete && strings.Contains(l.Text, "__user") {
			return true
		}
	}
	return false
}

// keepsKernelType reports whether t is one of the types that replace a
// __user pointer on purpose: sockptr_t and struct iov_iter carry their own
// address space.
func keepsKernelType(t cfront.Type) bool {
	return strings.Contains(t.Text, "sockptr_t") || strings.Contains(t.Text, "iov_iter")
}

// isForce reports a __force annotation: a deliberate address-space change.
func isForce(t cfront.Type) bool {
	return slices.Contains(t.Spaces, "__force") || strings.Contains(t.Text, "__force")
}

// declText renders "void __user *argp" from a type and a name.
func declText(t cfront.Type, name string) string {
	if strings.HasSuffix(t.Text, "*") {
		return t.Text + name
	}
	return t.Text + " " + name
}

// lostUser is rule (a): a declaration that loses __user in this patch while
// the post-image still hands the name to user access.
//
// Only a declaration the patch leaves a plain pointer (lostCandidate) and
// that the post-image hands to user access can be reported, and only
// against a declaration of the same name in a hunk that removes __user:
// the post-images are read first, and a pre-image is parsed only when it
// can name one of those declarations (the others hold none that any could
// be matched with).
func (r *review) lostUser(ctx context.Context, k int, fi *model.File) []checks.Finding {
	if !slices.ContainsFunc(fi.Hunks(), func(hi *model.Hunk) bool { return removesUser(hi.Diff()) }) {
		return nil
	}
	type usedDecl struct {
		a   declRef
		use userUseSite
	}
	var used []usedDecl
	var names []string
	for _, a := range r.changedDecls(ctx, fi, true, nil) {
		if !lostCandidate(a.d.Type) {
			continue
		}
		use, ok := r.userUse(ctx, k, fi.Name(), a)
		if !ok {
			continue
		}
		used = append(used, usedDecl{a, use})
		if !slices.Contains(names, a.d.Name) {
			names = append(names, a.d.Name)
		}
	}
	if len(used) == 0 {
		return nil
	}
	pre := r.changedDecls(ctx, fi, false, names)
	var out []checks.Finding
	for _, u := range used {
		a, use := u.a, u.use
		var was *declRef
		for i := range pre {
			b := &pre[i]
			if b.d.Name == a.d.Name && b.fn == a.fn && b.d.Kind == a.d.Kind && b.d.Type.User() {
				was = b
				break
			}
		}
		if was == nil {
			continue
		}
		line := a.im.FileLine(a.d.Line)
		// Quote the change as a diff would, then the use that makes it wrong.
		var q []string
		for _, l := range was.im.Quote(was.d.Line, was.d.Line) {
			q = append(q, "-"+l)
		}
		for _, l := range a.im.Quote(a.d.Line, a.d.Line) {
			q = append(q, "+"+l)
		}
		for _, l := range use.quote {
			q = append(q, " "+l)
		}
		out = append(out, checks.Finding{
			Check: ID, Severity: checks.SeverityWarning,
			File: fi.Name(), Line: line, Symbol: symbolOf(a),
			Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): '%s' lost '__user' in this patch but is still passed to %s() at line %d",
				use.arg, a.d.Name, use.callee, use.line),
			Explanation: fmt.Sprintf("The patch changes '%s' from '%s' to '%s', yet %s() still receives it as its user-space pointer (argument %d). "+
				"A pointer that is still used to reach user memory must keep its __user address space, or sparse (make C=1) reports "+
				"\"different address spaces\" and the annotation no longer documents that the pointer must not be dereferenced.",
				a.d.Name, declText(was.d.Type, a.d.Name), declText(a.d.Type, a.d.Name), use.callee, use.arg),
			Quote:      q,
			Suggestion: fmt.Sprintf("keep `%s`", declText(was.d.Type, a.d.Name)),
			MessageID:  r.m.PatchMessageID(k),
			Patch:      r.m.PatchNumber(k),
		})
	}
	return out
}

// lostCandidate reports whether a declaration of type t can be one that
// lost __user: a plain pointer, not __force, not a type that carries its
// own address space.
func lostCandidate(t cfront.Type) bool {
	return t.Pointer() > 0 && !t.User() && !isForce(t) && !keepsKernelType(t)
}

// symbolOf names a declaration for a finding: "func:name" for parameters
// and locals, "struct.member" for members.
func symbolOf(d declRef) string {
	switch {
	case d.d.Kind == cfront.DeclMember && d.fn != "":
		return d.fn + "." + d.d.Name
	case d.fn != "":
		return d.fn + ":" + d.d.Name
	}
	return d.d.Name
}

// userUseSite is where a name reaches user access.
type userUseSite struct {
	callee string
	arg    int
	line   int
	quote  []string
}

// userUse finds, in the post-image of file as of patch k, a call that passes
// the declared name as a user pointer: to the user-access API, or to a
// function whose parameter at that position is __user.
func (r *review) userUse(ctx context.Context, k int, file string, d declRef) (userUseSite, bool) {
	refers := referrer(d.d)
	for _, im := range r.m.View(ctx, k) {
		if im.File != file {
			continue
		}
		for _, c := range im.Unit().Calls {
			var refs []int
			for i, a := range c.Args {
				if refers(a) {
					refs = append(refs, i)
				}
			}
			// Whether the call is in d's function is asked (it may parse
			// the hunk header) only of calls that pass the name.
			if len(refs) == 0 || d.d.Kind != cfront.DeclMember && d.d.Kind != cfront.DeclGlobal && im.Enclosing(c.InFunc, c.Line) != d.fn {
				continue
			}
			for _, i := range refs {
				a := c.Args[i]
				if a.Cast != nil && (isForce(*a.Cast) || !a.Cast.User()) {
					continue
				}
				if r.userParam(ctx, c.Func, i+1, k) {
					return userUseSite{callee: c.Func, arg: i + 1, line: im.FileLine(c.Line), quote: im.Quote(c.Line, c.Line)}, true
				}
			}
		}
	}
	return userUseSite{}, false
}

// referrer returns whether an argument is the declared name itself (not
// its address): the identifier, possibly under casts and parentheses, or
// for a member, any expression ending in ->member / .member.
func referrer(d cfront.Decl) func(a cfront.Expr) bool {
	if d.Kind == cfront.DeclMember {
		ref := memberRef(d.Name)
		return func(a cfront.Expr) bool {
			text := strings.TrimSpace(a.Text)
			return ref.MatchString(text) && !strings.HasPrefix(stripCasts(text), "&")
		}
	}
	return func(a cfront.Expr) bool {
		return a.Ident == d.Name && stripCasts(strings.TrimSpace(a.Text)) == d.Name
	}
}

// memberRef matches an expression that ends in ->name or .name.
func memberRef(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?:->|\.)\s*` + regexp.QuoteMeta(name) + `\s*\)*$`)
}

// castPrefix matches a leading cast or opening parenthesis.
var castPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\(\s*(?:[A-Za-z_]\w*\s*)+\**\s*\)\s*|^\(\s*`) })

// stripCasts removes leading casts and parentheses, and the parentheses
// they leave at the end.
func stripCasts(s string) string {
	// Both alternatives of castPrefix start with "(" at the start.
	for strings.HasPrefix(s, "(") {
		t := castPrefix().ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	for strings.HasSuffix(s, ")") && strings.Count(s, "(") < strings.Count(s, ")") {
		s = strings.TrimSpace(strings.TrimSuffix(s, ")"))
	}
	return strings.TrimSpace(s)
}

// userParam reports whether argument pos (1-based) of callee is a user
// pointer: by the user-access table, or by a __user parameter in the
// callee's prototype or definition in the series or the tree.
func (r *review) userParam(ctx context.Context, callee string, pos, k int) bool {
	if p, ok := userArg[callee]; ok {
		return p == pos
	}
	for _, fs := range r.m.Funcs(ctx, callee, k) {
		ps := fs.Fn.Type.Params
		if pos <= len(ps) && ps[pos-1].Type.User() && ps[pos-1].Type.Pointer() > 0 {
			return true
		}
	}
	return false
}
