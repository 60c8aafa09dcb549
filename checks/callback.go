package checks

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// CallbackSignatureID is the ID of the callback-signature check.
const CallbackSignatureID = "callback-signature"

// CallbackSignature checks that every function a patch binds to a callback
// member in a struct initializer (or a bound function whose signature the
// patch changes) has a definition and prototypes whose type is the
// member's, and that prototypes and definitions the patch changes agree.
// Implementers of a member under a conversion rule that the series leaves
// alone are left to unconverted-implementer; those it retypes wrongly are
// reported here.
type CallbackSignature struct{}

// ID returns "callback-signature".
func (CallbackSignature) ID() string { return CallbackSignatureID }

// Run reviews every patch of s.
func (c CallbackSignature) Run(ctx context.Context, s *series.Series, env *Env) ([]Finding, error) {
	m, err := newModel(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.close()
	return c.run(m)
}

func (c CallbackSignature) run(m *model) ([]Finding, error) {
	skip := m.unconvertedFuncs()
	var out []Finding
	for k, pi := range m.patches {
		if err := m.ctx.Err(); err != nil {
			return nil, fmt.Errorf("callback-signature on %q: %w", m.s.Title, err)
		}
		reported := map[string]bool{}
		for _, b := range m.touchedBindings(k) {
			if skip[b.Func] || reported[b.Func+"|"+b.Struct+"."+b.Member] {
				continue
			}
			if _, ruled := m.ruleFor(b.Struct, b.Member); ruled && !m.typeChanged(k, b.Func) {
				continue
			}
			if f, ok := m.checkBinding(k, b); ok {
				reported[b.Func+"|"+b.Struct+"."+b.Member] = true
				out = append(out, f)
			}
		}
		conflictDone := map[string]bool{}
		for _, fi := range pi.files {
			if !isCSource(fi.name) {
				continue
			}
			out = append(out, m.protoDefConflicts(k, fi, skip, conflictDone)...)
		}
	}
	return out, nil
}

// touchedBindings lists the bindings patch k adds or changes, and the
// bindings (as of patch k) of functions whose signature patch k changes.
func (m *model) touchedBindings(k int) []bindSite {
	var out []bindSite
	changedFuncs := map[string]bool{}
	for _, fi := range m.patches[k].files {
		for _, im := range fi.postImages() {
			im.parse(m.ctx)
			for _, f := range im.unit.Funcs {
				if (funcSite{fn: f, im: im}).touched(k) {
					changedFuncs[f.Name] = true
				}
			}
			for _, b := range im.bindings() {
				if im.Changed(b.line) {
					out = append(out, b)
				}
			}
		}
	}
	if len(changedFuncs) == 0 {
		return out
	}
	for _, im := range m.view(k) {
		for _, b := range im.bindings() {
			if changedFuncs[b.Func] && !(im.patch == k && im.Changed(b.line)) {
				out = append(out, b)
			}
		}
	}
	return out
}

// checkBinding compares the function bound in b with the member's type.
func (m *model) checkBinding(k int, b bindSite) (Finding, bool) {
	ms, ok := m.member(b.Struct, b.Member, k)
	if !ok || ms.mem.Func == nil {
		return Finding{}, false
	}
	want := ms.mem.Func.String()
	for _, fs := range m.funcs(b.Func, k) {
		if fs.fn.Static && fs.file != b.file && !strings.HasSuffix(fs.file, ".h") {
			continue
		}
		if gccCompatible(fs.fn.Type, *ms.mem.Func) {
			continue
		}
		retyped := m.typeChanged(k, b.Func)
		added := b.im != nil && b.im.patch == k && b.im.Changed(b.line)
		if !retyped && !(added && !m.boundBefore(b)) {
			// Neither the function's type nor a new binding of it comes
			// from this patch: what the tree says about the member may
			// simply be older than the series' base.
			continue
		}
		if (ms.im == nil || fs.im == nil) && m.staleTree() {
			// The member or the function is known only from a tree file
			// the series does not touch, in a tree the series is not
			// based on: the base may have retyped it since.
			continue
		}
		got := fs.fn.Type.String()
		file, line := fs.file, fs.line
		var quote []string
		if fs.im != nil {
			quote = fs.im.quote(fs.fn.Line, fs.fn.Line+len(fs.fn.Type.Params)/3)
		}
		if b.im != nil {
			quote = append(quote, b.im.quote(b.line, b.line)...)
		}
		if fs.im == nil || fs.im.patch != k {
			file, line = b.file, b.fileLine
		}
		kind := "prototype"
		if fs.fn.Definition {
			kind = "definition"
		}
		return Finding{
			Check: CallbackSignatureID, Severity: SeverityError,
			File: file, Line: line, Symbol: b.Func,
			Message: fmt.Sprintf("initialization of struct %s.%s from incompatible pointer type: %s() is '%s' but the member is '%s'",
				b.Struct, b.Member, b.Func, got, want),
			Explanation: fmt.Sprintf("%s.%s = %s binds %s() (%s at %s:%d) to struct %s's member %s, declared '%s' (%s:%d). The types differ, "+
				"so gcc 12 fails the build with -Werror=incompatible-pointer-types, and a caller through the member passes arguments the "+
				"function does not expect.", b.Var, b.Member, b.Func, b.Func, kind, fs.file, fs.line, b.Struct, b.Member, want, ms.file, ms.line),
			Quote:      quote,
			Suggestion: fmt.Sprintf("give %s() the member's type '%s'", b.Func, want),
			MessageID:  m.patchMessageID(k),
			Patch:      m.patchNumber(k),
		}, true
	}
	return Finding{}, false
}

// protoDefConflicts reports a prototype and a definition of the same
// function that do not have the same type, where patch k changes one.
func (m *model) protoDefConflicts(k int, fi *fileImages, skip, done map[string]bool) []Finding {
	var out []Finding
	for _, im := range fi.postImages() {
		for _, f := range im.unit.Funcs {
			me := funcSite{fn: f, im: im, file: im.File, line: im.FileLine(f.Line)}
			if done[f.Name] || skip[f.Name] || me.line == 0 || !me.touched(k) {
				continue
			}
			retyped := m.typeChanged(k, f.Name)
			for _, o := range m.funcs(f.Name, k) {
				if o.fn.Definition == f.Definition || gccCompatible(o.fn.Type, f.Type) {
					continue
				}
				if !retyped && !(funcSite{fn: o.fn, im: o.im}).touched(k) {
					// Neither side's type changes in this patch (a line
					// re-wrapped, a function moved): the mismatch, if real,
					// was there before the series.
					continue
				}
				if o.im == im && im.acrossBranches(f.Line, o.fn.Line) && !isStub(me) && !isStub(o) {
					// A prototype and a definition in the two branches of
					// one #if are alternatives for different configurations;
					// only a header's !CONFIG stub must match its prototype.
					continue
				}
				if (f.Static || o.fn.Static) && o.file != me.file || !m.treeCurrent(k, o) {
					continue
				}
				if len(o.fn.Type.Params) == 0 && !o.fn.Type.Variadic && o.fn.Type.Ret.Text == "" {
					continue
				}
				if o.im == nil && m.staleTree() {
					// A header the series does not touch, in a tree the
					// series is not based on, may be older than its base
					// (a fix patch is then flagged against the very
					// prototype it follows).
					continue
				}
				done[f.Name] = true
				kind := map[bool]string{true: "definition", false: "prototype"}
				quote := im.quote(f.Line, f.Line)
				if o.im != nil {
					quote = append(quote, o.im.quote(o.fn.Line, o.fn.Line)...)
				}
				out = append(out, Finding{
					Check: CallbackSignatureID, Severity: SeverityError,
					File: me.file, Line: me.line, Symbol: f.Name,
					Message: fmt.Sprintf("conflicting types for '%s': this %s is '%s' but the %s at %s:%d is '%s'",
						f.Name, kind[f.Definition], f.Type.String(), kind[o.fn.Definition], o.file, o.line, o.fn.Type.String()),
					Explanation: fmt.Sprintf("The patch leaves %s() with a %s and a %s of different types. Where one translation unit "+
						"sees both, gcc rejects it (\"conflicting types\"); where they sit in different #if branches (a prototype "+
						"and its !CONFIG static inline stub), the build breaks, or callers pass the wrong arguments, in the "+
						"configuration that picks the other one.", f.Name, kind[f.Definition], kind[o.fn.Definition]),
					Quote:      quote,
					Suggestion: fmt.Sprintf("change the %s at %s:%d to '%s' as well", kind[o.fn.Definition], o.file, o.line, f.Type.String()),
					MessageID:  m.patchMessageID(k),
					Patch:      m.patchNumber(k),
				})
				break
			}
		}
	}
	return out
}

// typeChanged reports whether patch k gives function name a new type: a
// declarator it adds whose type is not the type the function had before
// (in the patch's pre-images or in the tree), or a function that did not
// exist before.
func (m *model) typeChanged(k int, name string) bool {
	var added, before []cfront.FuncType
	for _, fi := range m.patches[k].files {
		for _, hi := range fi.hunks {
			post, pre := hi.post.parse(m.ctx), hi.pre.parse(m.ctx)
			for _, f := range post.Funcs {
				if f.Name == name && (funcSite{fn: f, im: hi.post}).touched(k) {
					added = append(added, f.Type)
				}
			}
			for _, g := range pre.Funcs {
				if g.Name == name {
					before = append(before, g.Type)
				}
			}
		}
	}
	if m.env.Tree != nil {
		for _, f := range m.env.Tree.Funcs(name) {
			before = append(before, f.Type)
		}
	}
	for _, a := range added {
		same := false
		for _, b := range before {
			same = same || a.Equal(b)
		}
		if !same {
			return true
		}
	}
	return false
}

// boundBefore reports whether the function of b was already bound to the
// same struct member before the series: in the tree, or on lines of the
// series' pre-images.
func (m *model) boundBefore(b bindSite) bool {
	if m.env.Tree != nil {
		for _, tb := range m.env.Tree.Bindings(b.Struct, b.Member) {
			if tb.Func == b.Func {
				return true
			}
		}
	}
	for _, pi := range m.patches {
		for _, fi := range pi.files {
			for _, hi := range fi.hunks {
				hi.pre.parse(m.ctx)
				for _, pb := range hi.pre.bindings() {
					if pb.Struct == b.Struct && pb.Member == b.Member && pb.Func == b.Func {
						return true
					}
				}
			}
		}
	}
	return false
}

// gccCompatible compares two function types the way gcc would, as far as
// the text shows: it returns equal=false only when the types certainly
// differ. A parameter spelled with a typedef name on one side and another
// type on the other (poll_table against struct poll_table_struct, u32
// against unsigned int) may be the same type: that is not a certain
// difference, and precision matters more than recall here.
func gccCompatible(a, b cfront.FuncType) bool {
	if a.Equal(b) {
		return true
	}
	if len(a.Params) != len(b.Params) || a.Variadic != b.Variadic {
		return false
	}
	types := func(f cfront.FuncType) []cfront.Type {
		ts := []cfront.Type{f.Ret}
		for _, p := range f.Params {
			ts = append(ts, p.Type)
		}
		return ts
	}
	ta, tb := types(a), types(b)
	for i := range ta {
		x, y := canonType(ta[i], i == 0), canonType(tb[i], i == 0)
		if i == 0 {
			// A section or attribute macro the front end does not know
			// (`unsigned long __head __startup_64(...)`) sits in front of
			// the name on one side only: it is no part of the type.
			x, y = dropAttributeWords(x), dropAttributeWords(y)
		}
		if x == y {
			continue
		}
		if ta[i].Pointer() != tb[i].Pointer() || !typedefAmbiguous(x, y) {
			return false
		}
	}
	return true
}

// canonType is the canonical spelling of a return (ret) or parameter type.
func canonType(t cfront.Type, ret bool) string {
	if ret {
		s := cfront.FuncType{Ret: t}.String()
		return strings.TrimSuffix(s, " ()")
	}
	s := cfront.FuncType{Params: []cfront.Param{{Type: t}}}.String()
	if i := strings.Index(s, "("); i >= 0 {
		s = strings.TrimSuffix(s[i+1:], ")")
	}
	return s
}

// attributeWord matches a word that reads as a kernel attribute macro
// (`__head`, `__init_or_acpilib`); typeNamed lists the "__" words that
// are types, which stay.
var (
	attributeWord = regexp.MustCompile(`^__[a-z][a-z0-9_]*$`)
	typeNamed     = regexp.MustCompile(`^__(?:[us]\d+|[lb]e\d+|kernel_\w+|poll_t|wsum|sum16|aligned_[a-z]*\d+|bitwise)$`)
)

// dropAttributeWords removes the attribute-like words of a canonical type
// spelling (which has no address-space annotations left).
func dropAttributeWords(s string) string {
	words := strings.Fields(s)
	out := words[:0]
	for _, w := range words {
		if attributeWord.MatchString(w) && !typeNamed.MatchString(w) {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// builtinWords are the words of C's own type names.
var builtinWords = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true, "unsigned": true, "signed": true,
	"float": true, "double": true, "_Bool": true, "bool": true, "const": true, "volatile": true,
	"struct": true, "union": true, "enum": true,
}

// typedefAmbiguous reports whether two differing type spellings could name
// the same type through a typedef: one of them has a base type that is a
// single non-builtin identifier.
func typedefAmbiguous(x, y string) bool {
	base := func(s string) (string, bool) {
		var words []string
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '*' || r == '(' || r == ')' }) {
			if w != "const" && w != "volatile" {
				words = append(words, w)
			}
		}
		return strings.Join(words, " "), len(words) == 1 && !builtinWords[words[0]]
	}
	bx, tx := base(x)
	by, ty := base(y)
	return bx != by && (tx || ty)
}
