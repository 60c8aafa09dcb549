package model

import (
	"context"

	"github.com/patchbot/patchbot/checks/cfront"
)

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
	u := &cfront.Unit{}
	for _, c := range chunks {
		src := im.src[c.From:c.To]
		part, err := m.parses.parse(ctx, "", src, true, parseText(src))
		if err != nil {
			return nil, err
		}
		u.AppendShifted(part, c.Start-1)
	}
	return u, nil
}
