package cfront

import (
	"strings"
)

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

// StructTag is the tag of a struct type, "" for other types:
// "const struct foo __user *" -> "foo".
func (t Type) StructTag() string { return structTag(t.Text) }

// initDecl extracts the initializer of a declared struct variable (or of
// each element of an array of structs).
func (x *extractor) initDecl(prefix string, d *node, di declInfo, list *node, sc scope) {
	tag := structTag(prefix)
	if strings.Contains(di.typ.Text, "[") {
		// An array of structs: one Init per element list.
		for el := range list.children() {
			v := el
			if el.kind == "initializer_pair" {
				v = pairValue(el)
			}
			if v != nil && v.kind == "initializer_list" {
				if v.namedCount() > 0 { // not the `{ }` terminator
					x.initList(tag, di.name, v, sc)
				}
			} else if v != nil {
				x.walk(v, sc)
			}
		}
		x.inits = append(x.inits, span{start: int(list.start), end: int(list.end)})
		return
	}
	x.initList(tag, di.name, list, sc)
}

// initList records one Init for the list and walks the field values.
func (x *extractor) initList(tag, v string, list *node, sc scope) {
	in := Init{Struct: tag, Var: v, Line: x.line(list)}
	x.fields(&in, "", list, sc)
	x.inits = append(x.inits, span{start: int(list.start), end: int(list.end)})
	x.u.Inits = append(x.u.Inits, in)
}

func pairValue(pair *node) *node {
	if v := pair.child(fValue); v != nil {
		return v
	}
	if c := int(pair.namedCount()); c > 0 {
		return pair.lastNamed()
	}
	return nil
}

// fields collects the designated fields of list into in, prefixing nested
// designators with prefix.
func (x *extractor) fields(in *Init, prefix string, list *node, sc scope) {
	for el := range list.children() {
		switch el.kind {
		case "initializer_pair":
			var path []string
			for ch := range el.children() {
				switch ch.kind {
				case "field_designator":
					if ch.namedCount() > 0 {
						path = append(path, x.text(ch.firstNamed()))
					} else {
						path = append(path, strings.TrimPrefix(strings.TrimSpace(x.text(ch)), "."))
					}
				case "field_identifier":
					// GNU old-style `member: value`.
					path = append(path, x.text(ch))
				case "subscript_designator", "subscript_range_designator":
					path = append(path, collapse(x.p.parse[ch.start:ch.end]))
				}
			}
			v := pairValue(el)
			if v == nil || len(path) == 0 {
				continue
			}
			name := prefix + strings.Join(path, ".")
			name = strings.ReplaceAll(name, ".[", "[")
			if v.kind == "initializer_list" {
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
			if el.named {
				x.walk(el, sc)
			}
		}
	}
}

// looseInit handles an initializer list not under a declaration: a compound
// literal, or in a fragment, the inside of an initializer whose header is
// outside the hunk.
func (x *extractor) looseInit(n *node, sc scope) {
	tag := ""
	if p := n.parent; p != nil && p.kind == "compound_literal_expression" {
		if t := p.child(fType); t != nil {
			tag = structTag(x.keepText(t))
		}
	}
	in := Init{Struct: tag, Line: x.line(n)}
	x.fields(&in, "", n, sc)
	x.inits = append(x.inits, span{start: int(n.start), end: int(n.end)})
	if len(in.Fields) > 0 {
		x.u.Inits = append(x.u.Inits, in)
	}
}
