package kargtype

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
)

// finding describes an object and the casts of it that disagree.
func (r *review) finding(ctx context.Context, o object, ms []miss) checks.Finding {
	im, line := o.body.Im, o.call.Line
	if o.declIm != nil {
		im, line = o.declIm, o.decl.Line
	}
	k := im.Patch()
	if k < 0 {
		k = r.k
	}
	first := ms[0]
	size := func(t string) string {
		if l, ok := r.layoutOf(ctx, t, 0); ok {
			if l.size == 1 {
				return " (1 byte)"
			}
			return fmt.Sprintf(" (%d bytes)", l.size)
		}
		return ""
	}
	obj := fmt.Sprintf("%s %s%s", o.typ, o.decl.Name, size(o.typ))
	var msg, why, fix string
	if o.perCommand {
		msg = fmt.Sprintf("%s() prepares %s for %s, but %s() %s %s * for %s (%s)",
			o.fn, obj, first.cmd, first.handler, first.verb(), first.to, first.cmd, site(first.im, first.line))
		why = fmt.Sprintf("%s() passes &%s (%s%s) through %s, which reads it as %s%s for %s.",
			o.fn, o.decl.Name, o.typ, size(o.typ), route(first.path), first.to, size(first.to), first.cmd)
		fix = fmt.Sprintf("use `%s` for `%s`", first.to, first.cmd)
	} else {
		msg = fmt.Sprintf("%s reaches %s(), which %s %s * for %s (%s)",
			obj, first.handler, first.verb(), first.to, first.cmd, site(first.im, first.line))
		if first.guard != "" {
			msg += fmt.Sprintf(": %s() prepares a buffer for %s only when %s, a test of the protocol number", first.caller, first.cmd, first.guard)
			why = fmt.Sprintf("%s() prepares the %s buffer (in %s()) only for sockets where `%s` holds, but the protocol number does not choose the struct proto: a raw socket of any other protocol takes the generic path, which passes &%s through %s, which reads it as %s%s.",
				first.caller, first.cmd, first.dispatcher, first.guard, o.decl.Name, route(first.path), first.to, size(first.to))
			fix = fmt.Sprintf("prepare `%s` for `%s` on every path that reaches %s(): test the socket's family and type, not its protocol number", first.to, first.cmd, first.handler)
		} else {
			msg += fmt.Sprintf(": %s() prepares no buffer for %s", first.caller, first.cmd)
			why = fmt.Sprintf("%s() leaves %s to the generic path, which passes &%s through %s, which reads it as %s%s.",
				first.caller, first.cmd, o.decl.Name, route(first.path), first.to, size(first.to))
			fix = fmt.Sprintf("prepare `%s` for `%s` in %s(), as for the commands it handles", first.to, first.cmd, first.caller)
		}
	}
	if len(ms) > 1 {
		var also []string
		for _, mi := range ms[1:] {
			also = append(also, fmt.Sprintf("%s → %s * in %s() (%s)", mi.cmd, mi.to, mi.handler, site(mi.im, mi.line)))
		}
		msg += "; also " + strings.Join(also, ", ")
	}
	why += fmt.Sprintf(" Neither sparse nor gcc sees this through the void *; at run time KASAN reports \"stack-out-of-bounds in %s\", an access past the end of `%s` on %s()'s stack.",
		first.handler, o.decl.Name, o.fn)
	quote := []string{quoteAt(im, line)}
	if o.body.Im != im || o.call.Line != line {
		quote = append(quote, quoteAt(o.body.Im, o.call.Line))
	}
	if first.guardAt.im != nil {
		quote = append(quote, quoteAt(first.guardAt.im, first.guardAt.line))
	}
	quote = append(quote, quoteAt(first.im, first.line))
	return checks.Finding{
		Check:       ID,
		Severity:    checks.SeverityError,
		File:        im.File,
		Line:        im.FileLine(line),
		Symbol:      o.fn,
		Message:     msg,
		MessageID:   r.m.PatchMessageID(k),
		Patch:       r.m.PatchNumber(k),
		Explanation: why,
		Quote:       quote,
		Suggestion:  fix,
	}
}

// quoteAt is image line l as the checks quote it.
func quoteAt(im *model.Image, l int) string {
	if q := im.Quote(l, l); len(q) > 0 {
		return q[0]
	}
	return site(im, l) + ": " + strings.TrimSpace(im.Text(l))
}

// verb is how the handler takes the object: "casts it to" or "assigns it
// to a".
func (u use) verb() string {
	if u.assigned {
		return "assigns it to a"
	}
	return "casts it to"
}

// route names the calls from the object to the handler: "a() → b->cb
// (c()) → d()".
func route(path []hop) string {
	var parts []string
	for _, h := range path {
		if h.via == h.to {
			parts = append(parts, h.to+"()")
		} else {
			parts = append(parts, fmt.Sprintf("%s (%s())", h.via, h.to))
		}
	}
	return strings.Join(parts, " → ")
}
