package model

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// FuncSite is a function definition or prototype found in the series'
// images or in the tree index.
type FuncSite struct {
	Fn cfront.Func
	// Im is the image the function is in, nil for the tree.
	Im *Image
	// File and Line locate the declarator (the file line, post-image for
	// the series).
	File string
	Line int
}

// Touched reports whether patch k changed the function's declarator or
// parameters.
func (fs FuncSite) Touched(k int) bool {
	if fs.Im == nil || fs.Im.patch != k {
		return false
	}
	if fs.Im.Changed(fs.Fn.Line) {
		return true
	}
	for _, p := range fs.Fn.Type.Params {
		if fs.Im.Changed(p.Line) {
			return true
		}
	}
	end := fs.Fn.Line
	for _, p := range fs.Fn.Type.Params {
		end = max(end, p.Line)
	}
	// The closing parenthesis may sit on a line of its own.
	return fs.Im.ChangedIn(fs.Fn.Line, end)
}

// Funcs finds every definition and prototype of name as of patch k: in the
// series' post-images first, then in the tree's files the series does not
// touch. The answer is kept (the checks ask for the same callees again and
// again) and is the caller's to read, not to change.
func (m *Model) Funcs(ctx context.Context, name string, k int) []FuncSite {
	key := funcQuery{k, name}
	if v, ok := m.funcs[key]; ok {
		return v
	}
	v := m.findFuncs(ctx, name, k)
	if m.funcs == nil {
		m.funcs = map[funcQuery][]FuncSite{}
	}
	m.funcs[key] = v
	return v
}

// findFuncs answers Funcs.
func (m *Model) findFuncs(ctx context.Context, name string, k int) []FuncSite {
	var out []FuncSite
	seen := map[string]bool{}
	// The newest patch showing the function in a file supersedes what
	// older patches' hunks showed of it.
	newest := map[string]int{}
	for _, im := range m.View(ctx, k) {
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
			out = append(out, FuncSite{Fn: f, Im: im, File: im.File, Line: fl})
		}
	}
	if m.env.Tree == nil {
		return out
	}
	whole := m.wholeFiles(ctx, k)
	for _, f := range m.env.Tree.Funcs(name) {
		if whole[f.File] || f.Definition && m.tree.movedSince(name) {
			continue
		}
		out = append(out, FuncSite{Fn: f.Func, File: f.File, Line: f.Line})
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

// TreeCurrent reports whether a tree site of a function can be compared
// with what patch k makes of it: the tree may be older than the series'
// base, so a tree declaration counts only when the patch's pre-image shows
// the function with the same type as the tree does.
func (m *Model) TreeCurrent(ctx context.Context, k int, o FuncSite) bool {
	if o.Im != nil {
		return true
	}
	for _, fi := range m.patches[k].files {
		for _, hi := range fi.hunks {
			if !hi.pre.MayName(o.Fn.Name) {
				continue
			}
			for _, g := range m.Parse(ctx, hi.pre).Funcs {
				if g.Name == o.Fn.Name && g.Type.Equal(o.Fn.Type) && userAgree(g.Type, o.Fn.Type) {
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

// MemberSite is a struct member found in the series or the tree.
type MemberSite struct {
	Mem cfront.Member
	// Im is the image the member is in, nil for the tree.
	Im *Image
	// File and Line locate the member (the file line).
	File string
	Line int
}

// Member finds member of struct name as of patch k: the series'
// post-images first (the latest patch first), then the tree.
func (m *Model) Member(ctx context.Context, structName, member string, k int) (MemberSite, bool) {
	for _, im := range m.View(ctx, k) {
		for _, st := range im.unit.Structs {
			if st.Name != structName {
				continue
			}
			for _, mem := range st.Members {
				if mem.Name == member {
					return MemberSite{Mem: mem, Im: im, File: im.File, Line: im.FileLine(mem.Line)}, true
				}
			}
		}
	}
	if m.env.Tree == nil {
		return MemberSite{}, false
	}
	if st, ok := m.env.Tree.Struct(structName); ok {
		for _, mem := range st.Members {
			if mem.Name == member {
				return MemberSite{Mem: mem, File: st.File, Line: mem.Line}, true
			}
		}
	}
	return MemberSite{}, false
}

// BindSite is one function bound to a struct member in an initializer.
type BindSite struct {
	Struct, Var, Member, Func string
	// Im is the image, nil for the tree; Line is the image line of the
	// field (the file line for the tree).
	Im   *Image
	Line int
	File string
	// FileLine is the post-image line of the field.
	FileLine int
}

// Bindings lists the initializer bindings of a parsed image. The struct of
// an initializer cut by the hunk is recovered from the hunk header.
func (im *Image) Bindings() []BindSite {
	var out []BindSite
	for _, in := range im.unit.Inits {
		st, v := in.Struct, in.Var
		if st == "" {
			if mm := structHeader(im.header); mm != nil && mm[2] != "" {
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
			out = append(out, BindSite{Struct: st, Var: v, Member: f.Member, Func: f.Ident,
				Im: im, Line: f.Line, File: im.File, FileLine: im.FileLine(f.Line)})
		}
	}
	return out
}
