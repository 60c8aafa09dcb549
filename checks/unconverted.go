package checks

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// UnconvertedID is the ID of the unconverted-implementer check.
const UnconvertedID = "unconverted-implementer"

// UnconvertedImplementer is the series-level check: for every conversion
// rule (inferred from the series, or pinned in the config) it reports the
// implementers bound to the converted member whose definition, after the
// whole series, does not have the new type.
type UnconvertedImplementer struct{}

// ID returns "unconverted-implementer".
func (UnconvertedImplementer) ID() string { return UnconvertedID }

// Run reviews s as a whole.
func (c UnconvertedImplementer) Run(ctx context.Context, s *series.Series, env *Env) ([]Finding, error) {
	m, err := newModel(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.close()
	return c.run(m)
}

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

// Implementers lists, from the tree in env alone (no patch), the functions
// bound to rule.Struct's rule.Member whose definition does not have type
// rule.New, sorted by file and line.
func Implementers(ctx context.Context, env *Env, rule Rule) ([]Implementer, error) {
	if env == nil || env.Tree == nil {
		return nil, fmt.Errorf("list implementers of struct %s.%s: no kernel tree (use --tree DIR)", rule.Struct, rule.Member)
	}
	m, err := newModel(ctx, &series.Series{}, env)
	if err != nil {
		return nil, err
	}
	defer m.close()
	rule = normaliseRule(rule)
	return m.unconverted(rule), nil
}

// implementers lists every function bound to the rule's member, in the
// series' post-images and in the tree, with its post-series definition.
// Bindings whose function has no visible definition are left out.
func (m *model) implementers(r Rule) []Implementer {
	key := r.Struct + "." + r.Member
	if v, ok := m.implCache[key]; ok {
		return v
	}
	last := m.last()
	var out []Implementer
	seen := map[string]bool{}
	add := func(b bindSite, fs funcSite) {
		k := fmt.Sprintf("%s|%s|%d", fs.fn.Name, fs.file, fs.line)
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Implementer{Func: fs.fn.Name, Type: fs.fn.Type.String(), File: fs.file, Line: fs.line,
			Struct: b.Struct, Var: b.Var, BindFile: b.file, BindLine: b.fileLine, InSeries: fs.im != nil, fn: fs.fn.Type,
			quote: m.declaratorQuote(fs)})
	}
	if last >= 0 {
		for _, im := range m.view(last) {
			for _, b := range im.bindings() {
				if b.Struct != r.Struct || b.Member != r.Member {
					continue
				}
				if fs, ok := m.definition(b.Func, b.file, last); ok {
					add(b, fs)
				}
			}
		}
	}
	if m.env.Tree != nil {
		whole := m.wholeFiles(last)
		for _, tb := range m.env.Tree.Bindings(r.Struct, r.Member) {
			// A file read from the diff alone keeps its tree bindings
			// (the diff rarely shows the initializer), but only the
			// diff's definitions answer for them.
			diverged := m.tree.isDiverged(tb.File)
			if whole[tb.File] && !diverged {
				continue
			}
			b := bindSite{Struct: tb.Struct, Var: tb.Var, Member: tb.Member, Func: tb.Func, file: tb.File, line: tb.Line, fileLine: tb.Line}
			if fs, ok := m.definition(b.Func, b.file, last); ok && fs.im != nil {
				add(b, fs)
				continue
			}
			if m.tree.movedSince(b.Func) {
				// The tree binds it in a file the series knows under
				// another path: what the diff defines is the function.
				for _, fs := range m.funcs(b.Func, last) {
					if fs.im != nil && fs.fn.Definition {
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
					add(b, funcSite{fn: f.Func, file: f.File, line: f.Line})
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
func (m *model) definition(name, file string, k int) (funcSite, bool) {
	var global *funcSite
	for _, fs := range m.funcs(name, k) {
		if !fs.fn.Definition {
			continue
		}
		if fs.file == file {
			return fs, true
		}
		if !fs.fn.Static && global == nil {
			g := fs
			global = &g
		}
	}
	if global != nil {
		return *global, true
	}
	return funcSite{}, false
}

// declaratorQuote quotes a function's declarator lines (up to its last
// parameter), from the series' image or from the tree's file.
func (m *model) declaratorQuote(fs funcSite) []string {
	end := fs.fn.Line
	for _, p := range fs.fn.Type.Params {
		end = max(end, p.Line)
	}
	if fs.im != nil {
		return fs.im.quote(fs.fn.Line, end)
	}
	if m.env.Tree == nil {
		return nil
	}
	data, err := m.env.Tree.ReadFile(fs.file)
	if err != nil {
		return []string{fmt.Sprintf("%s:%d: %s()", fs.file, fs.line, fs.fn.Name)}
	}
	lines := splitLines(data)
	var q []string
	for l := fs.fn.Line; l <= end && l <= len(lines) && l-fs.fn.Line < 6; l++ {
		q = append(q, fmt.Sprintf("%s:%d: %s", fs.file, l, strings.TrimRight(lines[l-1], " \t")))
	}
	return q
}

// unconverted returns the implementers the check reports for rule r: those
// still on the old type, and those not matching the new type that the
// series left alone. An implementer the series retyped to a third type is
// callback-signature's to report: the author did convert it, and needs to
// hear what its type should be.
func (m *model) unconverted(r Rule) []Implementer {
	want, err := cfront.ParseFuncType(r.New)
	var out []Implementer
	for _, im := range m.implementers(r) {
		if im.Type == r.New || err == nil && gccCompatible(im.fn, want) {
			continue
		}
		if im.Type != r.Old && m.retypedBySeries(im.Func) {
			continue
		}
		out = append(out, im)
	}
	return out
}

// retypedBySeries reports whether some patch of the series changes the
// type of function name.
func (m *model) retypedBySeries(name string) bool {
	for k := range m.patches {
		if m.typeChanged(k, name) {
			return true
		}
	}
	return false
}

// unconvertedFuncs is the set of functions the check reports, so that
// callback-signature does not report them a second time.
func (m *model) unconvertedFuncs() map[string]bool {
	set := map[string]bool{}
	for _, r := range m.rules() {
		for _, im := range m.unconverted(r) {
			set[im.Func] = true
		}
	}
	return set
}

func (c UnconvertedImplementer) run(m *model) ([]Finding, error) {
	rules := m.rules()
	if len(rules) == 0 {
		return nil, nil
	}
	if !m.s.Complete {
		// The patches that did not arrive may convert the implementers
		// this one leaves alone: judging the series by part of it would
		// report them all.
		m.note("unconverted-implementer: incomplete series are not searched for unconverted implementers; it runs once every patch has arrived")
		return nil, nil
	}
	if m.env.Tree == nil {
		m.note("unconverted-implementer: only the series itself was searched for implementers; the tree-wide part needs --tree DIR")
	}
	inferred := map[string]bool{}
	for _, r := range m.inferRules() {
		inferred[r.Struct+"."+r.Member] = true
	}
	var out []Finding
	for _, r := range rules {
		if err := m.ctx.Err(); err != nil {
			return nil, fmt.Errorf("unconverted-implementer on %q: %w", m.s.Title, err)
		}
		// Say where the conversion comes from: the diff, or a rule pinned
		// in the config for a callback the series does not retype itself.
		changes, converts := "the series changes the member to", "This series converts"
		if !inferred[r.Struct+"."+r.Member] {
			changes, converts = "the pinned conversion rule changes the member to", "The pinned conversion rule ([[checks.rule]]) converts"
		}
		for _, im := range m.unconverted(r) {
			state := "a type that matches neither the old nor the new member type"
			if im.Type == r.Old {
				state = "the old type"
			}
			bind := fmt.Sprintf("%s.%s = %s", im.Var, r.Member, im.Func)
			f := Finding{
				Check: UnconvertedID, Severity: SeverityError,
				File: im.File, Line: im.Line, Symbol: im.Func,
				Message: fmt.Sprintf("%s() implements struct %s.%s (bound at %s:%d) but still has %s '%s'; %s '%s'",
					im.Func, r.Struct, r.Member, im.BindFile, im.BindLine, state, im.Type, changes, r.New),
				Explanation: fmt.Sprintf("%s the callback struct %s.%s from '%s' to '%s'. Every function bound to that member "+
					"must be converted with it: %s() is bound in the initializer of %s (%s:%d) and keeps '%s', so the initializer no longer "+
					"compiles (gcc 12: -Werror=incompatible-pointer-types), or, cast away, the callback is called with arguments it does not expect.",
					converts, r.Struct, r.Member, r.Old, r.New, im.Func, im.Var, im.BindFile, im.BindLine, im.Type),
				Quote:      append(slices.Clone(im.quote), fmt.Sprintf("%s:%d: .%s", im.BindFile, im.BindLine, bind)),
				Suggestion: fmt.Sprintf("convert %s() to '%s' like the other implementers in this series", im.Func, r.New),
				MessageID:  m.seriesMessageID(),
			}
			out = append(out, f)
		}
	}
	return out, nil
}
