package cfront

import ()

// structDef handles a struct (or union) specifier with a body.
func (x *extractor) structDef(n *node, sc scope) {
	body := n.child(fBody)
	name := n.child(fName)
	st := Struct{Line: x.line(n), EndLine: x.endLine(n)}
	if name != nil {
		st.Name = x.text(name)
	}
	x.structMembers(&st, body, sc)
	if n.kind == "struct_specifier" && st.Name != "" {
		x.u.Structs = append(x.u.Structs, st)
	}
}

// structMembers adds the members of a field_declaration_list to st, flattening
// anonymous structs and unions.
func (x *extractor) structMembers(st *Struct, body *node, sc scope) {
	for fd := range body.children() {
		if fd.kind != "field_declaration" {
			if fd.named && fd.kind != "comment" {
				x.walk(fd, sc)
			}
			continue
		}
		decls := x.declarators(fd)
		typ := fd.child(fType)
		if typ != nil && typ.child(fBody) != nil {
			if len(decls) == 0 {
				x.structMembers(st, typ.child(fBody), sc)
				continue
			}
			if typ.kind == "struct_specifier" && typ.child(fName) != nil {
				x.structDef(typ, sc)
			}
		}
		var first *node
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
