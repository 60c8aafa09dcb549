package kargtype

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
)

// prep is a buffer a dispatcher prepares for one command, and the
// conditions (of the if statements around it, innermost first) under
// which it does.
type prep struct {
	cmd, fn string
	guards  []guard
}

// guard is an if condition, with the image and line it is written at.
type guard struct {
	cond string
	im   *model.Image
	line int
}

// guardsOf are the conditions around a statement of image im.
func guardsOf(b *cfront.Branch, im *model.Image) []guard {
	if b == nil {
		return nil
	}
	var out []guard
	for i, g := range b.Guards {
		l := 0
		if i < len(b.GuardLines) {
			l = b.GuardLines[i]
		}
		out = append(out, guard{g, im, l})
	}
	return out
}

// miss is a cast the generic path's object reaches for a command that
// not every path to it prepares a buffer for.
type miss struct {
	use
	// caller is the function taking the generic path; dispatcher and
	// guard, when set, prepare the command's buffer only under guard,
	// written at guardAt.
	caller, dispatcher, guard string
	guardAt                   guard
}

// dispatch is what a function does per command: the commands it handles
// with a call under their case (each with the conditions around the
// call), and every case label of its switches on the command.
type dispatch struct {
	preps []prep
	named map[string]bool
}

// prepsOf reads the switches of function fn (as file from sees it) on
// its command.
func (r *review) prepsOf(ctx context.Context, fn, from string) dispatch {
	key := fn + "|" + from
	if v, ok := r.dispatch[key]; ok {
		return v
	}
	r.dispatch[key] = dispatch{}
	d := dispatch{named: map[string]bool{}}
	for _, b := range r.m.Bodies(ctx, fn, from, r.k) {
		for _, c := range b.Calls {
			cl, ok := commandCase(c.Branch, b.Def.Fn.Type.Params)
			if !ok {
				continue
			}
			for _, x := range cl.All {
				d.named[x] = true
			}
			if slices.Contains(cl.Labels, "default") {
				continue
			}
			for _, x := range cl.Labels {
				d.preps = append(d.preps, prep{cmd: x, fn: fn, guards: guardsOf(c.Branch, b.Im)})
			}
		}
	}
	r.dispatch[key] = d
	return d
}

// uncovered keeps, of the casts the generic path's object reaches, those
// whose command a function calling the generic path does not prepare a
// buffer for on every path: never, or only under a test of the protocol
// number. Without a caller in view the check cannot tell, and keeps none.
func (r *review) uncovered(ctx context.Context, o object, bad []use) []miss {
	var out []miss
	done := map[string]bool{}
	for _, im := range r.m.View(ctx, r.k) {
		for _, c := range im.Unit().Calls {
			if c.Func != o.fn {
				continue
			}
			caller := im.Enclosing(c.InFunc, c.Line)
			if caller == "" || caller == o.fn || done[caller] {
				continue
			}
			done[caller] = true
			// The commands the caller takes the generic path for: a
			// call under a case of its switch on the command is made
			// for that case only.
			reach := commands{}
			if ci := r.paramIndex(ctx, o.fn, o.body.Im.File, o.call.Args[o.cmdArg].Text); ci >= 0 && ci < len(c.Args) {
				reach = reach.narrow(c.Branch, c.Args[ci].Text)
			}
			d := r.callerPreps(ctx, caller, im.File, o.fn)
			for _, u := range bad {
				if !reach.allows(u.cmd) {
					continue
				}
				if mi, ok := r.missing(ctx, caller, u, d); ok {
					out = append(out, mi)
				}
			}
		}
	}
	return out
}

// callerPreps lists what caller prepares per command, itself or through
// the functions it calls (other than the generic path's).
func (r *review) callerPreps(ctx context.Context, caller, from, generic string) dispatch {
	own := r.prepsOf(ctx, caller, from)
	d := dispatch{preps: append([]prep(nil), own.preps...), named: map[string]bool{}}
	for x := range own.named {
		d.named[x] = true
	}
	for _, b := range r.m.Bodies(ctx, caller, from, r.k) {
		for _, dc := range b.Calls {
			if !isIdent(dc.Func) || dc.Func == generic || dc.Func == caller {
				continue
			}
			outer := guardsOf(dc.Branch, b.Im)
			callee := r.prepsOf(ctx, dc.Func, b.Im.File)
			for x := range callee.named {
				d.named[x] = true
			}
			for _, p := range callee.preps {
				p.guards = append(append([]guard(nil), p.guards...), outer...)
				d.preps = append(d.preps, p)
			}
		}
	}
	return d
}

// paramIndex is the index of function fn's parameter name, -1 if none.
func (r *review) paramIndex(ctx context.Context, fn, from, name string) int {
	for _, b := range r.m.Bodies(ctx, fn, from, r.k) {
		for i, p := range b.Def.Fn.Type.Params {
			if p.Name == name {
				return i
			}
		}
	}
	return -1
}

// missing reports whether use u's command is left to the generic path by
// caller: named by none of its switches on the command, or handled only
// under protocol tests. A command a switch names without a call under it
// (a case that returns) is taken as handled.
func (r *review) missing(ctx context.Context, caller string, u use, d dispatch) (miss, bool) {
	mi := miss{use: u, caller: caller}
	found := false
	for _, p := range d.preps {
		if p.cmd != u.cmd {
			continue
		}
		found = true
		narrowed := ""
		for _, g := range p.guards {
			if strings.HasPrefix(g.cond, "!") {
				continue
			}
			if r.classify(ctx, g.cond, g.im.File, 0) == guardProtocol {
				narrowed = g.cond
				mi.guardAt = g
				break
			}
		}
		if narrowed == "" {
			return miss{}, false
		}
		mi.dispatcher, mi.guard = p.fn, narrowed
	}
	if !found && d.named[u.cmd] {
		return miss{}, false
	}
	return mi, true
}

// judge turns the casts an object reaches into a finding, if any
// disagrees with it and the series wrote part of the flow.
func (r *review) judge(ctx context.Context, o object, uses []use) (checks.Finding, bool) {
	var bad []use
	for _, u := range uses {
		if !r.agree(ctx, o.typ, u.to) {
			bad = append(bad, u)
		}
	}
	if len(bad) == 0 {
		return checks.Finding{}, false
	}
	var misses []miss
	if o.perCommand {
		for _, u := range bad {
			misses = append(misses, miss{use: u})
		}
	} else {
		misses = r.uncovered(ctx, o, bad)
	}
	misses = dedupe(misses)
	if len(misses) == 0 || !r.written(o, misses) {
		return checks.Finding{}, false
	}
	return r.finding(ctx, o, misses), true
}

// dedupe keeps one miss per command and cast.
func dedupe(ms []miss) []miss {
	seen := map[string]bool{}
	var out []miss
	for _, mi := range ms {
		key := fmt.Sprintf("%s|%s|%s|%d", mi.cmd, mi.handler, mi.im.File, mi.line)
		if !seen[key] {
			seen[key] = true
			out = append(out, mi)
		}
	}
	return out
}

// written reports whether the series added a line of the flow: the
// object, the call passing it, a call on the way, or the cast.
func (r *review) written(o object, ms []miss) bool {
	if o.body.Im.Changed(o.call.Line) || o.declIm != nil && o.declIm.Changed(o.decl.Line) {
		return true
	}
	for _, mi := range ms {
		if mi.im.Changed(mi.line) || mi.guardAt.im != nil && mi.guardAt.im.Changed(mi.guardAt.line) {
			return true
		}
		for _, h := range mi.path {
			if h.im.Changed(h.line) {
				return true
			}
		}
	}
	return false
}

// site is "file:line" of an image line.
func site(im *model.Image, l int) string { return fmt.Sprintf("%s:%d", im.File, im.FileLine(l)) }
