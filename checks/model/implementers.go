package model

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// Implementer is a function bound to a callback member in a struct
// initializer, with its definition.
type Implementer struct {
	// Func is the function's name.
	Func string `json:"func"`
	// Type is the canonical type of its definition.
	Type string `json:"type"`
	// File and Line locate the definition (post-series when the series
	// touches the file).
	File string `json:"file"`
	Line int    `json:"line"`
	// Struct, Var, BindFile and BindLine locate one initializer binding it.
	Struct   string `json:"struct"`
	Var      string `json:"var"`
	BindFile string `json:"bind_file"`
	BindLine int    `json:"bind_line"`
	// InSeries is true when the definition comes from the series' images.
	InSeries bool `json:"in_series"`
	fn       cfront.FuncType
	// quote is the definition's declarator as written ("file:line: text").
	quote []string
}

// Quote is the definition's declarator as written, one "file:line: text"
// a line.
func (im Implementer) Quote() []string { return im.quote }

// Implementers lists, from the tree in env alone (no patch), the functions
// bound to rule.Struct's rule.Member whose definition does not have type
// rule.New, sorted by file and line.
func Implementers(ctx context.Context, env *Env, rule Rule) ([]Implementer, error) {
	if env == nil || env.Tree == nil {
		return nil, fmt.Errorf("list implementers of struct %s.%s: no kernel tree (use --tree DIR)", rule.Struct, rule.Member)
	}
	m, err := New(ctx, &series.Series{}, env)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	rule = normaliseRule(rule)
	return m.Unconverted(ctx, rule), nil
}

// Implementers lists every function bound to the rule's member, in the
// series' post-images and in the tree, with its post-series definition,
// sorted by file and line. Bindings whose function has no visible
// definition are left out.
func (m *Model) Implementers(ctx context.Context, r Rule) []Implementer {
	key := r.Struct + "." + r.Member
	if v, ok := m.implCache[key]; ok {
		return v
	}
	last := m.last()
	var out []Implementer
	seen := map[string]bool{}
	add := func(b BindSite, fs FuncSite) {
		k := fmt.Sprintf("%s|%s|%d", fs.Fn.Name, fs.File, fs.Line)
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Implementer{Func: fs.Fn.Name, Type: fs.Fn.Type.String(), File: fs.File, Line: fs.Line,
			Struct: b.Struct, Var: b.Var, BindFile: b.File, BindLine: b.FileLine, InSeries: fs.Im != nil, fn: fs.Fn.Type,
			quote: m.declaratorQuote(fs)})
	}
	if last >= 0 {
		for _, im := range m.View(ctx, last) {
			for _, b := range im.Bindings() {
				if b.Struct != r.Struct || b.Member != r.Member {
					continue
				}
				if fs, ok := m.definition(ctx, b.Func, b.File, last); ok {
					add(b, fs)
				}
			}
		}
	}
	if m.env.Tree != nil {
		whole := m.wholeFiles(ctx, last)
		for _, tb := range m.env.Tree.Bindings(r.Struct, r.Member) {
			// A file read from the diff alone keeps its tree bindings
			// (the diff rarely shows the initializer), but only the
			// diff's definitions answer for them.
			diverged := m.tree.isDiverged(tb.File)
			if whole[tb.File] && !diverged {
				continue
			}
			b := BindSite{Struct: tb.Struct, Var: tb.Var, Member: tb.Member, Func: tb.Func, File: tb.File, Line: tb.Line, FileLine: tb.Line}
			if fs, ok := m.definition(ctx, b.Func, b.File, last); ok && fs.Im != nil {
				add(b, fs)
				continue
			}
			if m.tree.movedSince(b.Func) {
				// The tree binds it in a file the series knows under
				// another path: what the diff defines is the function.
				for _, fs := range m.Funcs(ctx, b.Func, last) {
					if fs.Im != nil && fs.Fn.Definition {
						add(b, fs)
						break
					}
				}
				continue
			}
			if diverged {
				continue
			}
			for _, f := range m.env.Tree.Resolve(tb) {
				if f.Definition && !whole[f.File] {
					add(b, FuncSite{Fn: f.Func, File: f.File, Line: f.Line})
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	if m.implCache == nil {
		m.implCache = map[string][]Implementer{}
	}
	m.implCache[key] = out
	return out
}

// definition finds the definition of a function bound in file: a static
// one in that file first, else a non-static one anywhere.
func (m *Model) definition(ctx context.Context, name, file string, k int) (FuncSite, bool) {
	var global *FuncSite
	for _, fs := range m.Funcs(ctx, name, k) {
		if !fs.Fn.Definition {
			continue
		}
		if fs.File == file {
			return fs, true
		}
		if !fs.Fn.Static && global == nil {
			g := fs
			global = &g
		}
	}
	if global != nil {
		return *global, true
	}
	return FuncSite{}, false
}

// declaratorQuote quotes a function's declarator lines (up to its last
// parameter), from the series' image or from the tree's file.
func (m *Model) declaratorQuote(fs FuncSite) []string {
	end := fs.Fn.Line
	for _, p := range fs.Fn.Type.Params {
		end = max(end, p.Line)
	}
	if fs.Im != nil {
		return fs.Im.Quote(fs.Fn.Line, end)
	}
	if m.env.Tree == nil {
		return nil
	}
	data, err := m.env.Tree.ReadFile(fs.File)
	if err != nil {
		return []string{fmt.Sprintf("%s:%d: %s()", fs.File, fs.Line, fs.Fn.Name)}
	}
	lines := splitLines(data)
	var q []string
	for l := fs.Fn.Line; l <= end && l <= len(lines) && l-fs.Fn.Line < 6; l++ {
		q = append(q, fmt.Sprintf("%s:%d: %s", fs.File, l, strings.TrimRight(lines[l-1], " \t")))
	}
	return q
}

// Unconverted returns the implementers unconverted-implementer reports for
// rule r: those still on the old type, and those not matching the new type
// that the series left alone. An implementer the series retyped to a third
// type is callback-signature's to report: the author did convert it, and
// needs to hear what its type should be.
func (m *Model) Unconverted(ctx context.Context, r Rule) []Implementer {
	want, err := cfront.ParseFuncType(r.New)
	var out []Implementer
	for _, im := range m.Implementers(ctx, r) {
		if im.Type == r.New || err == nil && GCCCompatible(im.fn, want) {
			continue
		}
		if im.Type != r.Old && m.retypedBySeries(ctx, im.Func) {
			continue
		}
		out = append(out, im)
	}
	return out
}

// retypedBySeries reports whether some patch of the series changes the
// type of function name.
func (m *Model) retypedBySeries(ctx context.Context, name string) bool {
	for k := range m.patches {
		if m.TypeChanged(ctx, k, name) {
			return true
		}
	}
	return false
}

// UnconvertedFuncs is the set of functions unconverted-implementer reports
// (Unconverted under every rule in force), so that callback-signature does
// not report them a second time.
func (m *Model) UnconvertedFuncs(ctx context.Context) map[string]bool {
	set := map[string]bool{}
	for _, r := range m.Rules(ctx) {
		for _, im := range m.Unconverted(ctx, r) {
			set[im.Func] = true
		}
	}
	return set
}
