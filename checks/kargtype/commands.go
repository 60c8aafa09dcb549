package kargtype

import (
	"slices"
	"sort"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// commands are the command constants that may reach a statement: those in
// only (nil: any), less those in not.
type commands struct {
	only map[string]bool
	not  map[string]bool
}

// under narrows c to what a case of a switch on the command lets through.
func (c commands) under(cl cfront.CaseLabel) commands {
	out := commands{not: map[string]bool{}}
	for x := range c.not {
		out.not[x] = true
	}
	if slices.Contains(cl.Labels, "default") {
		// The default case: every command the switch does not name.
		for _, x := range cl.All {
			if !slices.Contains(cl.Labels, x) {
				out.not[x] = true
			}
		}
		if c.only != nil {
			out.only = map[string]bool{}
			for x := range c.only {
				out.only[x] = true
			}
		}
		return out
	}
	out.only = map[string]bool{}
	for _, x := range cl.Labels {
		if c.only == nil || c.only[x] {
			out.only[x] = true
		}
	}
	return out
}

// empty reports whether no command is left.
func (c commands) empty() bool {
	if c.only == nil {
		return false
	}
	for x := range c.only {
		if !c.not[x] {
			return false
		}
	}
	return true
}

// allows reports whether command x may reach the statement.
func (c commands) allows(x string) bool {
	return (c.only == nil || c.only[x]) && !c.not[x]
}

// key is a stable text of c, for memoising walks.
func (c commands) key() string {
	var only, not []string
	for x := range c.only {
		only = append(only, x)
	}
	for x := range c.not {
		not = append(not, x)
	}
	sort.Strings(only)
	sort.Strings(not)
	if c.only == nil {
		return "*-" + strings.Join(not, ",")
	}
	return strings.Join(only, ",") + "-" + strings.Join(not, ",")
}

// caseOn is the innermost case of a switch on name around a statement.
func caseOn(b *cfront.Branch, name string) (cfront.CaseLabel, bool) {
	if b == nil {
		return cfront.CaseLabel{}, false
	}
	for _, cl := range b.Cases {
		if cl.Switch == name {
			return cl, true
		}
	}
	return cfront.CaseLabel{}, false
}

// narrow applies every case of a switch on name around a statement.
func (c commands) narrow(b *cfront.Branch, name string) commands {
	if b == nil {
		return c
	}
	for i := len(b.Cases) - 1; i >= 0; i-- {
		if b.Cases[i].Switch == name {
			c = c.under(b.Cases[i])
		}
	}
	return c
}
