// Package report renders what patchbot found: per-series summaries and
// findings as gcc-style text or as the JSON that `patchbot check --format
// json` promises to other tools.
package report

import (
	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// SeriesResult is one assembled series with the findings the checks made
// on it.
type SeriesResult struct {
	Series   *series.Series
	Findings []checks.Finding
}

// CountFindings returns how many findings the results hold in total.
func CountFindings(rs []SeriesResult) int {
	n := 0
	for _, r := range rs {
		n += len(r.Findings)
	}
	return n
}
