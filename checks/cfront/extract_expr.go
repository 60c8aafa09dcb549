package cfront

import (
	sitter "github.com/smacker/go-tree-sitter"
)

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
