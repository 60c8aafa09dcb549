package model

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/series"
)

// TreeOptions tune OpenTree.
type TreeOptions struct {
	// Rules are the conversion rules pinned in the config.
	Rules []Rule
	// Parses, when set, is the run's parse cache, shared with the review
	// (the rules of every series are inferred from the same hunks).
	Parses *ParseCache
	// Log receives progress and cache diagnostics of the index; nil
	// discards them.
	Log *slog.Logger
	// Progress, when set, follows the indexing (see
	// tree.IndexOptions.Progress).
	Progress func(done, total int)
}

// OpenTree indexes the kernel tree at dir for reviewing ss: only the files
// that mention what the series touch (and the structs of the rules in
// force: opt.Rules and those inferred from ss) are parsed, and parses are
// cached under the user cache directory, so a second run re-reads only
// what changed.
//
// Implementers of a converted callback are often defined in a file that
// never names the struct (tcp_ioctl lives in net/ipv4/tcp.c, bound in
// tcp_ipv4.c), so a second pass also indexes the files that mention the
// functions bound to each rule's member.
func OpenTree(ctx context.Context, dir string, ss []*series.Series, opt TreeOptions) (*tree.Index, error) {
	rules := slices.Clone(opt.Rules)
	for _, s := range ss {
		inferred, err := InferRules(ctx, s, opt.Parses)
		if err != nil {
			return nil, err
		}
		rules = append(rules, inferred...)
	}
	needles := treeNeedles(ss, rules)
	if len(needles) == 0 {
		// Nothing in the series names a struct or function: the index
		// would hold nothing the checks could ask for.
		needles = []string{"struct "}
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	iopt := tree.IndexOptions{Needles: needles, Log: log, Progress: opt.Progress}
	x, err := tree.BuildIndex(ctx, dir, iopt)
	if err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	more := boundFuncNeedles(x, rules, needles)
	if len(more) == 0 {
		return x, nil
	}
	iopt.Needles = append(needles, more...)
	if x, err = tree.BuildIndex(ctx, dir, iopt); err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, err)
	}
	return x, nil
}

// boundFuncNeedles returns the names of the functions bound to the rules'
// members in x that are not needles yet.
func boundFuncNeedles(x *tree.Index, rules []Rule, have []string) []string {
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
