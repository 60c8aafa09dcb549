package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// PatchName names the patch a finding is in, as a reader of the series
// looks it up: `2/4 "net: raw: fix the ioctl"`, or "the series as a whole"
// for a finding about the whole series (Patch 0). The title is the
// subject without its [PATCH ...] prefixes.
func PatchName(s *series.Series, f checks.Finding) string {
	if f.Patch == 0 || s == nil {
		return "the series as a whole"
	}
	for _, p := range s.Patches {
		if p.Index != f.Patch {
			continue
		}
		total := p.Total
		if total == 0 {
			total = s.Total
		}
		if p.Subject.Title == "" {
			return fmt.Sprintf("%d/%d", p.Index, max(total, 1))
		}
		return fmt.Sprintf("%d/%d %q", p.Index, max(total, 1), p.Subject.Title)
	}
	return fmt.Sprintf("patch %d", f.Patch)
}

// byPatch groups findings by the patch they are in: patches in series
// order, then the findings about the series as a whole; within a group
// the findings keep their order.
func byPatch(fs []checks.Finding) [][]checks.Finding {
	var order []int
	groups := map[int][]checks.Finding{}
	for _, f := range fs {
		if _, ok := groups[f.Patch]; !ok {
			order = append(order, f.Patch)
		}
		groups[f.Patch] = append(groups[f.Patch], f)
	}
	// Patches in series order, the series as a whole last.
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(boolInt(a == 0), boolInt(b == 0)), cmp.Compare(a, b))
	})
	out := make([][]checks.Finding, 0, len(order))
	for _, k := range order {
		out = append(out, groups[k])
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
