package model

import (
	"context"

	"github.com/patchbot/patchbot/checks/cfront"
)

// reserveUnit returns an empty unit with room for what parts hold (a list
// nothing will go into stays nil, as AppendShifted leaves it).
func reserveUnit(parts []*cfront.Unit) *cfront.Unit {
	var n [6]int
	for _, p := range parts {
		n[0] += len(p.Funcs)
		n[1] += len(p.Structs)
		n[2] += len(p.Inits)
		n[3] += len(p.Calls)
		n[4] += len(p.Casts)
		n[5] += len(p.Decls)
	}
	u := &cfront.Unit{}
	if n[0] > 0 {
		u.Funcs = make([]cfront.Func, 0, n[0])
	}
	if n[1] > 0 {
		u.Structs = make([]cfront.Struct, 0, n[1])
	}
	if n[2] > 0 {
		u.Inits = make([]cfront.Init, 0, n[2])
	}
	if n[3] > 0 {
		u.Calls = make([]cfront.Call, 0, n[3])
	}
	if n[4] > 0 {
		u.Casts = make([]cfront.Cast, 0, n[4])
	}
	if n[5] > 0 {
		u.Decls = make([]cfront.Decl, 0, n[5])
	}
	return u
}

// parseWhole parses a whole-file image chunk by chunk (cfront.Chunks),
// each chunk through the run's parse cache. A patch changes a few
// functions of a file: the other chunks are those of the tree's copy, and
// of every other series and patch touching the file, so they are parsed
// once, not once per image. Chunks end only between complete file-scope
// constructs and their lines are moved back into place, so the result is
// the whole-file parse; the one difference is that tree-sitter's recovery
// from a syntax error (a macro it cannot know) stays inside the construct
// it is in, where in a whole-file parse it can swallow the next ones.
func (m *Model) parseWhole(ctx context.Context, p *cfront.Parser, im *Image) (*cfront.Unit, error) {
	parseText := func(src []byte) func() (*cfront.Unit, error) {
		return func() (*cfront.Unit, error) { return p.ParseFragment(ctx, src, "") }
	}
	if len(im.src) > cfront.MaxSource {
		// Refused whole, as a whole-file parse refuses it.
		return parseText(im.src)()
	}
	chunks := cfront.Chunks(im.src)
	if len(chunks) == 1 {
		return m.parses.parse(ctx, "", im.src, true, parseText(im.src))
	}
	parts := make([]*cfront.Unit, len(chunks))
	for i, c := range chunks {
		src := im.src[c.From:c.To]
		part, err := m.parses.parse(ctx, "", src, true, parseText(src))
		if err != nil {
			return nil, err
		}
		parts[i] = part
	}
	u := reserveUnit(parts)
	for i, c := range chunks {
		u.AppendShifted(parts[i], c.Start-1)
	}
	return u, nil
}
