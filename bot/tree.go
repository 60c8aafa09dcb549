package bot

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// OpenTree indexes the kernel tree at dir for reviewing ss: only the files
// that mention what the series touch (and the structs of the rules) are
// parsed, and parses are cached under the user cache directory, so a
// second run re-reads only what changed.
func OpenTree(ctx context.Context, dir string, ss []*series.Series, rules []checks.Rule, log *slog.Logger) (*checks.TreeIndex, error) {
	needles := checks.TreeNeedles(ss, rules)
	if len(needles) == 0 {
		// Nothing in the series names a struct or function: the index
		// would hold nothing the checks could ask for.
		needles = []string{"struct "}
	}
	x, err := checks.BuildIndex(ctx, dir, checks.IndexOptions{Needles: needles, Log: log})
	if err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	return x, nil
}
