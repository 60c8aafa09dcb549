package cfront

// call handles a call_expression.
func (x *extractor) call(n *node, sc scope) {
	fn := n.child(fFunction)
	if fn == nil {
		return
	}
	c := Call{Func: x.keepText(fn), Line: x.line(n), InFunc: sc.fn, Branch: x.branch(n)}
	if args := n.child(fArguments); args != nil {
		for a := range args.children() {
			if a.named && a.kind != "comment" {
				c.Args = append(c.Args, x.expr(a))
			}
		}
	}
	x.u.Calls = append(x.u.Calls, c)
	if sc.fn == "" {
		x.callOff = append(x.callOff, len(x.u.Calls)-1, int(n.start))
	}
}

// castType is the type of a cast, taken between its parentheses so that
// annotations written before the base type are kept.
func (x *extractor) castType(n *node) Type {
	t := n.child(fType)
	if t == nil {
		return Type{}
	}
	start, end := int(t.start), int(t.end)
	for start > int(n.start) && x.p.parse[start-1] != '(' {
		start--
	}
	for end < int(n.end) && x.p.parse[end] != ')' {
		end++
	}
	return newType(string(x.p.keep[start:end]))
}

// cast handles a cast_expression.
func (x *extractor) cast(n *node, sc scope) {
	v := n.child(fValue)
	if v == nil {
		return
	}
	x.u.Casts = append(x.u.Casts, Cast{To: x.castType(n), Expr: x.expr(v), Line: x.line(n), InFunc: sc.fn, Branch: x.branch(n)})
	if sc.fn == "" {
		x.castOff = append(x.castOff, len(x.u.Casts)-1, int(n.start))
	}
}

// expr describes an expression node.
func (x *extractor) expr(n *node) Expr {
	e := Expr{Text: x.keepText(n)}
	cur := n
	for cur != nil && cur.kind == "parenthesized_expression" && cur.namedCount() == 1 {
		cur = cur.firstNamed()
	}
	if cur != nil && cur.kind == "cast_expression" {
		t := x.castType(cur)
		e.Cast = &t
	}
	for cur != nil {
		switch cur.kind {
		case "identifier":
			e.Ident = x.text(cur)
			return e
		case "parenthesized_expression":
			if cur.namedCount() != 1 {
				return e
			}
			cur = cur.firstNamed()
		case "cast_expression":
			cur = cur.child(fValue)
		case "pointer_expression":
			if op := cur.child(fOperator); op == nil || x.text(op) != "&" {
				return e
			}
			cur = cur.child(fArgument)
		default:
			return e
		}
	}
	return e
}

// assignment handles an assignment_expression `name = expr` whose value
// names an identifier.
func (x *extractor) assignment(n *node, sc scope) {
	l, r, op := n.child(fLeft), n.child(fRight), n.child(fOperator)
	if l == nil || r == nil || l.kind != "identifier" || op == nil || x.text(op) != "=" {
		return
	}
	x.addAssign(x.text(l), r, n, sc)
}

// addAssign records `to = value` when value names an identifier.
func (x *extractor) addAssign(to string, value, at *node, sc scope) {
	from := x.expr(value)
	if from.Ident == "" {
		return
	}
	x.u.Assigns = append(x.u.Assigns, Assign{To: to, From: from, Line: x.line(at), InFunc: sc.fn, Branch: x.branch(at)})
	if sc.fn == "" {
		x.assignOff = append(x.assignOff, len(x.u.Assigns)-1, int(at.start))
	}
}
