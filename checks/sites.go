package checks

import (
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// funcSite is a function definition or prototype found in the series'
// images or in the tree index.
type funcSite struct {
	fn cfront.Func
	// im is the image the function is in, nil for the tree.
	im   *image
	file string
	line int
}

// touched reports whether patch k changed the function's declarator or
// parameters.
func (fs funcSite) touched(k int) bool {
	if fs.im == nil || fs.im.patch != k {
		return false
	}
	if fs.im.Changed(fs.fn.Line) {
		return true
	}
	for _, p := range fs.fn.Type.Params {
		if fs.im.Changed(p.Line) {
			return true
		}
	}
	end := fs.fn.Line
	for _, p := range fs.fn.Type.Params {
		end = max(end, p.Line)
	}
	// The closing parenthesis may sit on a line of its own.
	return fs.im.ChangedIn(fs.fn.Line, end)
}

// funcs finds every definition and prototype of name as of patch k: in the
// series' post-images first, then in the tree's files the series does not
// touch.
func (m *model) funcs(name string, k int) []funcSite {
	var out []funcSite
	seen := map[string]bool{}
	// The newest patch showing the function in a file supersedes what
	// older patches' hunks showed of it.
	newest := map[string]int{}
	for _, im := range m.view(k) {
		for _, f := range im.unit.Funcs {
			if f.Name != name || !plausibleType(f.Type) {
				continue
			}
			// A declarator at the end of a fragment, cut before its body,
			// looks like a prototype; a real prototype ends with ";".
			if !f.Definition && !im.whole && !strings.Contains(im.Text(f.EndLine), ";") {
				continue
			}
			fl := im.FileLine(f.Line)
			key := fmt.Sprintf("%s:%d", im.File, fl)
			if fl == 0 || seen[key] {
				continue
			}
			if p, ok := newest[im.File]; ok && p != im.patch {
				continue
			}
			newest[im.File] = im.patch
			seen[key] = true
			out = append(out, funcSite{fn: f, im: im, file: im.File, line: fl})
		}
	}
	if m.env.Tree == nil {
		return out
	}
	whole := m.wholeFiles(k)
	for _, f := range m.env.Tree.Funcs(name) {
		if whole[f.File] || f.Definition && m.tree.movedSince(name) {
			continue
		}
		out = append(out, funcSite{fn: f.Func, file: f.File, line: f.Line})
	}
	return out
}

// plausibleType rejects function types the parser built from text that is
// not a declaration (a fragment cut inside a comment or a macro).
func plausibleType(f cfront.FuncType) bool {
	ok := func(t cfront.Type) bool {
		return t.Text != "" && strings.IndexFunc(t.Text, func(r rune) bool {
			return !(r == '_' || r == ' ' || r == '*' || r == '(' || r == ')' || r == '[' || r == ']' || r == ',' ||
				r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) < 0
	}
	if !ok(f.Ret) {
		return false
	}
	for _, p := range f.Params {
		if !ok(p.Type) {
			return false
		}
	}
	return true
}

// treeCurrent reports whether a tree site of a function can be compared
// with what patch k makes of it: the tree may be older than the series'
// base, so a tree declaration counts only when the patch's pre-image shows
// the function with the same type as the tree does.
func (m *model) treeCurrent(k int, o funcSite) bool {
	if o.im != nil {
		return true
	}
	for _, fi := range m.patches[k].files {
		for _, hi := range fi.hunks {
			for _, g := range hi.pre.parse(m.ctx).Funcs {
				if g.Name == o.fn.Name && g.Type.Equal(o.fn.Type) && userAgree(g.Type, o.fn.Type) {
					return true
				}
			}
		}
	}
	return false
}

// userAgree reports whether two function types agree on __user in every
// parameter.
func userAgree(a, b cfront.FuncType) bool {
	if len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Params {
		if a.Params[i].Type.User() != b.Params[i].Type.User() {
			return false
		}
	}
	return true
}

// memberSite is a struct member found in the series or the tree.
type memberSite struct {
	mem  cfront.Member
	im   *image // nil for the tree
	file string
	line int
}

// member finds member of struct name as of patch k: the series'
// post-images first (the latest patch first), then the tree.
func (m *model) member(structName, member string, k int) (memberSite, bool) {
	for _, im := range m.view(k) {
		for _, st := range im.unit.Structs {
			if st.Name != structName {
				continue
			}
			for _, mem := range st.Members {
				if mem.Name == member {
					return memberSite{mem: mem, im: im, file: im.File, line: im.FileLine(mem.Line)}, true
				}
			}
		}
	}
	if m.env.Tree == nil {
		return memberSite{}, false
	}
	if st, ok := m.env.Tree.Struct(structName); ok {
		for _, mem := range st.Members {
			if mem.Name == member {
				return memberSite{mem: mem, file: st.File, line: mem.Line}, true
			}
		}
	}
	return memberSite{}, false
}

// bindSite is one function bound to a struct member in an initializer.
type bindSite struct {
	Struct, Var, Member, Func string
	// im is the image, nil for the tree; line is the image line of the
	// field (the file line for the tree).
	im   *image
	line int
	file string
	// fileLine is the post-image line of the field.
	fileLine int
}

// bindings lists the initializer bindings of an image. The struct of an
// initializer cut by the hunk is recovered from the hunk header.
func (im *image) bindings() []bindSite {
	var out []bindSite
	for _, in := range im.unit.Inits {
		st, v := in.Struct, in.Var
		if st == "" {
			if mm := structOpen.FindStringSubmatch(im.header); mm != nil && mm[2] != "" {
				st, v = mm[1], mm[2]
			}
		}
		if st == "" {
			continue
		}
		for _, f := range in.Fields {
			if f.Ident == "" {
				continue
			}
			out = append(out, bindSite{Struct: st, Var: v, Member: f.Member, Func: f.Ident,
				im: im, line: f.Line, file: im.File, fileLine: im.FileLine(f.Line)})
		}
	}
	return out
}
