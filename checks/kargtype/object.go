package kargtype

import (
	"context"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
)

// review is one run of the check on a model.
type review struct {
	m *model.Model
	// k is the patch whose state is reviewed: the last.
	k int
	// dispatch keeps what functions do per command, by name.
	dispatch map[string]dispatch
	// guards keeps guard classifications.
	guards map[string]guardKind
	// impls keeps the implementers of callback members.
	impls map[string][]fnRef
}

func newReview(m *model.Model) *review {
	return &review{m: m, k: m.NumPatches() - 1, dispatch: map[string]dispatch{}, guards: map[string]guardKind{}, impls: map[string][]fnRef{}}
}

// object is a local whose address a function passes to another: a buffer
// the check follows.
type object struct {
	// fn prepares the object; body is where the call is.
	fn   string
	body model.Body
	// decl is the local, typ its type (normalised).
	decl   cfront.Decl
	declIm *model.Image
	typ    string
	// call passes &decl as argument arg, and the command as argument
	// cmdArg.
	call   cfront.Call
	arg    int
	cmdArg int
	// cmds are the commands the call is made for; perCommand is true
	// when the call is under a case of a switch on the command.
	cmds       commands
	perCommand bool
}

// objects lists the objects the series' functions pass on with a
// command: every call, in a function the series defines or changes, with
// an argument &local (a local of a plain, non-pointer type) and an
// argument that is the function's command.
func (r *review) objects(ctx context.Context) []object {
	var out []object
	seen := map[string]bool{}
	for _, im := range r.m.View(ctx, r.k) {
		u := im.Unit()
		if u == nil {
			continue
		}
		for _, c := range u.Calls {
			if len(c.Args) < 2 || !hasAddrArg(c) {
				continue
			}
			fn := im.Enclosing(c.InFunc, c.Line)
			if fn == "" {
				continue
			}
			key := fn + "|" + im.File
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, r.objectsOf(ctx, fn, im.File)...)
		}
	}
	return out
}

// hasAddrArg reports whether a call has an argument &name.
func hasAddrArg(c cfront.Call) bool {
	for _, a := range c.Args {
		if a.Ident != "" && a.Text == "&"+a.Ident {
			return true
		}
	}
	return false
}

// objectsOf lists the objects function fn (as file from sees it) passes
// on.
func (r *review) objectsOf(ctx context.Context, fn, from string) []object {
	bodies := r.m.Bodies(ctx, fn, from, r.k)
	var out []object
	for _, b := range bodies {
		params := b.Def.Fn.Type.Params
		for _, c := range b.Calls {
			for i, a := range c.Args {
				if a.Ident == "" || a.Text != "&"+a.Ident {
					continue
				}
				d, declIm, ok := localBefore(bodies, b.Im, a.Ident, c.Line)
				if !ok {
					continue
				}
				typ, ok := objectType(d.Type)
				if !ok {
					continue
				}
				o := object{fn: fn, body: b, decl: d, declIm: declIm, typ: typ, call: c, arg: i, cmdArg: -1}
				if cl, ok := commandCase(c.Branch, params); ok {
					o.perCommand = true
					o.cmds = commands{}.under(cl)
					o.cmdArg = argNamed(c, cl.Switch, i)
				} else {
					o.cmdArg = genericCommandArg(c, params, i, bodies)
				}
				if o.cmdArg < 0 {
					continue
				}
				out = append(out, o)
			}
		}
	}
	return out
}

// objectType is the type of a local the check follows: a named struct or
// union, or a scalar; not a pointer, array or function.
func objectType(t cfront.Type) (string, bool) {
	s := normType(t.Plain())
	if s == "" || strings.ContainsAny(s, "*[(") {
		return "", false
	}
	return s, true
}

// commandCase is the innermost case, among those around a statement, of
// a switch on one of the function's parameters with command constants.
func commandCase(b *cfront.Branch, params []cfront.Param) (cfront.CaseLabel, bool) {
	if b == nil {
		return cfront.CaseLabel{}, false
	}
	for _, cl := range b.Cases {
		if !commandLabels(cl.Labels) {
			continue
		}
		for _, p := range params {
			if p.Name != "" && cl.Switch == p.Name && isIntegral(p.Type) {
				return cl, true
			}
		}
	}
	return cfront.CaseLabel{}, false
}

// argNamed is the index of the argument that is the identifier name
// (other than argument skip), -1 if none.
func argNamed(c cfront.Call, name string, skip int) int {
	for i, a := range c.Args {
		if i != skip && a.Text == name {
			return i
		}
	}
	return -1
}

// genericCommandArg finds, for a call made for every command, the
// argument that passes the function's command: an integral parameter
// passed on as is that is named cmd or that a switch of the function
// reads with command constants. -1 when there is none or more than one.
// (A length or a flag is an integral parameter too: the size switches of
// copy_to_user()'s helpers are no commands.)
func genericCommandArg(c cfront.Call, params []cfront.Param, skip int, bodies []model.Body) int {
	found := -1
	for i, a := range c.Args {
		if i == skip {
			continue
		}
		for _, p := range params {
			if p.Name == "" || a.Text != p.Name || !isIntegral(p.Type) {
				continue
			}
			if p.Name == "cmd" || p.Name == "command" || switchedOn(bodies, p.Name) {
				if found >= 0 {
					return -1
				}
				found = i
			}
		}
	}
	return found
}

// switchedOn reports whether a switch in the bodies reads name with
// command constants.
func switchedOn(bodies []model.Body, name string) bool {
	for _, b := range bodies {
		for _, c := range b.Calls {
			if c.Branch != nil {
				for _, cl := range c.Branch.Cases {
					if cl.Switch == name && commandLabels(cl.Labels) {
						return true
					}
				}
			}
		}
	}
	return false
}

// commandLabels reports whether case labels are command constants
// (SIOCGETVIFCNT; "default" too), not numbers or expressions: a switch on
// a size or a type tag is no command switch.
func commandLabels(labels []string) bool {
	for _, l := range labels {
		if l != "default" && !isConstant(l) {
			return false
		}
	}
	return len(labels) > 0
}

// isConstant reports whether s is written like a macro constant: upper
// case letters, digits and underscores, starting with a letter.
func isConstant(s string) bool {
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
