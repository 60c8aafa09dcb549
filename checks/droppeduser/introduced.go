package droppeduser

import (
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

// introduced keeps the findings on lines of im that patch k really
// introduces: a line it only moves or re-indents (the same code, spaces
// aside, among the lines the patch removes, in any file) carried the
// problem before the patch too, and a mismatch present before the series
// is not this series' to answer for.
func (r *review) introduced(k int, im *model.Image, fs []checks.Finding) []checks.Finding {
	if len(fs) == 0 {
		return fs
	}
	removed := r.removedLines(k)
	out := fs[:0]
	for _, f := range fs {
		moved := false
		for l := 1; l <= im.Lines(); l++ {
			if im.FileLine(l) == f.Line && im.Changed(l) && removed[normaliseCode(im.Text(l))] {
				moved = true
				break
			}
		}
		if !moved {
			out = append(out, f)
		}
	}
	return out
}

// removedLines is the set of lines patch k removes, spaces normalised.
func (r *review) removedLines(k int) map[string]bool {
	if r.removed == nil {
		r.removed = map[int]map[string]bool{}
	}
	if set, ok := r.removed[k]; ok {
		return set
	}
	set := map[string]bool{}
	for _, f := range r.m.Series().Patches[k].Files {
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Op == series.OpDelete {
					if t := normaliseCode(l.Text); t != "" {
						set[t] = true
					}
				}
			}
		}
	}
	r.removed[k] = set
	return set
}

// normaliseCode collapses a line's white space.
func normaliseCode(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
