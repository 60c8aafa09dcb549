package cfront

import (
	"strings"
)

// declInfo is what a declarator declares.
type declInfo struct {
	name     string
	nameNode *node
	typ      Type
	// fn is the function type of a function or a function pointer.
	fn *FuncType
	// isFunc is true for a function (not a pointer to one).
	isFunc bool
	// fnDecl is the function_declarator of a function.
	fnDecl *node
}

var storageWords = map[string]bool{
	"static": true, "extern": true, "inline": true, "register": true, "auto": true,
	"typedef": true, "_Thread_local": true, "__thread": true, "__inline": true, "__inline__": true,
}

// specifiers returns the type prefix of a declaration-like node (the text
// from its start to its first declarator, storage classes removed, struct
// bodies shortened to the tag) and whether it said "static".
func (x *extractor) specifiers(n *node, firstDecl *node) (string, bool) {
	start := int(n.start)
	end := int(n.end)
	if firstDecl != nil {
		end = int(firstDecl.start)
	}
	typ := n.child(fType)
	var text string
	if typ != nil && typ.child(fBody) != nil && int(typ.start) >= start && int(typ.end) <= end {
		tag := typ.kind
		tag = strings.TrimSuffix(tag, "_specifier")
		if nm := typ.child(fName); nm != nil {
			tag += " " + x.text(nm)
		}
		text = string(x.p.keep[start:typ.start]) + " " + tag + " " + string(x.p.keep[typ.end:end])
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
func unwrapName(d *node) *node {
	for d != nil {
		switch d.kind {
		case "identifier", "field_identifier", "type_identifier", "primitive_type":
			return d
		case "parenthesized_declarator", "attributed_declarator":
			if d.namedCount() == 0 {
				return nil
			}
			d = d.firstNamed()
		default:
			next := d.child(fDeclarator)
			if next == nil {
				return nil
			}
			d = next
		}
	}
	return nil
}

// outerFuncDecl is the outermost function_declarator of a declarator chain.
func outerFuncDecl(d *node) *node {
	for d != nil {
		switch d.kind {
		case "function_declarator", "abstract_function_declarator":
			return d
		case "parenthesized_declarator", "attributed_declarator", "abstract_parenthesized_declarator":
			if d.namedCount() == 0 {
				return nil
			}
			d = d.firstNamed()
		default:
			d = d.child(fDeclarator)
		}
	}
	return nil
}

// declarator analyses one declarator d (not an init_declarator) given the
// type prefix of its declaration.
func (x *extractor) declarator(prefix string, d *node) declInfo {
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
			text = string(x.p.keep[d.start:di.nameNode.start]) + " " +
				string(x.p.keep[di.nameNode.end:d.end])
		} else {
			text = string(x.p.keep[d.start:d.end])
		}
		di.typ = newType(prefix + " " + text)
		return di
	}
	ft := FuncType{Ret: newType(prefix + " " + string(x.p.keep[d.start:f.start]))}
	x.params(f.child(fParameters), &ft)
	di.fn = &ft
	inner := f.child(fDeclarator)
	if inner != nil && (inner.kind == "identifier" || inner.kind == "field_identifier") {
		di.isFunc = true
		di.fnDecl = f
		return di
	}
	di.typ = newType(ft.pointerText())
	return di
}

// params fills ft's parameters from a parameter_list.
func (x *extractor) params(list *node, ft *FuncType) {
	if list == nil {
		return
	}
	for ch := range list.children() {
		switch ch.kind {
		case "variadic_parameter", "...":
			ft.Variadic = true
		case "parameter_declaration":
			d := ch.child(fDeclarator)
			prefix, _ := x.specifiers(ch, d)
			if d == nil {
				if prefix == "void" && list.childCount() <= 3 {
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
func (x *extractor) funcDef(n *node, sc scope) {
	d := n.child(fDeclarator)
	body := n.child(fBody)
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
	if x.declsOnly && body != nil && !hasInitList(x.p.parse[body.start:body.end]) {
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

func (x *extractor) paramDecls(fn Func) {
	for _, p := range fn.Type.Params {
		if p.Name == "" {
			continue
		}
		x.u.Decls = append(x.u.Decls, Decl{Name: p.Name, Type: p.Type, Kind: DeclParam, InFunc: fn.Name, Line: p.Line})
	}
}

// declaration handles a declaration: prototypes, variables, initializers.
func (x *extractor) declaration(n *node, sc scope) {
	decls := x.declarators(n)
	if typ := n.child(fType); typ != nil && typ.child(fBody) != nil {
		x.walk(typ, sc)
	}
	var first *node
	if len(decls) > 0 {
		first = decls[0]
	}
	prefix, static := x.specifiers(n, first)
	if strings.ContainsAny(prefix, ",;={}") {
		// tree-sitter's error recovery made a declaration of broken code,
		// such as the argument tail `a, b);` of a call cut by the hunk.
		for ch := range n.children() {
			if ch.named {
				x.walk(ch, sc)
			}
		}
		return
	}
	isTypedef := false
	for ch := range n.children() {
		if ch.kind == "type_definition" || (ch.kind == "storage_class_specifier" && x.text(ch) == "typedef") {
			isTypedef = true
		}
	}
	for _, d := range decls {
		var value *node
		if d.kind == "init_declarator" {
			value = d.child(fValue)
			d = d.child(fDeclarator)
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
			if sc.body || !x.plausibleProto(n) || macroInType(prefix) {
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
		case x.p.lineColumn(int(n.start)) > 0:
			// Indented code at file scope is the inside of a function or
			// struct whose header is outside the fragment.
			kind = DeclLocal
		}
		decl := Decl{Name: di.name, Type: di.typ, Kind: kind, InFunc: sc.fn, Line: x.line(di.nameNode)}
		x.u.Decls = append(x.u.Decls, decl)
		idx := len(x.u.Decls) - 1
		if kind == DeclLocal && sc.fn == "" {
			x.declOff = append(x.declOff, idx, int(n.start))
		}
		if kind == DeclLocal && !sc.body && di.fn != nil && value == nil {
			x.members = append(x.members, pendingMember{
				m:   Member{Name: di.name, Type: di.typ, Func: di.fn, Line: decl.Line},
				off: int(n.start), endLine: x.endLine(n), decl: idx,
			})
		}
		if value != nil && value.kind == "initializer_list" {
			x.initDecl(prefix, d, di, value, sc)
			continue
		}
		if value != nil && kind == DeclLocal {
			x.addAssign(di.name, value, di.nameNode, sc)
		}
		x.walk(value, sc)
	}
}

// macroInType reports a declaration prefix holding a parenthesised
// argument list, which no return type has but typeof(): what tree-sitter
// took for a return type is a macro call such as `for_each_possible_cpu(i)`
// or `IS_ENABLED(CONFIG_X)` in code cut from a function body.
func macroInType(prefix string) bool {
	i := strings.IndexByte(prefix, '(')
	if i < 0 {
		return false
	}
	word := strings.TrimSpace(prefix[:i])
	if j := strings.LastIndexAny(word, " *"); j >= 0 {
		word = word[j+1:]
	}
	switch word {
	case "typeof", "__typeof__", "__typeof", "_Atomic", "typeof_unqual", "__typeof_unqual__":
		return false
	}
	return true
}

// plausibleProto rejects what tree-sitter takes for a prototype in broken
// code, such as a macro call `FOO(a, b);` without a return type.
func (x *extractor) plausibleProto(n *node) bool {
	typ := n.child(fType)
	if typ == nil {
		return false
	}
	return !keywords[x.text(typ)]
}
