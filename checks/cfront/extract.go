package cfront

import (
	"slices"
	"strings"
)

// scope is where the walker is.
type scope struct {
	// fn is the enclosing function, when a function_definition encloses.
	fn string
	// body is true inside a function body.
	body bool
	// top is true for nodes at file scope (directly or under ERROR nodes).
	top bool
}

// span is a byte range of the source attributed to a function.
type span struct {
	start, end int
	name       string
}

// extractor walks one tree and fills a Unit.
type extractor struct {
	p *prepared
	u *Unit
	// declsOnly skips function bodies without initializer lists.
	declsOnly bool
	// fragFuncs are function bodies recognised in fragments without a
	// function_definition node; they give InFunc to what lies inside.
	fragFuncs []span
	// pending records, for Calls, Casts, Assigns and Decls whose function was not
	// known during the walk, the byte offset to resolve against fragFuncs.
	callOff, castOff, assignOff []int
	declOff                     []int
	// inits are the byte ranges of initializer lists already extracted.
	inits []span
	// caseMemo and condMemo keep, per case statement and if condition,
	// what branch has read of them: every call under one case shares it.
	caseMemo map[*node]CaseLabel
	condMemo map[*node]string
	// members are indented file-scope function-pointer declarations: in a
	// fragment, lines of a struct body whose header is outside the hunk.
	members []pendingMember
}

type pendingMember struct {
	m       Member
	off     int
	endLine int
	decl    int // index into u.Decls
}

func newExtractor(p *prepared) *extractor {
	return &extractor{p: p, u: &Unit{}}
}

func (x *extractor) line(n *node) int { return x.p.line(int(n.start)) }

func (x *extractor) endLine(n *node) int {
	e := int(n.end)
	if e > int(n.start) {
		e--
	}
	return x.p.line(e)
}

// maxText bounds the text kept of one expression, so that nested
// expressions cost linear time.
const maxText = 1024

// keepText is the node's text with annotations, whitespace collapsed; at
// most maxText bytes of source are taken.
func (x *extractor) keepText(n *node) string {
	s, e := int(n.start), int(n.end)
	if e-s > maxText {
		return collapse(x.p.keep[s:s+maxText]) + "..."
	}
	return collapse(x.p.keep[s:e])
}

func (x *extractor) text(n *node) string {
	return string(x.p.parse[n.start:n.end])
}

func collapse(b []byte) string {
	return strings.Join(strings.Fields(string(b)), " ")
}

// declarators lists the children of n in its "declarator" field.
func (x *extractor) declarators(n *node) []*node {
	id := grammar().fieldIDs[fDeclarator]
	var out []*node
	for ch := range n.children() {
		if ch.fieldID == id {
			out = append(out, ch)
		}
	}
	return out
}

// walk visits n and its subtree.
func (x *extractor) walk(n *node, sc scope) {
	if n == nil {
		return
	}
	switch n.kind {
	case "function_definition":
		x.funcDef(n, sc)
		return
	case "declaration":
		x.declaration(n, sc)
		return
	case "struct_specifier":
		if n.child(fBody) != nil {
			x.structDef(n, sc)
			return
		}
	case "call_expression":
		x.call(n, sc)
	case "cast_expression":
		x.cast(n, sc)
	case "assignment_expression":
		x.assignment(n, sc)
	case "initializer_list":
		x.looseInit(n, sc)
		return
	case "function_declarator":
		if sc.top && !sc.body {
			x.fragmentFunc(n)
			return
		}
	case "compound_statement":
		if sc.top && !sc.body {
			// A bare block at file scope: the body of a function whose
			// header is outside the fragment.
			sc.top = false
		}
	case "comment", "string_literal", "char_literal", "number_literal":
		return
	}
	sub := sc
	if t := n.kind; t != "ERROR" && t != "translation_unit" {
		// Only ERROR nodes keep their children at file scope.
		sub.top = false
	}
	for ch := range n.children() {
		x.walk(ch, sub)
	}
}

func (x *extractor) walkChildren(n *node, sc scope) {
	for ch := range n.children() {
		x.walk(ch, sc)
	}
}

// maxPrefix bounds the backward search for a fragment function's return
// type.
const maxPrefix = 512

// fragmentFunc handles a function_declarator outside any declaration or
// definition node: in a fragment, the header of a function whose body is
// cut, or a prototype tree-sitter could not place.
func (x *extractor) fragmentFunc(f *node) {
	inner := f.child(fDeclarator)
	if inner == nil || inner.kind != "identifier" {
		return
	}
	src := x.p.parse
	// The return type and storage class: back to the previous ; { } or
	// the start of the fragment. It must be words and stars only.
	start := int(f.start)
	limit := max(0, start-maxPrefix)
	for start > limit && !strings.ContainsRune(";{}", rune(src[start-1])) {
		start--
	}
	if start == limit && limit > 0 {
		// No delimiter near: take the declarator's line, or the line
		// before when it starts the line (`static int\nfoo(...)`).
		start = x.p.lineStart[x.p.line(int(f.start))-1]
		if strings.TrimSpace(string(src[start:f.start])) == "" && start > 0 {
			start = x.p.lineStart[x.p.line(start-1)-1]
		}
	}
	prefixText := string(x.p.keep[start:f.start])
	words := tokenizeType(prefixText)
	named := 0
	for _, w := range words {
		switch {
		case w == "*":
		case isIdentByte(w[0]) && !keywords[w] && w != "else" && w != "return":
			if !storageWords[w] {
				named++
			}
		default:
			return
		}
	}
	if named == 0 {
		return
	}
	end := int(f.end)
	next := skipSpace(src, end)
	if next < len(src) && !strings.ContainsRune(";{,", rune(src[next])) {
		return
	}
	static := slices.Contains(words, "static")
	out := words[:0:0]
	for _, w := range words {
		if !storageWords[w] {
			out = append(out, w)
		}
	}
	ft := FuncType{Ret: newType(joinType(out))}
	x.params(f.child(fParameters), &ft)
	fn := Func{Name: x.text(inner), Type: ft, Static: static, Line: x.line(inner), EndLine: x.endLine(f)}
	if next < len(src) && src[next] == '{' {
		fn.Definition = true
		close := x.p.closeBrace(next)
		last := close
		if last >= len(src) {
			last = len(src) - 1
		}
		fn.EndLine = x.p.line(max(last, next))
		x.fragFuncs = append(x.fragFuncs, span{start: next, end: close, name: fn.Name})
	} else if next < len(src) && src[next] == ';' {
		fn.EndLine = x.p.line(next)
	}
	x.u.Funcs = append(x.u.Funcs, fn)
	x.paramDecls(fn)
}

// finish resolves InFunc for what lies in fragment functions and groups
// indented function-pointer declarations into a headless struct.
func (x *extractor) finish() {
	funcs := newSpanIndex(x.fragFuncs)
	in := func(off int) (string, bool) {
		s, ok := funcs.inside(off)
		return s.name, ok
	}
	for i := 0; i+1 < len(x.callOff); i += 2 {
		if name, ok := in(x.callOff[i+1]); ok {
			x.u.Calls[x.callOff[i]].InFunc = name
		}
	}
	for i := 0; i+1 < len(x.castOff); i += 2 {
		if name, ok := in(x.castOff[i+1]); ok {
			x.u.Casts[x.castOff[i]].InFunc = name
		}
	}
	for i := 0; i+1 < len(x.assignOff); i += 2 {
		if name, ok := in(x.assignOff[i+1]); ok {
			x.u.Assigns[x.assignOff[i]].InFunc = name
		}
	}
	for i := 0; i+1 < len(x.declOff); i += 2 {
		if name, ok := in(x.declOff[i+1]); ok {
			x.u.Decls[x.declOff[i]].InFunc = name
		}
	}
	var headless Struct
	for _, pm := range x.members {
		if _, ok := in(pm.off); ok {
			continue
		}
		if headless.Line == 0 {
			headless.Line = pm.m.Line
		}
		headless.EndLine = pm.endLine
		headless.Members = append(headless.Members, pm.m)
		x.u.Decls[pm.decl].Kind = DeclMember
	}
	if len(headless.Members) > 0 {
		x.u.Structs = append(x.u.Structs, headless)
	}
	x.textInits(funcs)
}
