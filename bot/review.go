// Package bot runs patchbot's pipeline: mail in, series assembled, checks
// run, findings reported and replies sent, with the state that keeps the
// list bot from replying twice.
package bot

import (
	"context"
	"fmt"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/series"
)

// Review runs every check on each series and returns one result per
// series, in the order given. A check that fails on one series is
// reported as an error naming the series; the other series are still
// reviewed.
func Review(ctx context.Context, ss []*series.Series, env *checks.Env) ([]report.SeriesResult, []error) {
	out := make([]report.SeriesResult, 0, len(ss))
	var errs []error
	for _, s := range ss {
		if err := ctx.Err(); err != nil {
			return out, append(errs, err)
		}
		fs, err := checks.Run(ctx, s, env)
		if err != nil {
			errs = append(errs, fmt.Errorf("series %q v%d <%s>: %w", s.Title, s.Version, s.ID, err))
		}
		out = append(out, report.SeriesResult{Series: s, Findings: fs})
	}
	return out, errs
}
