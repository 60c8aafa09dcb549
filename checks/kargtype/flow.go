package kargtype

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
)

// maxHops bounds the calls followed from the object's function to the
// cast: the dispatcher's helper, the callback, the protocol's handler and
// one more.
const maxHops = 4

// hop is one call on the way from the object to a cast.
type hop struct {
	// fn is the function making the call; via is the callee as written,
	// to the function it enters.
	fn, via, to string
	im          *model.Image
	line        int
}

// use is a cast of the object to U * under a command constant.
type use struct {
	cmd string
	// to is U.
	to string
	// handler is the function casting; im and line locate the cast.
	handler string
	im      *model.Image
	line    int
	// path are the calls from the object's function to the handler.
	path []hop
	// assigned is true for `p = arg;` without a cast.
	assigned bool
}

// follow lists the casts the object reaches.
func (r *review) follow(ctx context.Context, o object) []use {
	first := hop{fn: o.fn, via: o.call.Func, im: o.body.Im, line: o.call.Line}
	seen := map[string]bool{}
	var out []use
	for _, g := range r.callees(ctx, o.call, o.body) {
		h := first
		h.to = g.name
		out = append(out, r.walk(ctx, g, o.arg, o.cmdArg, o.cmds, 1, []hop{h}, seen)...)
	}
	return out
}

// walk follows the object into function fn, where parameter objIdx holds
// it and parameter cmdIdx the command, for the commands cmds.
func (r *review) walk(ctx context.Context, f fnRef, objIdx, cmdIdx int, cmds commands, depth int, path []hop, seen map[string]bool) []use {
	key := fmt.Sprintf("%s|%s|%d|%d|%s", f.name, f.from, objIdx, cmdIdx, cmds.key())
	if seen[key] || ctx.Err() != nil {
		return nil
	}
	seen[key] = true
	fn := f.name
	bodies := r.m.Bodies(ctx, fn, f.from, r.k)
	var out []use
	for _, b := range bodies {
		// Each definition (an #ifdef alternative) with its own names.
		params := b.Def.Fn.Type.Params
		if objIdx >= len(params) || cmdIdx >= len(params) {
			continue
		}
		obj, cmd := params[objIdx].Name, params[cmdIdx].Name
		if obj == "" || cmd == "" || params[objIdx].Type.Pointer() != 1 || params[objIdx].Type.User() || !isIntegral(params[cmdIdx].Type) {
			// Not a kernel pointer and a command: a __user parameter
			// is dropped-user's to judge.
			continue
		}
		for _, c := range b.Casts {
			if c.Expr.Text != obj {
				continue
			}
			to, ok := castTarget(c.To)
			if !ok || c.To.User() {
				continue
			}
			out = append(out, r.usesAt(fn, b.Im, c.Line, c.Branch, cmd, cmds, to, path)...)
		}
		for _, a := range b.Assigns {
			if a.From.Text != obj {
				continue
			}
			// `p = arg;` where p is a U *: the implicit conversion from
			// void * that kernel style prefers to a cast.
			d, _, ok := localBefore(bodies, b.Im, a.To, a.Line)
			if !ok {
				continue
			}
			to, ok := castTarget(d.Type)
			if !ok || d.Type.User() {
				continue
			}
			for _, u := range r.usesAt(fn, b.Im, a.Line, a.Branch, cmd, cmds, to, path) {
				u.assigned = true
				out = append(out, u)
			}
		}
		if depth >= maxHops {
			continue
		}
		for _, c := range b.Calls {
			for j, a := range c.Args {
				if a.Ident != obj || !(a.Text == obj || a.Cast != nil && !strings.Contains(a.Text, "&")) {
					continue
				}
				next := cmds.narrow(c.Branch, cmd)
				if next.empty() {
					continue
				}
				ci := argNamed(c, cmd, j)
				if ci < 0 {
					continue
				}
				for _, g := range r.callees(ctx, c, b) {
					h := hop{fn: fn, via: c.Func, to: g.name, im: b.Im, line: c.Line}
					p := append(append([]hop(nil), path...), h)
					out = append(out, r.walk(ctx, g, j, ci, next, depth+1, p, seen)...)
				}
			}
		}
	}
	return out
}

// usesAt is what a cast of the object to U * (or its assignment to a
// U *) at line l of handler fn reads: U for each command of the case of
// the command switch around it that cmds lets through. None outside such
// a case, or in its default: a cast not chosen per command is a generic
// container's or a priv pointer's.
func (r *review) usesAt(fn string, im *model.Image, l int, b *cfront.Branch, cmd string, cmds commands, to string, path []hop) []use {
	cl, ok := caseOn(b, cmd)
	if !ok || slices.Contains(cl.Labels, "default") || !commandLabels(cl.Labels) {
		return nil
	}
	here := cmds.narrow(b, cmd)
	var out []use
	for _, x := range cl.Labels {
		if here.allows(x) {
			out = append(out, use{cmd: x, to: to, handler: fn, im: im, line: l, path: path})
		}
	}
	return out
}

// localBefore is the declaration of local name that line l of image im
// sees, and the image it is in: the nearest before l in im (blocks of one
// switch often declare one name with a type each), else one in another
// piece of the function.
func localBefore(bodies []model.Body, im *model.Image, name string, l int) (cfront.Decl, *model.Image, bool) {
	var best cfront.Decl
	var bestIm *model.Image
	for _, b := range bodies {
		for _, d := range b.Locals {
			if d.Name != name {
				continue
			}
			switch {
			case b.Im == im && d.Line <= l && (bestIm != im || d.Line > best.Line):
				best, bestIm = d, b.Im
			case bestIm == nil && b.Im != im:
				best, bestIm = d, b.Im
			}
		}
	}
	return best, bestIm, bestIm != nil
}

// fnRef names a function as a call from file from reaches it.
type fnRef struct{ name, from string }

// callees are the functions a call in body b may enter: the function
// named, or for a call through a callback member
// (`sk->sk_prot->ioctl(...)`) the functions implementing the member under
// a conversion rule in force (inferred from the series or pinned in
// config) or, without one, of the tree's structs whose member takes the
// call's first argument's type; each as its own file sees it.
func (r *review) callees(ctx context.Context, c cfront.Call, b model.Body) []fnRef {
	name := c.Func
	if isIdent(name) {
		return []fnRef{{name, b.Im.File}}
	}
	i := strings.LastIndex(name, "->")
	if i < 0 {
		return nil
	}
	member := name[i+2:]
	if !isIdent(member) {
		return nil
	}
	if v := r.implementers(ctx, member, len(c.Args)); len(v) > 0 {
		return v
	}
	return r.typedImplementers(ctx, member, c, b)
}

// implementers lists the functions implementing callback member (of any
// struct a rule names it in) with nargs parameters: bound to it in the
// series or the tree, or given the rule's new type by a declarator the
// series writes (without a tree the series rarely shows the initializers
// binding what it converts).
func (r *review) implementers(ctx context.Context, member string, nargs int) []fnRef {
	key := fmt.Sprintf("%s|%d", member, nargs)
	if v, ok := r.impls[key]; ok {
		return v
	}
	var out []fnRef
	seen := map[string]bool{}
	add := func(fn, file string, ft cfront.FuncType) {
		if !seen[fn+"|"+file] && len(ft.Params) == nargs {
			seen[fn+"|"+file] = true
			out = append(out, fnRef{fn, file})
		}
	}
	for _, rule := range r.m.Rules(ctx) {
		if rule.Member != member {
			continue
		}
		for _, im := range r.m.Implementers(ctx, rule) {
			if defs := r.m.Definitions(ctx, im.Func, im.File, r.k); len(defs) > 0 {
				add(im.Func, im.File, defs[0].Fn.Type)
			}
		}
		for _, im := range r.m.View(ctx, r.k) {
			for _, f := range im.Unit().Funcs {
				if f.Definition && f.Type.String() == rule.New && (model.FuncSite{Fn: f, Im: im}).Touched(im.Patch()) {
					add(f.Name, im.File, f.Type)
				}
			}
		}
	}
	r.impls[key] = out
	return out
}

// typedImplementers resolves a call through member when no rule names
// it: the structs of the tree that bind functions to member, kept when
// their member's function type takes as many arguments and a first
// parameter of the type the call's first argument has (`struct sock *`
// for sk->sk_prot->ioctl(sk, ...): struct proto, not struct proto_ops);
// then the functions they bind. Without a tree, or when the first
// argument's type is unknown, none.
func (r *review) typedImplementers(ctx context.Context, member string, c cfront.Call, b model.Body) []fnRef {
	if len(c.Args) == 0 || c.Args[0].Ident == "" || c.Args[0].Text != c.Args[0].Ident {
		return nil
	}
	first := ""
	for _, p := range b.Def.Fn.Type.Params {
		if p.Name == c.Args[0].Ident {
			first = normType(p.Type.Plain())
		}
	}
	if first == "" {
		if d, _, ok := localBefore([]model.Body{b}, b.Im, c.Args[0].Ident, c.Line); ok {
			first = normType(d.Type.Plain())
		}
	}
	if first == "" {
		return nil
	}
	key := fmt.Sprintf("typed|%s|%d|%s", member, len(c.Args), first)
	if v, ok := r.impls[key]; ok {
		return v
	}
	var out []fnRef
	seen := map[string]bool{}
	for _, st := range r.m.BindingStructs(member) {
		def, ok := r.m.StructDef(ctx, st, r.k)
		if !ok {
			continue
		}
		for _, mem := range def.Members {
			if mem.Name != member || mem.Func == nil || len(mem.Func.Params) != len(c.Args) ||
				normType(mem.Func.Params[0].Type.Plain()) != first {
				continue
			}
			for _, bs := range r.m.BoundFuncs(ctx, st, member) {
				if k := bs.Func + "|" + bs.File; !seen[k] {
					seen[k] = true
					out = append(out, fnRef{bs.Func, bs.File})
				}
			}
		}
	}
	r.impls[key] = out
	return out
}

// isIdent reports whether s is a C identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}
