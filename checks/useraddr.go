package checks

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// DroppedUserID is the ID of the dropped-user check.
const DroppedUserID = "dropped-user"

// DroppedUser applies sparse's address-space rule to what a patch changes,
// without a build: a pointer that loses __user while it still reaches user
// memory, casts and assignments that drop __user, dereferences of __user
// pointers, kernel addresses passed where __user is expected, and
// prototypes that disagree with their definition on __user.
type DroppedUser struct{}

// ID returns "dropped-user".
func (DroppedUser) ID() string { return DroppedUserID }

// Run reviews every patch of s.
func (c DroppedUser) Run(ctx context.Context, s *series.Series, env *Env) ([]Finding, error) {
	m, err := newModel(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.close()
	return c.run(m)
}

// userArg maps the user-access API to the 1-based position of its user
// pointer argument (include/linux/uaccess.h, include/linux/uio.h,
// include/linux/sockptr.h).
var userArg = map[string]int{
	"copy_from_user": 2, "__copy_from_user": 2, "_copy_from_user": 2, "raw_copy_from_user": 2,
	"__copy_from_user_inatomic": 2, "copy_from_user_nofault": 2, "unsafe_copy_from_user": 2,
	"copy_to_user": 1, "__copy_to_user": 1, "_copy_to_user": 1, "raw_copy_to_user": 1,
	"__copy_to_user_inatomic": 1, "copy_to_user_nofault": 1, "unsafe_copy_to_user": 1,
	"get_user": 2, "__get_user": 2, "put_user": 2, "__put_user": 2,
	"unsafe_get_user": 2, "unsafe_put_user": 2,
	"strncpy_from_user": 2, "strnlen_user": 1, "clear_user": 1, "__clear_user": 1,
	"memdup_user": 1, "memdup_user_nul": 1, "vmemdup_user": 1,
	"memdup_array_user": 1, "vmemdup_array_user": 1, "strndup_user": 1,
	"copy_struct_from_user": 3, "check_zeroed_user": 1,
	"access_ok": 1, "user_access_begin": 1, "user_read_access_begin": 1, "user_write_access_begin": 1,
	"import_single_range": 2, "import_ubuf": 2, "import_iovec": 2, "__import_iovec": 2,
	"USER_SOCKPTR": 1,
}

// userMembers are kernel struct members declared __user that patches
// assign through a struct whose definition a fragment does not show
// (include/uapi/linux/uio.h, include/linux/socket.h). The value is the
// struct the base of the access must be declared as, "" when the member
// name is unique to its struct: iov_base is also struct kvec's member, a
// plain kernel pointer.
var userMembers = map[string]string{
	"iov_base":         "struct iovec",
	"msg_control_user": "",
}

func (c DroppedUser) run(m *model) ([]Finding, error) {
	var out []Finding
	for k, pi := range m.patches {
		if err := m.ctx.Err(); err != nil {
			return nil, fmt.Errorf("dropped-user on %q: %w", m.s.Title, err)
		}
		protoDone := map[string]bool{}
		for _, fi := range pi.files {
			if !isCSource(fi.name) {
				continue
			}
			out = append(out, m.lostUser(k, fi)...)
			for _, im := range fi.postImages() {
				im.parse(m.ctx)
				out = append(out, m.userCasts(k, im)...)
				out = append(out, m.userAssigns(k, im)...)
				out = append(out, m.userDerefs(k, im)...)
				out = append(out, m.kernelAddrArgs(k, im)...)
			}
			out = append(out, m.protoUserMismatch(k, fi, protoDone)...)
		}
	}
	return out, nil
}

// isCSource reports whether a file is C the checks read.
func isCSource(name string) bool {
	return strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h")
}

// declRef is a declaration found in an image.
type declRef struct {
	d  cfront.Decl
	im *image
	fn string // resolved enclosing function or struct
}

// changedDecls lists the declarations (and function parameters) on lines
// the patch changed, in the pre- or post-images of one file.
func (m *model) changedDecls(fi *fileImages, post bool) []declRef {
	var out []declRef
	seen := map[string]bool{}
	for _, hi := range fi.hunks {
		im := hi.pre
		if post {
			im = hi.post
		}
		if !post && !removesUser(hi.h) {
			continue
		}
		u := im.parse(m.ctx)
		add := func(d cfront.Decl, fn string) {
			if d.Name == "" || !im.Changed(d.Line) {
				return
			}
			key := fmt.Sprintf("%s|%s|%d", fn, d.Name, d.Kind)
			if seen[key] {
				return
			}
			seen[key] = true
			out = append(out, declRef{d: d, im: im, fn: fn})
		}
		for _, d := range u.Decls {
			fn := d.InFunc
			if d.Kind == cfront.DeclLocal || d.Kind == cfront.DeclParam {
				fn = im.enclosing(d.InFunc, d.Line)
			}
			add(d, fn)
		}
		for _, f := range u.Funcs {
			for _, p := range f.Type.Params {
				add(cfront.Decl{Name: p.Name, Type: p.Type, Kind: cfront.DeclParam, InFunc: f.Name, Line: p.Line}, f.Name)
			}
		}
	}
	return out
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
func (m *model) lostUser(k int, fi *fileImages) []Finding {
	pre := m.changedDecls(fi, false)
	if len(pre) == 0 {
		return nil
	}
	post := m.changedDecls(fi, true)
	var out []Finding
	for _, a := range post {
		if a.d.Type.Pointer() == 0 || a.d.Type.User() || isForce(a.d.Type) || keepsKernelType(a.d.Type) {
			continue
		}
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
		use, ok := m.userUse(k, fi.name, a)
		if !ok {
			continue
		}
		line := a.im.FileLine(a.d.Line)
		// Quote the change as a diff would, then the use that makes it wrong.
		var q []string
		for _, l := range was.im.quote(was.d.Line, was.d.Line) {
			q = append(q, "-"+l)
		}
		for _, l := range a.im.quote(a.d.Line, a.d.Line) {
			q = append(q, "+"+l)
		}
		for _, l := range use.quote {
			q = append(q, " "+l)
		}
		out = append(out, Finding{
			Check: DroppedUserID, Severity: SeverityWarning,
			File: fi.name, Line: line, Symbol: symbolOf(a),
			Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): '%s' lost '__user' in this patch but is still passed to %s() at line %d",
				use.arg, a.d.Name, use.callee, use.line),
			Explanation: fmt.Sprintf("The patch changes '%s' from '%s' to '%s', yet %s() still receives it as its user-space pointer (argument %d). "+
				"A pointer that is still used to reach user memory must keep its __user address space, or sparse (make C=1) reports "+
				"\"different address spaces\" and the annotation no longer documents that the pointer must not be dereferenced.",
				a.d.Name, declText(was.d.Type, a.d.Name), declText(a.d.Type, a.d.Name), use.callee, use.arg),
			Quote:      q,
			Suggestion: fmt.Sprintf("keep `%s`", declText(was.d.Type, a.d.Name)),
			MessageID:  m.patchMessageID(k),
		})
	}
	return out
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
func (m *model) userUse(k int, file string, d declRef) (userUseSite, bool) {
	for _, im := range m.view(k) {
		if im.File != file {
			continue
		}
		for _, c := range im.unit.Calls {
			if d.d.Kind != cfront.DeclMember && d.d.Kind != cfront.DeclGlobal && im.enclosing(c.InFunc, c.Line) != d.fn {
				continue
			}
			for i, a := range c.Args {
				if !refersTo(a, d.d) {
					continue
				}
				if a.Cast != nil && (isForce(*a.Cast) || !a.Cast.User()) {
					continue
				}
				if m.userParam(c.Func, i+1, k) {
					return userUseSite{callee: c.Func, arg: i + 1, line: im.FileLine(c.Line), quote: im.quote(c.Line, c.Line)}, true
				}
			}
		}
	}
	return userUseSite{}, false
}

// refersTo reports whether an argument is the declared name itself (not its
// address): the identifier, possibly under casts and parentheses, or for a
// member, any expression ending in ->member / .member.
func refersTo(a cfront.Expr, d cfront.Decl) bool {
	text := strings.TrimSpace(a.Text)
	if d.Kind == cfront.DeclMember {
		return memberRef(d.Name).MatchString(text) && !strings.HasPrefix(stripCasts(text), "&")
	}
	if a.Ident != d.Name {
		return false
	}
	return stripCasts(text) == d.Name
}

// memberRef matches an expression that ends in ->name or .name.
func memberRef(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?:->|\.)\s*` + regexp.QuoteMeta(name) + `\s*\)*$`)
}

// castPrefix matches a leading cast or opening parenthesis.
var castPrefix = regexp.MustCompile(`^\(\s*(?:[A-Za-z_]\w*\s*)+\**\s*\)\s*|^\(\s*`)

// stripCasts removes leading casts and parentheses, and the parentheses
// they leave at the end.
func stripCasts(s string) string {
	for {
		t := castPrefix.ReplaceAllString(s, "")
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
func (m *model) userParam(callee string, pos, k int) bool {
	if p, ok := userArg[callee]; ok {
		return p == pos
	}
	for _, fs := range m.funcs(callee, k) {
		ps := fs.fn.Type.Params
		if pos <= len(ps) && ps[pos-1].Type.User() && ps[pos-1].Type.Pointer() > 0 {
			return true
		}
	}
	return false
}

// scopeDecls finds the declarations of name visible in function fn of file
// as of patch k: parameters and locals of fn, then globals of the file.
// Parameters come from the hunk header when the function's declarator is
// not in any image.
func (m *model) scopeDecls(k int, file, fn, name string) []cfront.Decl {
	var local, global []cfront.Decl
	sawFunc := false
	var hdr *cfront.Func
	for _, im := range m.view(k) {
		if im.File != file {
			continue
		}
		for _, f := range im.unit.Funcs {
			if f.Name == fn && f.Definition {
				sawFunc = true
				for _, p := range f.Type.Params {
					if p.Name == name {
						local = append(local, cfront.Decl{Name: name, Type: p.Type, Kind: cfront.DeclParam, InFunc: fn, Line: p.Line})
					}
				}
			}
		}
		for _, d := range im.unit.Decls {
			if d.Name != name {
				continue
			}
			switch d.Kind {
			case cfront.DeclLocal, cfront.DeclParam:
				if im.enclosing(d.InFunc, d.Line) == fn {
					local = append(local, d)
				}
			case cfront.DeclGlobal:
				global = append(global, d)
			}
		}
		if hf := im.headerFunc(); hf != nil && hf.Name == fn && hdr == nil {
			hdr = hf
		}
	}
	if !sawFunc && hdr != nil {
		for _, p := range hdr.Type.Params {
			if p.Name == name {
				local = append(local, cfront.Decl{Name: name, Type: p.Type, Kind: cfront.DeclParam, InFunc: fn})
			}
		}
	}
	if len(local) > 0 {
		return local
	}
	return global
}

// userPointer reports whether every declaration of a name in scope is a
// __user pointer (and there is at least one): shadowed or ambiguous names
// stay silent.
func userPointer(ds []cfront.Decl) (cfront.Decl, bool) {
	if len(ds) == 0 {
		return cfront.Decl{}, false
	}
	for _, d := range ds {
		if !d.Type.User() || d.Type.Pointer() == 0 || isForce(d.Type) {
			return cfront.Decl{}, false
		}
	}
	return ds[0], true
}

// plainPointer reports a cast type that is a pointer without __user and
// without __force.
func plainPointer(t cfront.Type) bool {
	return t.Pointer() > 0 && !t.User() && !isForce(t)
}

// userCasts is rule (b): a cast added by the patch that removes __user
// from a __user pointer, or a plain-pointer cast handed to user access.
func (m *model) userCasts(k int, im *image) []Finding {
	if im.patch != k {
		return nil
	}
	var out []Finding
	reported := map[int]bool{}
	for _, c := range im.unit.Casts {
		if !im.Changed(c.Line) || !plainPointer(c.To) || c.Expr.Ident == "" || stripCasts(c.Expr.Text) != c.Expr.Ident {
			continue
		}
		fn := im.enclosing(c.InFunc, c.Line)
		d, ok := userPointer(m.scopeDecls(k, im.File, fn, c.Expr.Ident))
		if !ok {
			continue
		}
		reported[c.Line] = true
		out = append(out, Finding{
			Check: DroppedUserID, Severity: SeverityWarning,
			File: im.File, Line: im.FileLine(c.Line), Symbol: fn + ":" + c.Expr.Ident,
			Message: fmt.Sprintf("cast removes address space '__user' of expression: '(%s)%s' where '%s' is declared '%s'",
				c.To.Text, c.Expr.Ident, c.Expr.Ident, declText(d.Type, d.Name)),
			Explanation: "The cast turns a user-space pointer into a plain kernel pointer. Dereferencing the result reads or writes user memory " +
				"without copy_from_user()/copy_to_user() (an unchecked access, and a fault under SMAP); sparse reports it as " +
				"\"cast removes address space '__user' of expression\". Deliberate conversions are spelled with __force.",
			Quote:      im.quote(c.Line, c.Line),
			Suggestion: fmt.Sprintf("copy the data with copy_from_user()/copy_to_user(), or keep the __user annotation: `(%s)%s`", addUser(c.To.Text), c.Expr.Ident),
			MessageID:  m.patchMessageID(k),
		})
	}
	for _, c := range im.unit.Calls {
		pos, ok := userArg[c.Func]
		if !ok || !im.Changed(c.Line) || reported[c.Line] || pos > len(c.Args) {
			continue
		}
		a := c.Args[pos-1]
		if a.Cast == nil || !plainPointer(*a.Cast) {
			continue
		}
		out = append(out, Finding{
			Check: DroppedUserID, Severity: SeverityWarning,
			File: im.File, Line: im.FileLine(c.Line), Symbol: im.enclosing(c.InFunc, c.Line) + ":" + c.Func,
			Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): %s() expects a '__user' pointer but gets '%s'",
				pos, c.Func, a.Text),
			Explanation: fmt.Sprintf("%s() takes a user-space pointer as argument %d; casting it to the plain pointer type '%s' strips the __user "+
				"address space sparse checks, which hides whether the pointer really is user memory.", c.Func, pos, a.Cast.Text),
			Quote:      im.quote(c.Line, c.Line),
			Suggestion: fmt.Sprintf("cast to `%s`, or pass a pointer declared __user", addUser(a.Cast.Text)),
			MessageID:  m.patchMessageID(k),
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
	assignCast = regexp.MustCompile(`^\s*(\*\s*)?([A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\[[^\]]*\])*)\s*=\s*` + plainCast)
	// declCast matches "T __user *name = (T *)..." in a declaration.
	declCast = regexp.MustCompile(`\b__user\b[^=;()]*\*\s*([A-Za-z_]\w*)\s*=\s*` + plainCast)
	lastName = regexp.MustCompile(`([A-Za-z_]\w*)\s*$`)
)

// userAssigns is rule (b2): a line the patch adds that stores a plain
// pointer (a cast without __user) into a __user pointer.
func (m *model) userAssigns(k int, im *image) []Finding {
	if im.patch != k {
		return nil
	}
	var out []Finding
	for l := 1; l <= len(im.text); l++ {
		if !im.Changed(l) {
			continue
		}
		text := im.text[l-1]
		var target, expected, got string
		if mm := declCast.FindStringSubmatch(text); mm != nil {
			target, got = mm[1], mm[2]
			expected = "__user pointer " + mm[1]
		} else if mm := assignCast.FindStringSubmatch(text); mm != nil {
			got = mm[3]
			lhs := strings.TrimSpace(mm[2])
			deref := mm[1] != ""
			switch {
			case strings.Contains(lhs, "->") || strings.Contains(lhs, "."):
				mem := lastName.FindString(lhs)
				if !m.userMember(k, mem) || !m.memberBaseFits(k, im, l, lhs, mem) {
					continue
				}
				target, expected = lhs, "__user pointer member "+mem
			default:
				name := strings.TrimSpace(strings.Split(lhs, "[")[0])
				d, ok := userPointer(m.scopeDecls(k, im.File, im.enclosingLine(l), name))
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
		out = append(out, Finding{
			Check: DroppedUserID, Severity: SeverityWarning,
			File: im.File, Line: im.FileLine(l), Symbol: im.enclosingLine(l) + ":" + target,
			Message: fmt.Sprintf("incorrect type in assignment (different address spaces): %s gets a plain '%s'", expected, got),
			Explanation: fmt.Sprintf("'%s' holds a user-space address (declared __user), but the patch stores a value cast to the kernel pointer "+
				"type '%s'. sparse reports \"incorrect type in assignment (different address spaces)\"; the cast should keep the address space.", target, got),
			Quote:      im.quote(l, l),
			Suggestion: fmt.Sprintf("cast to `%s` (or use u64_to_user_ptr())", addUser(got)),
			MessageID:  m.patchMessageID(k),
		})
	}
	return out
}

// enclosingLine is the function enclosing image line l: the definition
// whose span holds it, else the hunk header's function.
func (im *image) enclosingLine(l int) string {
	for _, f := range im.unit.Funcs {
		if f.Definition && f.Line <= l && l <= f.EndLine {
			return f.Name
		}
	}
	if im.whole {
		return ""
	}
	return im.enclosing("", l)
}

// userMember reports whether a struct member of that name is known to be a
// __user pointer: declared so in the series' post-image (and nowhere
// without __user), or one of the kernel's well-known user members.
func (m *model) userMember(k int, name string) bool {
	user, plain := false, false
	for _, im := range m.view(k) {
		for _, d := range im.unit.Decls {
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
var memberBase = regexp.MustCompile(`^([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?:->|\.)\s*[A-Za-z_]\w*$`)

// memberBaseFits checks, for a well-known user member whose name other
// structs share, that the access goes through a variable declared as the
// struct that has the __user member. Members declared in the series, and
// unique names, need no such check.
func (m *model) memberBaseFits(k int, im *image, l int, lhs, mem string) bool {
	st, known := userMembers[mem]
	if !known || st == "" || m.declaredMember(k, mem) {
		return true
	}
	mm := memberBase.FindStringSubmatch(lhs)
	if mm == nil {
		return false
	}
	ds := m.scopeDecls(k, im.File, im.enclosingLine(l), mm[1])
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
func (m *model) declaredMember(k int, name string) bool {
	for _, im := range m.view(k) {
		for _, d := range im.unit.Decls {
			if d.Kind == cfront.DeclMember && d.Name == name {
				return true
			}
		}
	}
	return false
}

// derefWord finds "name->"; addressOnly then drops the ones under "&",
// which only compute an address.
var derefWord = regexp.MustCompile(`([A-Za-z_]\w*)\s*->`)

// userDerefs is rule (d): a line the patch adds that dereferences a __user
// pointer ("dereference of noderef expression").
func (m *model) userDerefs(k int, im *image) []Finding {
	if im.patch != k {
		return nil
	}
	var out []Finding
	for l := 1; l <= len(im.text); l++ {
		if !im.Changed(l) {
			continue
		}
		text := codeOf(im.text[l-1])
		for _, loc := range derefWord.FindAllStringSubmatchIndex(text, -1) {
			name := text[loc[2]:loc[3]]
			if addressOnly(text, loc[0]) {
				continue
			}
			fn := im.enclosingLine(l)
			d, ok := userPointer(m.scopeDecls(k, im.File, fn, name))
			if !ok || d.Type.Pointer() != 1 {
				continue
			}
			out = append(out, Finding{
				Check: DroppedUserID, Severity: SeverityWarning,
				File: im.File, Line: im.FileLine(l), Symbol: fn + ":" + name,
				Message: fmt.Sprintf("dereference of noderef expression: '%s' is declared '%s' and is read with '->'", name, declText(d.Type, d.Name)),
				Explanation: fmt.Sprintf("'%s' points to user memory; reading a member through it dereferences a user pointer in kernel context "+
					"(no access_ok() check, faults under SMAP/PAN). sparse reports \"dereference of noderef expression\". Copy the "+
					"structure (or the one field) in with copy_from_user()/get_user() first.", name),
				Quote:      im.quote(l, l),
				Suggestion: fmt.Sprintf("read the field with get_user(x, &%s->field) or copy the struct with copy_from_user()", name),
				MessageID:  m.patchMessageID(k),
			})
			break
		}
	}
	return out
}

// codeOf drops a line's comment and string literals, and returns "" for
// preprocessor lines and comment lines.
func codeOf(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "//") {
		return ""
	}
	if i := strings.Index(s, "//"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "/*"); i >= 0 {
		s = s[:i]
	}
	return stringLit.ReplaceAllString(s, `""`)
}

var stringLit = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// addressOnly reports whether the member access at byte i only computes an
// address or a size: under "&" or inside sizeof/typeof/offsetof.
func addressOnly(text string, i int) bool {
	before := strings.TrimRight(text[:i], " \t(")
	if strings.HasSuffix(before, "&") && !strings.HasSuffix(before, "&&") {
		return true
	}
	for _, kw := range []string{"sizeof", "typeof", "__typeof__", "offsetof", "__same_type", "typeof_member"} {
		if j := strings.LastIndex(text[:i], kw); j >= 0 {
			seg := text[j:i]
			if strings.Count(seg, "(") > strings.Count(seg, ")") {
				return true
			}
		}
	}
	return false
}

// kernelAddr matches an argument that is the address of a variable:
// "&name", "&name.field[i]".
var kernelAddr = regexp.MustCompile(`^&\s*\(?\s*([A-Za-z_]\w*)\b`)

// kernelAddrArgs is rule (b3): a call the patch adds that passes the
// address of a kernel variable where the callee takes a __user pointer.
func (m *model) kernelAddrArgs(k int, im *image) []Finding {
	if im.patch != k {
		return nil
	}
	var out []Finding
	for _, c := range im.unit.Calls {
		if !im.Changed(c.Line) {
			continue
		}
		for i, a := range c.Args {
			mm := kernelAddr.FindStringSubmatch(strings.TrimSpace(a.Text))
			if mm == nil || a.Cast != nil {
				continue
			}
			fn := im.enclosing(c.InFunc, c.Line)
			ds := m.scopeDecls(k, im.File, fn, mm[1])
			if len(ds) == 0 || !allKernelObjects(ds) {
				continue
			}
			if !m.userParam(c.Func, i+1, k) {
				continue
			}
			out = append(out, Finding{
				Check: DroppedUserID, Severity: SeverityWarning,
				File: im.File, Line: im.FileLine(c.Line), Symbol: fn + ":" + c.Func,
				Message: fmt.Sprintf("incorrect type in argument %d (different address spaces): %s() expects a '__user' pointer but gets the kernel address '%s'",
					i+1, c.Func, a.Text),
				Explanation: fmt.Sprintf("Argument %d of %s() is a user-space pointer, but '%s' is the address of the kernel variable '%s' (%s). "+
					"The callee will treat kernel memory as user memory (and fail access_ok(), or worse); sparse reports \"different address spaces\".",
					i+1, c.Func, a.Text, mm[1], declText(ds[0].Type, mm[1])),
				Quote:      im.quote(c.Line, c.Line),
				Suggestion: fmt.Sprintf("pass the user pointer, or use the kernel-memory variant of %s()", c.Func),
				MessageID:  m.patchMessageID(k),
			})
		}
	}
	return out
}

// allKernelObjects reports whether every declaration is a kernel object
// (not a pointer): its address is kernel memory whatever it holds.
func allKernelObjects(ds []cfront.Decl) bool {
	for _, d := range ds {
		if d.Type.Pointer() > 0 || d.Type.User() || d.Kind == cfront.DeclMember {
			return false
		}
	}
	return true
}

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
				if !ok {
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
