package droppeduser

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
)

// userCasts is rule (b): a cast added by the patch that removes __user
// from a __user pointer, or a plain-pointer cast handed to user access.
func (r *review) userCasts(ctx context.Context, k int, im *model.Image) []checks.Finding {
	if im.Patch() != k {
		return nil
	}
	var out []checks.Finding
	reported := map[int]bool{}
	for _, c := range im.Unit().Casts {
		if !im.Changed(c.Line) || !plainPointer(c.To) || c.Expr.Ident == "" || stripCasts(c.Expr.Text) != c.Expr.Ident {
			continue
		}
		fn := im.Enclosing(c.InFunc, c.Line)
		d, ok := userPointer(r.scopeDecls(ctx, k, im.File, fn, c.Expr.Ident))
		if !ok {
			continue
		}
		reported[c.Line] = true
		out = append(out, checks.Finding{
			Check: ID, Severity: checks.SeverityWarning,
			File: im.File, Line: im.FileLine(c.Line), Symbol: fn + ":" + c.Expr.Ident,
			Message: fmt.Sprintf("cast removes address space '__user' of expression: '(%s)%s' where '%s' is declared '%s'",
				c.To.Text, c.Expr.Ident, c.Expr.Ident, declText(d.Type, d.Name)),
			Explanation: "The cast turns a user-space pointer into a plain kernel pointer. Dereferencing the result reads or writes user memory " +
				"without copy_from_user()/copy_to_user() (an unchecked access, and a fault under SMAP); sparse reports it as " +
				"\"cast removes address space '__user' of expression\". Deliberate conversions are spelled with __force.",
			Quote:      im.Quote(c.Line, c.Line),
			Suggestion: fmt.Sprintf("copy the data with copy_from_user()/copy_to_user(), or keep the __user annotation: `(%s)%s`", addUser(c.To.Text), c.Expr.Ident),
			MessageID:  r.m.PatchMessageID(k),
			Patch:      r.m.PatchNumber(k),
		})
	}
	for _, c := range im.Unit().Calls {
		pos, ok := userArg[c.Func]
		if !ok || !im.Changed(c.Line) || reported[c.Line] || pos > len(c.Args) {
			continue
		}
		a := c.Args[pos-1]
		if a.Cast == nil || !plainPointer(*a.Cast) {
			continue
		}
		out = append(out, checks.Finding{
			Check: ID, Severity: checks.SeverityWarning,
			File: im.File, Line: im.FileLine(c.Line), Symbol: im.Enclosing(c.InFunc, c.Line) + ":" + c.Func,
			Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): %s() expects a '__user' pointer but gets '%s'",
				pos, c.Func, a.Text),
			Explanation: fmt.Sprintf("%s() takes a user-space pointer as argument %d; casting it to the plain pointer type '%s' strips the __user "+
				"address space sparse checks, which hides whether the pointer really is user memory.", c.Func, pos, a.Cast.Text),
			Quote:      im.Quote(c.Line, c.Line),
			Suggestion: fmt.Sprintf("cast to `%s`, or pass a pointer declared __user", addUser(a.Cast.Text)),
			MessageID:  r.m.PatchMessageID(k),
			Patch:      r.m.PatchNumber(k),
		})
	}
	return out
}

// addUser inserts __user into a pointer type: "int *" -> "int __user *".
func addUser(t string) string {
	i := strings.Index(t, "*")
	if i < 0 {
		return t
	}
	return strings.TrimRight(t[:i], " ") + " __user " + t[i:]
}

// plainCast matches a cast to a pointer type written without __user or
// __force, at the start of an expression: "(void *)".
const plainCast = `\(\s*((?:const\s+|volatile\s+)*(?:struct\s+|union\s+)?[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*\s*\*+)\s*\)`

var (
	// assignCast matches "lhs = (T *)..." with lhs a name, *name or a
	// member access.
	assignCast = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*(\*\s*)?([A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\[[^\]]*\])*)\s*=\s*` + plainCast)
	})
	// declCast matches "T __user *name = (T *)..." in a declaration.
	declCast = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b__user\b[^=;()]*\*\s*([A-Za-z_]\w*)\s*=\s*` + plainCast)
	})
	lastName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([A-Za-z_]\w*)\s*$`) })
)

// mayAssignCast reports whether text can match assignCast or declCast:
// both need an "=" and plainCast's "*" that only white space (\s)
// separates from a ")".
func mayAssignCast(text string) bool {
	if !strings.Contains(text, "=") {
		return false
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '*' {
			continue
		}
		j := i + 1
		for j < len(text) && strings.IndexByte(" \t\n\f\r", text[j]) >= 0 {
			j++
		}
		if j < len(text) && text[j] == ')' {
			return true
		}
	}
	return false
}

// userAssigns is rule (b2): a line the patch adds that stores a plain
// pointer (a cast without __user) into a __user pointer.
func (r *review) userAssigns(ctx context.Context, k int, im *model.Image) []checks.Finding {
	if im.Patch() != k {
		return nil
	}
	var out []checks.Finding
	for l := 1; l <= im.Lines(); l++ {
		if !im.Changed(l) {
			continue
		}
		text := im.Text(l)
		if !mayAssignCast(text) {
			continue
		}
		var target, expected, got string
		if mm := declCast().FindStringSubmatch(text); mm != nil {
			target, got = mm[1], mm[2]
			expected = "__user pointer " + mm[1]
		} else if mm := assignCast().FindStringSubmatch(text); mm != nil {
			got = mm[3]
			lhs := strings.TrimSpace(mm[2])
			deref := mm[1] != ""
			switch {
			case strings.Contains(lhs, "->") || strings.Contains(lhs, "."):
				mem := lastName().FindString(lhs)
				if !r.userMember(ctx, k, mem) || !r.memberBaseFits(ctx, k, im, l, lhs, mem) {
					continue
				}
				target, expected = lhs, "__user pointer member "+mem
			default:
				name := strings.TrimSpace(strings.Split(lhs, "[")[0])
				d, ok := userPointer(r.scopeDecls(ctx, k, im.File, im.EnclosingLine(l), name))
				if !ok {
					continue
				}
				if deref && d.Type.Pointer() < 2 || strings.Contains(lhs, "[") && d.Type.Pointer() < 2 {
					continue
				}
				target, expected = strings.TrimSpace(mm[1])+lhs, declText(d.Type, d.Name)
			}
		} else {
			continue
		}
		if strings.Contains(got, "__user") || strings.Contains(got, "__force") {
			continue
		}
		out = append(out, checks.Finding{
			Check: ID, Severity: checks.SeverityWarning,
			File: im.File, Line: im.FileLine(l), Symbol: im.EnclosingLine(l) + ":" + target,
			Message: fmt.Sprintf("incorrect type in assignment (different address spaces): %s gets a plain '%s'", expected, got),
			Explanation: fmt.Sprintf("'%s' holds a user-space address (declared __user), but the patch stores a value cast to the kernel pointer "+
				"type '%s'. sparse reports \"incorrect type in assignment (different address spaces)\"; the cast should keep the address space.", target, got),
			Quote:      im.Quote(l, l),
			Suggestion: fmt.Sprintf("cast to `%s` (or use u64_to_user_ptr())", addUser(got)),
			MessageID:  r.m.PatchMessageID(k),
			Patch:      r.m.PatchNumber(k),
		})
	}
	return out
}

// userMember reports whether a struct member of that name is known to be a
// __user pointer: declared so in the series' post-image (and nowhere
// without __user), or one of the kernel's well-known user members.
func (r *review) userMember(ctx context.Context, k int, name string) bool {
	user, plain := false, false
	for _, im := range r.m.View(ctx, k) {
		for _, d := range im.Unit().Decls {
			if d.Kind == cfront.DeclMember && d.Name == name && d.Type.Pointer() > 0 {
				if d.Type.User() {
					user = true
				} else {
					plain = true
				}
			}
		}
	}
	if plain {
		return false
	}
	if user {
		return true
	}
	_, ok := userMembers[name]
	return ok
}

// memberBase matches the variable an access such as "iov.iov_base",
// "iov->iov_base" or "iov[i].iov_base" goes through.
var memberBase = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?:->|\.)\s*[A-Za-z_]\w*$`)
})

// memberBaseFits checks, for a well-known user member whose name other
// structs share, that the access goes through a variable declared as the
// struct that has the __user member. Members declared in the series, and
// unique names, need no such check.
func (r *review) memberBaseFits(ctx context.Context, k int, im *model.Image, l int, lhs, mem string) bool {
	st, known := userMembers[mem]
	if !known || st == "" || r.declaredMember(ctx, k, mem) {
		return true
	}
	mm := memberBase().FindStringSubmatch(lhs)
	if mm == nil {
		return false
	}
	ds := r.scopeDecls(ctx, k, im.File, im.EnclosingLine(l), mm[1])
	if len(ds) == 0 {
		return false
	}
	for _, d := range ds {
		if !strings.Contains(d.Type.Text, st) {
			return false
		}
	}
	return true
}

// declaredMember reports whether the series' post-image declares a member
// of that name.
func (r *review) declaredMember(ctx context.Context, k int, name string) bool {
	for _, im := range r.m.View(ctx, k) {
		for _, d := range im.Unit().Decls {
			if d.Kind == cfront.DeclMember && d.Name == name {
				return true
			}
		}
	}
	return false
}
