package cfront

import (
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
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
	// cur is the tree cursor children() reuses.
	cur *sitter.TreeCursor
	// fragFuncs are function bodies recognised in fragments without a
	// function_definition node; they give InFunc to what lies inside.
	fragFuncs []span
	// pending records, for Calls, Casts and Decls whose function was not
	// known during the walk, the byte offset to resolve against fragFuncs.
	callOff, castOff []int
	declOff          []int
	// inits are the byte ranges of initializer lists already extracted.
	inits []span
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

// close frees the tree cursor.
func (x *extractor) close() {
	if x.cur != nil {
		x.cur.Close()
	}
}

func (x *extractor) line(n *sitter.Node) int { return x.p.line(int(n.StartByte())) }

func (x *extractor) endLine(n *sitter.Node) int {
	e := int(n.EndByte())
	if e > int(n.StartByte()) {
		e--
	}
	return x.p.line(e)
}

// maxText bounds the text kept of one expression, so that nested
// expressions cost linear time.
const maxText = 1024

// keepText is the node's text with annotations, whitespace collapsed; at
// most maxText bytes of source are taken.
func (x *extractor) keepText(n *sitter.Node) string {
	s, e := int(n.StartByte()), int(n.EndByte())
	if e-s > maxText {
		return collapse(x.p.keep[s:s+maxText]) + "..."
	}
	return collapse(x.p.keep[s:e])
}

func (x *extractor) text(n *sitter.Node) string {
	return string(x.p.parse[n.StartByte():n.EndByte()])
}

func collapse(b []byte) string {
	return strings.Join(strings.Fields(string(b)), " ")
}

// children lists n's children with a tree cursor: Node.Child(i) walks
// from the first child each time, which is quadratic on wide nodes.
func (x *extractor) children(n *sitter.Node) []*sitter.Node {
	out, _ := x.childrenFields(n, false)
	return out
}

// childrenFields lists n's children and, when withFields, their field
// names.
func (x *extractor) childrenFields(n *sitter.Node, withFields bool) ([]*sitter.Node, []string) {
	if x.cur == nil {
		x.cur = sitter.NewTreeCursor(n)
	} else {
		x.cur.Reset(n)
	}
	if !x.cur.GoToFirstChild() {
		return nil, nil
	}
	var nodes []*sitter.Node
	var fields []string
	for {
		nodes = append(nodes, x.cur.CurrentNode())
		if withFields {
			fields = append(fields, x.cur.CurrentFieldName())
		}
		if !x.cur.GoToNextSibling() {
			return nodes, fields
		}
	}
}

// declarators lists the children of n in its "declarator" field.
func (x *extractor) declarators(n *sitter.Node) []*sitter.Node {
	nodes, fields := x.childrenFields(n, true)
	var out []*sitter.Node
	for i, f := range fields {
		if f == "declarator" {
			out = append(out, nodes[i])
		}
	}
	return out
}

// walk visits n and its subtree.
func (x *extractor) walk(n *sitter.Node, sc scope) {
	if n == nil {
		return
	}
	switch n.Type() {
	case "function_definition":
		x.funcDef(n, sc)
		return
	case "declaration":
		x.declaration(n, sc)
		return
	case "struct_specifier":
		if n.ChildByFieldName("body") != nil {
			x.structDef(n, sc)
			return
		}
	case "call_expression":
		x.call(n, sc)
	case "cast_expression":
		x.cast(n, sc)
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
	if t := n.Type(); t != "ERROR" && t != "translation_unit" {
		// Only ERROR nodes keep their children at file scope.
		sub.top = false
	}
	for _, ch := range x.children(n) {
		x.walk(ch, sub)
	}
}

// declInfo is what a declarator declares.
type declInfo struct {
	name     string
	nameNode *sitter.Node
	typ      Type
	// fn is the function type of a function or a function pointer.
	fn *FuncType
	// isFunc is true for a function (not a pointer to one).
	isFunc bool
	// fnDecl is the function_declarator of a function.
	fnDecl *sitter.Node
}

var storageWords = map[string]bool{
	"static": true, "extern": true, "inline": true, "register": true, "auto": true,
	"typedef": true, "_Thread_local": true, "__thread": true, "__inline": true, "__inline__": true,
}

// specifiers returns the type prefix of a declaration-like node (the text
// from its start to its first declarator, storage classes removed, struct
// bodies shortened to the tag) and whether it said "static".
func (x *extractor) specifiers(n *sitter.Node, firstDecl *sitter.Node) (string, bool) {
	start := int(n.StartByte())
	end := int(n.EndByte())
	if firstDecl != nil {
		end = int(firstDecl.StartByte())
	}
	typ := n.ChildByFieldName("type")
	var text string
	if typ != nil && typ.ChildByFieldName("body") != nil && int(typ.StartByte()) >= start && int(typ.EndByte()) <= end {
		tag := typ.Type()
		tag = strings.TrimSuffix(tag, "_specifier")
		if nm := typ.ChildByFieldName("name"); nm != nil {
			tag += " " + x.text(nm)
		}
		text = string(x.p.keep[start:typ.StartByte()]) + " " + tag + " " + string(x.p.keep[typ.EndByte():end])
	} else {
		text = string(x.p.keep[start:end])
	}
	words := tokenizeType(text)
	static := false
	out := words[:0]
	for _, w := range words {
		if storageWords[w] {
			static = static || w == "static"
			continue
		}
		out = append(out, w)
	}
	return joinType(out), static
}

// unwrapName follows the declarator field down to the declared identifier.
func unwrapName(d *sitter.Node) *sitter.Node {
	for d != nil {
		switch d.Type() {
		case "identifier", "field_identifier", "type_identifier", "primitive_type":
			return d
		case "parenthesized_declarator", "attributed_declarator":
			if d.NamedChildCount() == 0 {
				return nil
			}
			d = d.NamedChild(0)
		default:
			next := d.ChildByFieldName("declarator")
			if next == nil {
				return nil
			}
			d = next
		}
	}
	return nil
}

// outerFuncDecl is the outermost function_declarator of a declarator chain.
func outerFuncDecl(d *sitter.Node) *sitter.Node {
	for d != nil {
		switch d.Type() {
		case "function_declarator", "abstract_function_declarator":
			return d
		case "parenthesized_declarator", "attributed_declarator", "abstract_parenthesized_declarator":
			if d.NamedChildCount() == 0 {
				return nil
			}
			d = d.NamedChild(0)
		default:
			d = d.ChildByFieldName("declarator")
		}
	}
	return nil
}

// declarator analyses one declarator d (not an init_declarator) given the
// type prefix of its declaration.
func (x *extractor) declarator(prefix string, d *sitter.Node) declInfo {
	var di declInfo
	di.nameNode = unwrapName(d)
	if di.nameNode != nil {
		di.name = x.text(di.nameNode)
	}
	f := outerFuncDecl(d)
	if f == nil {
		// Plain, pointer or array declarator: its text without the name.
		var text string
		if di.nameNode != nil {
			text = string(x.p.keep[d.StartByte():di.nameNode.StartByte()]) + " " +
				string(x.p.keep[di.nameNode.EndByte():d.EndByte()])
		} else {
			text = string(x.p.keep[d.StartByte():d.EndByte()])
		}
		di.typ = newType(prefix + " " + text)
		return di
	}
	ft := FuncType{Ret: newType(prefix + " " + string(x.p.keep[d.StartByte():f.StartByte()]))}
	x.params(f.ChildByFieldName("parameters"), &ft)
	di.fn = &ft
	inner := f.ChildByFieldName("declarator")
	if inner != nil && (inner.Type() == "identifier" || inner.Type() == "field_identifier") {
		di.isFunc = true
		di.fnDecl = f
		return di
	}
	di.typ = newType(ft.pointerText())
	return di
}

// params fills ft's parameters from a parameter_list.
func (x *extractor) params(list *sitter.Node, ft *FuncType) {
	if list == nil {
		return
	}
	for _, ch := range x.children(list) {
		switch ch.Type() {
		case "variadic_parameter", "...":
			ft.Variadic = true
		case "parameter_declaration":
			d := ch.ChildByFieldName("declarator")
			prefix, _ := x.specifiers(ch, d)
			if d == nil {
				if prefix == "void" && len(x.children(list)) <= 3 {
					continue // (void)
				}
				ft.Params = append(ft.Params, Param{Type: newType(prefix), Line: x.line(ch)})
				continue
			}
			di := x.declarator(prefix, d)
			line := x.line(ch)
			if di.nameNode != nil {
				line = x.line(di.nameNode)
			}
			if di.isFunc {
				// A parameter of function type is a function pointer.
				di.typ = newType(di.fn.pointerText())
			}
			ft.Params = append(ft.Params, Param{Name: di.name, Type: di.typ, Line: line})
		}
	}
}

// funcDef handles a function_definition.
func (x *extractor) funcDef(n *sitter.Node, sc scope) {
	d := n.ChildByFieldName("declarator")
	body := n.ChildByFieldName("body")
	if d == nil {
		x.walkChildren(n, sc)
		return
	}
	prefix, static := x.specifiers(n, d)
	di := x.declarator(prefix, d)
	if !di.isFunc || di.name == "" {
		// Kernel macros can make tree-sitter see a definition where there
		// is none (e.g. `LIST_HEAD(x) {`); take only what is inside.
		x.walk(body, scope{body: true})
		return
	}
	fn := Func{
		Name: di.name, Type: *di.fn, Definition: true, Static: static,
		Line: x.line(di.nameNode), EndLine: x.endLine(n),
	}
	x.u.Funcs = append(x.u.Funcs, fn)
	x.paramDecls(fn)
	if x.declsOnly && body != nil && !hasInitList(x.p.parse[body.StartByte():body.EndByte()]) {
		return
	}
	x.walk(body, scope{fn: di.name, body: true})
}

// hasInitList reports whether code may hold an initializer list: a "{"
// after "=" or after a cast's ")".
func hasInitList(code []byte) bool {
	for i := 1; i < len(code); i++ {
		if code[i] != '{' {
			continue
		}
		j := i - 1
		for j > 0 && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n') {
			j--
		}
		if code[j] == '=' || code[j] == ')' && i-j > 0 && isCompoundLiteral(code, j) {
			return true
		}
	}
	return false
}

// isCompoundLiteral reports whether the ")" at code[j] closes a cast to a
// struct, as in `(struct foo){ ... }`.
func isCompoundLiteral(code []byte, j int) bool {
	depth := 0
	for k := j; k >= 0 && k > j-maxPrefix; k-- {
		switch code[k] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				inner := strings.TrimSpace(string(code[k+1 : j]))
				return strings.HasPrefix(inner, "struct ") || strings.HasPrefix(inner, "const struct ")
			}
		}
	}
	return false
}

func (x *extractor) walkChildren(n *sitter.Node, sc scope) {
	for _, ch := range x.children(n) {
		x.walk(ch, sc)
	}
}

func (x *extractor) paramDecls(fn Func) {
	for _, p := range fn.Type.Params {
		if p.Name == "" {
			continue
		}
		x.u.Decls = append(x.u.Decls, Decl{Name: p.Name, Type: p.Type, Kind: DeclParam, InFunc: fn.Name, Line: p.Line})
	}
}

// declaration handles a declaration: prototypes, variables, initializers.
func (x *extractor) declaration(n *sitter.Node, sc scope) {
	decls := x.declarators(n)
	if typ := n.ChildByFieldName("type"); typ != nil && typ.ChildByFieldName("body") != nil {
		x.walk(typ, sc)
	}
	var first *sitter.Node
	if len(decls) > 0 {
		first = decls[0]
	}
	prefix, static := x.specifiers(n, first)
	if strings.ContainsAny(prefix, ",;={}") {
		// tree-sitter's error recovery made a declaration of broken code,
		// such as the argument tail `a, b);` of a call cut by the hunk.
		for _, ch := range x.children(n) {
			if ch.IsNamed() {
				x.walk(ch, sc)
			}
		}
		return
	}
	isTypedef := false
	for _, ch := range x.children(n) {
		if ch.Type() == "type_definition" || (ch.Type() == "storage_class_specifier" && x.text(ch) == "typedef") {
			isTypedef = true
		}
	}
	for _, d := range decls {
		var value *sitter.Node
		if d.Type() == "init_declarator" {
			value = d.ChildByFieldName("value")
			d = d.ChildByFieldName("declarator")
			if d == nil {
				x.walk(value, sc)
				continue
			}
		}
		di := x.declarator(prefix, d)
		if di.name == "" || isTypedef {
			x.walk(value, sc)
			continue
		}
		if di.isFunc && value == nil {
			if sc.body || !x.plausibleProto(n) {
				continue
			}
			fn := Func{
				Name: di.name, Type: *di.fn, Static: static,
				Line: x.line(di.nameNode), EndLine: x.endLine(n),
			}
			x.u.Funcs = append(x.u.Funcs, fn)
			x.paramDecls(fn)
			continue
		}
		kind := DeclGlobal
		switch {
		case sc.body:
			kind = DeclLocal
		case x.p.lineColumn(int(n.StartByte())) > 0:
			// Indented code at file scope is the inside of a function or
			// struct whose header is outside the fragment.
			kind = DeclLocal
		}
		decl := Decl{Name: di.name, Type: di.typ, Kind: kind, InFunc: sc.fn, Line: x.line(di.nameNode)}
		x.u.Decls = append(x.u.Decls, decl)
		idx := len(x.u.Decls) - 1
		if kind == DeclLocal && sc.fn == "" {
			x.declOff = append(x.declOff, idx, int(n.StartByte()))
		}
		if kind == DeclLocal && !sc.body && di.fn != nil && value == nil {
			x.members = append(x.members, pendingMember{
				m:   Member{Name: di.name, Type: di.typ, Func: di.fn, Line: decl.Line},
				off: int(n.StartByte()), endLine: x.endLine(n), decl: idx,
			})
		}
		if value != nil && value.Type() == "initializer_list" {
			x.initDecl(prefix, d, di, value, sc)
			continue
		}
		x.walk(value, sc)
	}
}

// plausibleProto rejects what tree-sitter takes for a prototype in broken
// code, such as a macro call `FOO(a, b);` without a return type.
func (x *extractor) plausibleProto(n *sitter.Node) bool {
	typ := n.ChildByFieldName("type")
	if typ == nil {
		return false
	}
	return !keywords[x.text(typ)]
}

// structTag returns the struct tag named in a type prefix
// ("const struct proto_ops" -> "proto_ops").
func structTag(prefix string) string {
	toks := tokenizeType(prefix)
	for i, t := range toks {
		if t == "struct" && i+1 < len(toks) {
			return toks[i+1]
		}
	}
	return ""
}

// initDecl extracts the initializer of a declared struct variable (or of
// each element of an array of structs).
func (x *extractor) initDecl(prefix string, d *sitter.Node, di declInfo, list *sitter.Node, sc scope) {
	tag := structTag(prefix)
	if strings.Contains(di.typ.Text, "[") {
		// An array of structs: one Init per element list.
		for _, el := range x.children(list) {
			v := el
			if el.Type() == "initializer_pair" {
				v = pairValue(el)
			}
			if v != nil && v.Type() == "initializer_list" {
				if v.NamedChildCount() > 0 { // not the `{ }` terminator
					x.initList(tag, di.name, v, sc)
				}
			} else if v != nil {
				x.walk(v, sc)
			}
		}
		x.inits = append(x.inits, span{start: int(list.StartByte()), end: int(list.EndByte())})
		return
	}
	x.initList(tag, di.name, list, sc)
}

// initList records one Init for the list and walks the field values.
func (x *extractor) initList(tag, v string, list *sitter.Node, sc scope) {
	in := Init{Struct: tag, Var: v, Line: x.line(list)}
	x.fields(&in, "", list, sc)
	x.inits = append(x.inits, span{start: int(list.StartByte()), end: int(list.EndByte())})
	x.u.Inits = append(x.u.Inits, in)
}

func pairValue(pair *sitter.Node) *sitter.Node {
	if v := pair.ChildByFieldName("value"); v != nil {
		return v
	}
	if c := int(pair.NamedChildCount()); c > 0 {
		return pair.NamedChild(c - 1)
	}
	return nil
}

// fields collects the designated fields of list into in, prefixing nested
// designators with prefix.
func (x *extractor) fields(in *Init, prefix string, list *sitter.Node, sc scope) {
	for _, el := range x.children(list) {
		switch el.Type() {
		case "initializer_pair":
			var path []string
			for _, ch := range x.children(el) {
				switch ch.Type() {
				case "field_designator":
					if ch.NamedChildCount() > 0 {
						path = append(path, x.text(ch.NamedChild(0)))
					} else {
						path = append(path, strings.TrimPrefix(strings.TrimSpace(x.text(ch)), "."))
					}
				case "field_identifier":
					// GNU old-style `member: value`.
					path = append(path, x.text(ch))
				case "subscript_designator", "subscript_range_designator":
					path = append(path, collapse(x.p.parse[ch.StartByte():ch.EndByte()]))
				}
			}
			v := pairValue(el)
			if v == nil || len(path) == 0 {
				continue
			}
			name := prefix + strings.Join(path, ".")
			name = strings.ReplaceAll(name, ".[", "[")
			if v.Type() == "initializer_list" {
				x.fields(in, name+".", v, sc)
				continue
			}
			e := x.expr(v)
			in.Fields = append(in.Fields, Field{Member: name, Value: e.Text, Ident: e.Ident, Line: x.line(el)})
			x.walk(v, sc)
		case "initializer_list":
			// Positional nested list: its designators are relative to an
			// unnamed member; keep them unprefixed.
			x.fields(in, prefix, el, sc)
		default:
			if el.IsNamed() {
				x.walk(el, sc)
			}
		}
	}
}

// looseInit handles an initializer list not under a declaration: a compound
// literal, or in a fragment, the inside of an initializer whose header is
// outside the hunk.
func (x *extractor) looseInit(n *sitter.Node, sc scope) {
	tag := ""
	if p := n.Parent(); p != nil && p.Type() == "compound_literal_expression" {
		if t := p.ChildByFieldName("type"); t != nil {
			tag = structTag(x.keepText(t))
		}
	}
	in := Init{Struct: tag, Line: x.line(n)}
	x.fields(&in, "", n, sc)
	x.inits = append(x.inits, span{start: int(n.StartByte()), end: int(n.EndByte())})
	if len(in.Fields) > 0 {
		x.u.Inits = append(x.u.Inits, in)
	}
}

// structDef handles a struct (or union) specifier with a body.
func (x *extractor) structDef(n *sitter.Node, sc scope) {
	body := n.ChildByFieldName("body")
	name := n.ChildByFieldName("name")
	st := Struct{Line: x.line(n), EndLine: x.endLine(n)}
	if name != nil {
		st.Name = x.text(name)
	}
	x.structMembers(&st, body, sc)
	if n.Type() == "struct_specifier" && st.Name != "" {
		x.u.Structs = append(x.u.Structs, st)
	}
}

// structMembers adds the members of a field_declaration_list to st, flattening
// anonymous structs and unions.
func (x *extractor) structMembers(st *Struct, body *sitter.Node, sc scope) {
	for _, fd := range x.children(body) {
		if fd.Type() != "field_declaration" {
			if fd.IsNamed() && fd.Type() != "comment" {
				x.walk(fd, sc)
			}
			continue
		}
		decls := x.declarators(fd)
		typ := fd.ChildByFieldName("type")
		if typ != nil && typ.ChildByFieldName("body") != nil {
			if len(decls) == 0 {
				x.structMembers(st, typ.ChildByFieldName("body"), sc)
				continue
			}
			if typ.Type() == "struct_specifier" && typ.ChildByFieldName("name") != nil {
				x.structDef(typ, sc)
			}
		}
		var first *sitter.Node
		if len(decls) > 0 {
			first = decls[0]
		}
		prefix, _ := x.specifiers(fd, first)
		for _, d := range decls {
			di := x.declarator(prefix, d)
			if di.name == "" {
				continue
			}
			m := Member{Name: di.name, Type: di.typ, Line: x.line(di.nameNode)}
			if di.fn != nil {
				ft := *di.fn
				m.Func = &ft
				if di.isFunc {
					m.Type = newType(ft.pointerText())
				}
			}
			st.Members = append(st.Members, m)
			x.u.Decls = append(x.u.Decls, Decl{Name: m.Name, Type: m.Type, Kind: DeclMember, InFunc: st.Name, Line: m.Line})
		}
	}
}

// call handles a call_expression.
func (x *extractor) call(n *sitter.Node, sc scope) {
	fn := n.ChildByFieldName("function")
	if fn == nil {
		return
	}
	c := Call{Func: x.keepText(fn), Line: x.line(n), InFunc: sc.fn}
	if args := n.ChildByFieldName("arguments"); args != nil {
		for _, a := range x.children(args) {
			if a.IsNamed() && a.Type() != "comment" {
				c.Args = append(c.Args, x.expr(a))
			}
		}
	}
	x.u.Calls = append(x.u.Calls, c)
	if sc.fn == "" {
		x.callOff = append(x.callOff, len(x.u.Calls)-1, int(n.StartByte()))
	}
}

// castType is the type of a cast, taken between its parentheses so that
// annotations written before the base type are kept.
func (x *extractor) castType(n *sitter.Node) Type {
	t := n.ChildByFieldName("type")
	if t == nil {
		return Type{}
	}
	start, end := int(t.StartByte()), int(t.EndByte())
	for start > int(n.StartByte()) && x.p.parse[start-1] != '(' {
		start--
	}
	for end < int(n.EndByte()) && x.p.parse[end] != ')' {
		end++
	}
	return newType(string(x.p.keep[start:end]))
}

// cast handles a cast_expression.
func (x *extractor) cast(n *sitter.Node, sc scope) {
	v := n.ChildByFieldName("value")
	if v == nil {
		return
	}
	x.u.Casts = append(x.u.Casts, Cast{To: x.castType(n), Expr: x.expr(v), Line: x.line(n), InFunc: sc.fn})
	if sc.fn == "" {
		x.castOff = append(x.castOff, len(x.u.Casts)-1, int(n.StartByte()))
	}
}

// expr describes an expression node.
func (x *extractor) expr(n *sitter.Node) Expr {
	e := Expr{Text: x.keepText(n)}
	cur := n
	for cur != nil && cur.Type() == "parenthesized_expression" && cur.NamedChildCount() == 1 {
		cur = cur.NamedChild(0)
	}
	if cur != nil && cur.Type() == "cast_expression" {
		t := x.castType(cur)
		e.Cast = &t
	}
	for cur != nil {
		switch cur.Type() {
		case "identifier":
			e.Ident = x.text(cur)
			return e
		case "parenthesized_expression":
			if cur.NamedChildCount() != 1 {
				return e
			}
			cur = cur.NamedChild(0)
		case "cast_expression":
			cur = cur.ChildByFieldName("value")
		case "pointer_expression":
			if op := cur.ChildByFieldName("operator"); op == nil || x.text(op) != "&" {
				return e
			}
			cur = cur.ChildByFieldName("argument")
		default:
			return e
		}
	}
	return e
}

// maxPrefix bounds the backward search for a fragment function's return
// type.
const maxPrefix = 512

// fragmentFunc handles a function_declarator outside any declaration or
// definition node: in a fragment, the header of a function whose body is
// cut, or a prototype tree-sitter could not place.
func (x *extractor) fragmentFunc(f *sitter.Node) {
	inner := f.ChildByFieldName("declarator")
	if inner == nil || inner.Type() != "identifier" {
		return
	}
	src := x.p.parse
	// The return type and storage class: back to the previous ; { } or
	// the start of the fragment. It must be words and stars only.
	start := int(f.StartByte())
	limit := max(0, start-maxPrefix)
	for start > limit && !strings.ContainsRune(";{}", rune(src[start-1])) {
		start--
	}
	if start == limit && limit > 0 {
		// No delimiter near: take the declarator's line, or the line
		// before when it starts the line (`static int\nfoo(...)`).
		start = x.p.lineStart[x.p.line(int(f.StartByte()))-1]
		if strings.TrimSpace(string(src[start:f.StartByte()])) == "" && start > 0 {
			start = x.p.lineStart[x.p.line(start-1)-1]
		}
	}
	prefixText := string(x.p.keep[start:f.StartByte()])
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
	end := int(f.EndByte())
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
	x.params(f.ChildByFieldName("parameters"), &ft)
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
