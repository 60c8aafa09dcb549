package model

import (
	"context"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// HeaderFunc parses the function named by a hunk header ("int
// ipmr_ioctl(struct sock *sk, int cmd, void __user *arg)"), which git cuts
// at the end of the line: a cut parameter list is closed before parsing.
// It returns nil when the header names no function, also when tree-sitter
// made up the function's name (a missing node has no text).
func (im *Image) HeaderFunc() *cfront.Func {
	if im.hdr != nil {
		if im.hdr.Name == "" {
			return nil
		}
		return im.hdr
	}
	im.hdr = &cfront.Func{}
	if f := im.headers.parse(im.header); f != nil {
		im.hdr = f
	}
	return im.HeaderFunc()
}

// HeaderFuncNamed is HeaderFunc when the header's function is named
// name, else nil; a header that cannot name it (cfront.MayName: its parse
// reads the header with punctuation added) is left unparsed.
func (im *Image) HeaderFuncNamed(name string) *cfront.Func {
	if im.hdr == nil && !cfront.MayName([]byte(im.header), name) {
		return nil
	}
	if f := im.HeaderFunc(); f != nil && f.Name == name {
		return f
	}
	return nil
}

// headerFuncs parses the hunk headers of one model, each text once (the
// pre- and post-image of a hunk, and the hunks inside one function, have
// the same header), with a parser of its own. The zero value parses with
// a fresh parser each time.
type headerFuncs struct {
	parser *cfront.Parser
	funcs  map[string]*cfront.Func
}

// parse returns the function header names, nil for none.
func (hf *headerFuncs) parse(header string) *cfront.Func {
	if hf == nil {
		p := cfront.NewParser()
		defer p.Close()
		return parseHeader(p, header)
	}
	if f, ok := hf.funcs[header]; ok {
		return f
	}
	if hf.parser == nil {
		hf.parser = cfront.NewParser()
	}
	f := parseHeader(hf.parser, header)
	if hf.funcs == nil {
		hf.funcs = map[string]*cfront.Func{}
	}
	hf.funcs[header] = f
	return f
}

// close frees the parser.
func (hf *headerFuncs) close() {
	if hf != nil && hf.parser != nil {
		hf.parser.Close()
		hf.parser = nil
	}
}

// parseHeader parses one hunk header with p.
func parseHeader(p *cfront.Parser, header string) *cfront.Func {
	var none *cfront.Func
	h := strings.TrimSpace(header)
	if h == "" || !strings.Contains(h, "(") || opensStruct(h) {
		return none
	}
	h = strings.TrimSuffix(strings.TrimSuffix(h, "{"), " ")
	if open := strings.Count(h, "(") - strings.Count(h, ")"); open > 0 {
		h = strings.TrimRight(h, ", \t") + strings.Repeat(")", open)
	}
	u, err := p.Parse(context.Background(), []byte(h+";\n"))
	if err != nil || u == nil || len(u.Funcs) == 0 {
		return none
	}
	f := u.Funcs[0]
	return &f
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
