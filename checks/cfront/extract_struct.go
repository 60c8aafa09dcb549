package cfront

import (
	sitter "github.com/smacker/go-tree-sitter"
)

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
