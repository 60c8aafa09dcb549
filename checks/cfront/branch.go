package cfront

// Branch is where a call or cast sits in its function's control flow:
// the switch cases and if branches around it. Kernel ioctl code picks its
// buffer, and reads it, per command constant in a switch; which of them
// reach a statement is what the karg-type check follows.
type Branch struct {
	// Cases are the enclosing switch statements, innermost first.
	Cases []CaseLabel
	// Guards are the conditions of the enclosing if statements,
	// innermost first, as written (whitespace collapsed); a statement in
	// an else branch has the condition prefixed with "!".
	Guards []string
	// GuardLines are the lines of the conditions in Guards.
	GuardLines []int
}

// CaseLabel is the case of one switch statement a statement is under.
type CaseLabel struct {
	// Switch is the switch's condition without its parentheses ("cmd").
	Switch string
	// Labels are the case values that reach the statement: its own
	// case's and those of the empty cases just before it, which fall
	// into it; "default" for the default case.
	Labels []string
	// All are every case value of the switch, in order ("default"
	// included): what the default case is not.
	All []string
}

// maxBranchDepth bounds the walk up from a statement to its function.
const maxBranchDepth = 256

// branch returns where n sits among the switch and if statements of its
// function, nil when none encloses it.
func (x *extractor) branch(n *node) *Branch {
	var b *Branch
	child := n
	for cur, depth := n.parent, 0; cur != nil && depth < maxBranchDepth; cur, depth = cur.parent, depth+1 {
		switch cur.kind {
		case "function_definition", "translation_unit":
			return b
		case "case_statement":
			if sw := enclosingSwitch(cur); sw != nil {
				if b == nil {
					b = &Branch{}
				}
				cl, ok := x.caseMemo[cur]
				if !ok {
					cl = x.caseLabel(sw, cur)
					if x.caseMemo == nil {
						x.caseMemo = map[*node]CaseLabel{}
					}
					x.caseMemo[cur] = cl
				}
				b.Cases = append(b.Cases, cl)
			}
		case "if_statement":
			cond := cur.child(fCondition)
			if cond == nil || child == cond {
				break
			}
			g, ok := x.condMemo[cond]
			if !ok {
				g = x.condText(cond)
				if x.condMemo == nil {
					x.condMemo = map[*node]string{}
				}
				x.condMemo[cond] = g
			}
			if child != cur.child(fConsequence) {
				g = "!" + g
			}
			if b == nil {
				b = &Branch{}
			}
			b.Guards = append(b.Guards, g)
			b.GuardLines = append(b.GuardLines, x.line(cond))
		}
		child = cur
	}
	return b
}

// enclosingSwitch is the switch statement whose body holds case c.
func enclosingSwitch(c *node) *node {
	body := c.parent
	if body == nil || body.kind != "compound_statement" || body.parent == nil || body.parent.kind != "switch_statement" {
		return nil
	}
	return body.parent
}

// condText is a condition's text without its outer parentheses.
func (x *extractor) condText(cond *node) string {
	for cond.kind == "parenthesized_expression" && cond.namedCount() == 1 {
		cond = cond.firstNamed()
	}
	return x.keepText(cond)
}

// caseValue is a case statement's value, "default" for the default case.
func (x *extractor) caseValue(c *node) string {
	if v := c.child(fValue); v != nil {
		return x.keepText(v)
	}
	return "default"
}

// emptyCase reports whether case c has no statement of its own (it falls
// into the next).
func emptyCase(c *node) bool {
	v := c.child(fValue)
	for ch := range c.children() {
		if ch.named && ch != v && ch.kind != "comment" {
			return false
		}
	}
	return true
}

// caseLabel describes case c of switch sw.
func (x *extractor) caseLabel(sw, c *node) CaseLabel {
	cl := CaseLabel{}
	if cond := sw.child(fCondition); cond != nil {
		cl.Switch = x.condText(cond)
	}
	var run []string
	for ch := range c.parent.children() {
		if ch.kind != "case_statement" {
			continue
		}
		v := x.caseValue(ch)
		cl.All = append(cl.All, v)
		if ch == c {
			cl.Labels = append(run, v)
			run = nil
			continue
		}
		if cl.Labels != nil {
			continue
		}
		if emptyCase(ch) {
			run = append(run, v)
		} else {
			run = nil
		}
	}
	return cl
}
