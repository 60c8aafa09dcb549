package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/series"
)

// OpenTree indexes the kernel tree at dir for reviewing ss: only the files
// that mention what the series touch (and the structs of the rules) are
// parsed, and parses are cached under the user cache directory, so a
// second run re-reads only what changed. progress, when set, follows the
// indexing (see tree.IndexOptions.Progress).
//
// Implementers of a converted callback are often defined in a file that
// never names the struct (tcp_ioctl lives in net/ipv4/tcp.c, bound in
// tcp_ipv4.c), so a second pass also indexes the files that mention the
// functions bound to each rule's member.
func OpenTree(ctx context.Context, dir string, ss []*series.Series, pinned []checks.Rule, log *slog.Logger, progress func(done, total int)) (*tree.Index, error) {
	rules := slices.Clone(pinned)
	for _, s := range ss {
		inferred, err := checks.InferRules(ctx, s)
		if err != nil {
			return nil, err
		}
		rules = append(rules, inferred...)
	}
	needles := checks.TreeNeedles(ss, rules)
	if len(needles) == 0 {
		// Nothing in the series names a struct or function: the index
		// would hold nothing the checks could ask for.
		needles = []string{"struct "}
	}
	opt := tree.IndexOptions{Needles: needles, Log: log, Progress: progress}
	x, err := tree.BuildIndex(ctx, dir, opt)
	if err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	more := boundFuncNeedles(x, rules, needles)
	if len(more) == 0 {
		return x, nil
	}
	opt.Needles = append(needles, more...)
	if x, err = tree.BuildIndex(ctx, dir, opt); err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	return x, nil
}

// boundFuncNeedles returns the names of the functions bound to the rules'
// members in x that are not needles yet.
func boundFuncNeedles(x *tree.Index, rules []checks.Rule, have []string) []string {
	var out []string
	for _, r := range rules {
		for _, b := range x.Bindings(r.Struct, r.Member) {
			if !slices.Contains(have, b.Func) && !slices.Contains(out, b.Func) {
				out = append(out, b.Func)
			}
		}
	}
	return out
}
