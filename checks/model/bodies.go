package model

import (
	"context"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// Body is what one image shows of a function's body: the calls, casts
// and assignments in it and the locals it declares, with image lines
// (Im.FileLine maps them to the file).
type Body struct {
	// Def is the function's definition (its parameters), from the series
	// or the tree.
	Def     FuncSite
	Im      *Image
	Calls   []cfront.Call
	Casts   []cfront.Cast
	Assigns []cfront.Assign
	// Locals are the variables the body declares.
	Locals []cfront.Decl
	// Tree is true for a body read from the tree's copy of a file the
	// series does not touch.
	Tree bool
}

// maxTreeBody bounds the lines of one function read from the tree.
const maxTreeBody = 2000

// Bodies returns what the model can show of the body of function name,
// called from file from, as of patch k: the statements of each series
// image inside it (a function the hunks show in pieces has one Body a
// piece), or, when the series shows no definition of it, the tree's
// definition read from its file, found anywhere in the tree (not only in
// the files the series' needles select). Where several files define the
// name, the one in file from wins (a static function is file-local),
// else the non-static definitions and those in headers (static inline)
// answer, as a linker and the preprocessor would pick them. A function
// defined under #ifdef alternatives has a Body for each. The answer is
// kept.
func (m *Model) Bodies(ctx context.Context, name, from string, k int) []Body {
	key := bodyQuery{k, name, from}
	if v, ok := m.bodies[key]; ok {
		return v
	}
	v := m.findBodies(ctx, name, from, k)
	if m.bodies == nil {
		m.bodies = map[bodyQuery][]Body{}
	}
	m.bodies[key] = v
	return v
}

// bodyQuery is a question to Bodies.
type bodyQuery struct {
	patch      int
	name, from string
}

// linked picks, of the definitions of one name in several files, those a
// call from file from reaches: the one in from, else the non-static ones
// and those in headers. A definition under arch/X/ is reached only from
// arch/X/ itself: every architecture has its own copy_to_user() helpers,
// and one build links one of them.
func linked(defs []FuncSite, from string) []FuncSite {
	var out []FuncSite
	for _, d := range defs {
		if d.File == from {
			out = append(out, d)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, d := range defs {
		if a := archDir(d.File); a != "" && a != archDir(from) {
			continue
		}
		if strings.HasSuffix(d.File, ".h") || !d.Fn.Static {
			out = append(out, d)
		}
	}
	return out
}

// archDir is "arch/X/" for a file under it, "" otherwise.
func archDir(file string) string {
	rest, ok := strings.CutPrefix(file, "arch/")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(rest, '/'); i > 0 {
		return "arch/" + rest[:i+1]
	}
	return ""
}

// Definitions returns the definitions of function name a call from file
// from reaches as of patch k (see Bodies): the series' (or, for a function
// the hunks show only inside, the one its hunk header names), else the
// tree's, found anywhere in it.
func (m *Model) Definitions(ctx context.Context, name, from string, k int) []FuncSite {
	var defs []FuncSite
	for _, fs := range m.Funcs(ctx, name, k) {
		if fs.Fn.Definition && fs.Im != nil {
			defs = append(defs, fs)
		}
	}
	if m.env.Tree != nil && !(m.tree != nil && m.tree.movedSince(name)) {
		// The tree's definitions in the files the series leaves alone:
		// a stub under #else in a header the series patches does not
		// hide the real function in a .c file it does not.
		whole := m.wholeFiles(ctx, k)
		for _, f := range m.env.Tree.WithNeedles(nil).Funcs(name) {
			if f.Definition && !whole[f.File] {
				defs = append(defs, FuncSite{Fn: f.Func, File: f.File, Line: f.Line})
			}
		}
	}
	if defs = linked(defs, from); len(defs) > 0 {
		return defs
	}
	for _, im := range m.View(ctx, k) {
		if im.whole {
			continue
		}
		if f := im.HeaderFuncNamed(name); f != nil {
			return []FuncSite{{Fn: *f, Im: im, File: im.File}}
		}
	}
	return nil
}

func (m *Model) findBodies(ctx context.Context, name, from string, k int) []Body {
	defs := m.Definitions(ctx, name, from, k)
	var series []FuncSite
	for _, d := range defs {
		if d.Im != nil {
			series = append(series, d)
		}
	}
	var out []Body
	if len(series) > 0 {
		// The series' images, each file once.
		files := map[string]FuncSite{}
		for _, fs := range series {
			if _, ok := files[fs.File]; !ok {
				files[fs.File] = fs
			}
		}
		for _, im := range m.View(ctx, k) {
			def, ok := files[im.File]
			if !ok {
				continue
			}
			if !im.MayName(name) && !strings.Contains(im.header, name) {
				continue
			}
			b := collect(Body{Def: def, Im: im}, m.Parse(ctx, im), func(inFunc string, l int) bool {
				return im.Enclosing(inFunc, l) == name
			})
			if len(b.Calls)+len(b.Casts)+len(b.Assigns)+len(b.Locals) > 0 {
				out = append(out, b)
			}
		}
	}
	for _, fs := range defs {
		if fs.Im != nil {
			continue
		}
		im := m.treeExcerpt(fs)
		if im == nil {
			continue
		}
		out = append(out, collect(Body{Def: fs, Im: im, Tree: true}, m.Parse(ctx, im), func(inFunc string, _ int) bool {
			return inFunc == name
		}))
	}
	return out
}

// collect fills b with what u holds inside the function (in says which).
func collect(b Body, u *cfront.Unit, in func(inFunc string, l int) bool) Body {
	for _, c := range u.Calls {
		if in(c.InFunc, c.Line) {
			b.Calls = append(b.Calls, c)
		}
	}
	for _, c := range u.Casts {
		if in(c.InFunc, c.Line) {
			b.Casts = append(b.Casts, c)
		}
	}
	for _, a := range u.Assigns {
		if in(a.InFunc, a.Line) {
			b.Assigns = append(b.Assigns, a)
		}
	}
	for _, d := range u.Decls {
		if d.Kind == cfront.DeclLocal && in(d.InFunc, d.Line) {
			b.Locals = append(b.Locals, d)
		}
	}
	return b
}

// treeExcerpt is an image of a tree definition's lines (from the line
// before its declarator, where the return type often stands, to its
// end), nil when the file cannot be read or the span is implausible.
func (m *Model) treeExcerpt(fs FuncSite) *Image {
	if m.env.Tree == nil || fs.Fn.EndLine < fs.Line || fs.Fn.EndLine-fs.Line > maxTreeBody {
		return nil
	}
	var tf *treeFile
	if m.env.TreeFiles != nil {
		tf = m.env.TreeFiles.get(fs.File, m.env.Tree.ReadFile)
	} else {
		tf = readTreeFile(fs.File, m.env.Tree.ReadFile)
	}
	if tf.err != nil || fs.Fn.EndLine > len(tf.lines) {
		return nil
	}
	from := max(1, fs.Line-1)
	im := &Image{File: fs.File, patch: -1, headers: m.headers}
	var src []byte
	for l := from; l <= fs.Fn.EndLine; l++ {
		t := tf.lines[l-1]
		src = append(append(src, t...), '\n')
		im.text = append(im.text, t)
		im.fileLine = append(im.fileLine, l)
		im.changed = append(im.changed, false)
	}
	im.src = src
	return im
}

// StructDef finds struct name's definition as of patch k: the series'
// post-images first, then the tree (all of it, as Definitions reads it).
func (m *Model) StructDef(ctx context.Context, name string, k int) (cfront.Struct, bool) {
	for _, im := range m.View(ctx, k) {
		if !im.MayName(name) {
			continue
		}
		for _, st := range m.Parse(ctx, im).Structs {
			if st.Name == name {
				return st, true
			}
		}
	}
	if m.env.Tree != nil {
		// Anywhere in the tree: a uapi header names no needle.
		if st, ok := m.env.Tree.WithNeedles(nil).Struct(name); ok {
			return st.Struct, true
		}
	}
	return cfront.Struct{}, false
}

// DefinitionText is the source of a function definition, line by line,
// from its image or the tree's copy of its file; nil when unreadable.
func (m *Model) DefinitionText(fs FuncSite) []string {
	if fs.Im != nil {
		var out []string
		for l := fs.Fn.Line; l <= fs.Fn.EndLine && l <= fs.Im.Lines(); l++ {
			out = append(out, fs.Im.Text(l))
		}
		return out
	}
	im := m.treeExcerpt(fs)
	if im == nil {
		return nil
	}
	return im.text
}

// BindingStructs lists the structs the tree binds functions to member
// of, in any file (none without a tree): the structs a call through
// `x->member(...)` may go through when no rule names one.
func (m *Model) BindingStructs(member string) []string {
	if m.env.Tree == nil {
		return nil
	}
	return m.env.Tree.BindingStructs(member)
}

// BoundFuncs lists the functions bound to structName.member as of the
// last patch: in the series' images, and in the tree's files anywhere
// (whatever the needles) that the series does not have as whole files.
// Each BindSite's File is the file binding it, which names the function
// as that file sees it (see Definitions).
func (m *Model) BoundFuncs(ctx context.Context, structName, member string) []BindSite {
	var out []BindSite
	last := m.last()
	if last < 0 {
		return nil
	}
	for _, im := range m.View(ctx, last) {
		for _, b := range im.Bindings() {
			if b.Struct == structName && b.Member == member {
				out = append(out, b)
			}
		}
	}
	if m.env.Tree == nil {
		return out
	}
	whole := m.wholeFiles(ctx, last)
	for _, tb := range m.env.Tree.WithNeedles(nil).Bindings(structName, member) {
		if whole[tb.File] {
			continue
		}
		out = append(out, BindSite{Struct: tb.Struct, Var: tb.Var, Member: tb.Member, Func: tb.Func, File: tb.File, Line: tb.Line, FileLine: tb.Line})
	}
	return out
}
