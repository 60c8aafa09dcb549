package model

import (
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// HeaderFunc parses the function named by a hunk header ("int
// ipmr_ioctl(struct sock *sk, int cmd, void __user *arg)"), which git cuts
// at the end of the line: a cut parameter list is closed before parsing.
// It returns nil when the header names no function.
func (im *Image) HeaderFunc() *cfront.Func {
	if im.hdr != nil {
		if im.hdr.Name == "" {
			return nil
		}
		return im.hdr
	}
	im.hdr = &cfront.Func{}
	h := strings.TrimSpace(im.header)
	if h == "" || !strings.Contains(h, "(") || opensStruct(h) {
		return nil
	}
	h = strings.TrimSuffix(strings.TrimSuffix(h, "{"), " ")
	if open := strings.Count(h, "(") - strings.Count(h, ")"); open > 0 {
		h = strings.TrimRight(h, ", \t") + strings.Repeat(")", open)
	}
	u, err := cfront.Parse([]byte(h + ";\n"))
	if err != nil || u == nil || len(u.Funcs) == 0 {
		return nil
	}
	f := u.Funcs[0]
	im.hdr = &f
	return im.hdr
}

// Enclosing returns the function an entity at image line l with front-end
// context inFunc belongs to: inFunc when known, else (for a hunk starting
// inside a function) the function of the hunk header, provided no
// function of the fragment starts before l.
func (im *Image) Enclosing(inFunc string, l int) string {
	if inFunc != "" || im.whole {
		return inFunc
	}
	u := im.unit
	if u != nil {
		for _, f := range u.Funcs {
			if f.Definition && f.Line <= l {
				return ""
			}
		}
	}
	if hf := im.HeaderFunc(); hf != nil {
		return hf.Name
	}
	return ""
}

// EnclosingLine is the function enclosing image line l: the definition
// whose span holds it, else the hunk header's function.
func (im *Image) EnclosingLine(l int) string {
	for _, f := range im.unit.Funcs {
		if f.Definition && f.Line <= l && l <= f.EndLine {
			return f.Name
		}
	}
	if im.whole {
		return ""
	}
	return im.Enclosing("", l)
}
