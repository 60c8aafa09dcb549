package model

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

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

// OpenTree opens the index of the kernel tree at dir for reviewing ss.
// The tree's store (under the user cache directory) holds every file
// parsed once and is only stat-checked on later runs; the index answers
// with the files that mention what the series touch (and the structs of
// the rules in force: opt.Rules and those inferred from ss), as if only
// those had been indexed, so findings do not depend on the rest of the
// tree.
//
// Implementers of a converted callback are often defined in a file that
// never names the struct (tcp_ioctl lives in net/ipv4/tcp.c, bound in
// tcp_ipv4.c), so the files that mention the functions bound to each
// rule's member are answered with too.
func OpenTree(ctx context.Context, dir string, ss []*series.Series, opt TreeOptions) (*tree.Index, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The store does not depend on the needles: it is checked against the
	// tree (a stat of every file) while the rules are inferred.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type opened struct {
		x   *tree.Index
		err error
	}
	done := make(chan opened, 1)
	go func() {
		x, err := tree.BuildIndex(ctx, dir, tree.IndexOptions{Log: log, Progress: opt.Progress})
		done <- opened{x, err}
	}()
	inferred, touched, err := inferAll(ctx, ss, opt.Parses)
	if err != nil {
		cancel()
		<-done
		return nil, err
	}
	rules := append(slices.Clone(opt.Rules), inferred...)
	o := <-done
	if o.err != nil {
		return nil, fmt.Errorf("kernel tree %s: %w", dir, o.err)
	}
	needles := treeNeedles(touched, rules)
	if len(needles) == 0 {
		// Nothing in the series names a struct or function: the index
		// would hold nothing the checks could ask for.
		needles = []string{"struct "}
	}
	x := o.x.WithNeedles(needles)
	more := boundFuncNeedles(x, rules, needles)
	if len(more) == 0 {
		return x, nil
	}
	return x.WithNeedles(append(needles, more...)), nil
}

// inferAll infers the rules of every series and what they touch (see
// seriesRulesAndNeedles) on every CPU; the rules are in the order of ss,
// the first error in that order is returned.
func inferAll(ctx context.Context, ss []*series.Series, parses *ParseCache) ([]Rule, map[string]bool, error) {
	type inferred struct {
		rules   []Rule
		needles map[string]bool
		err     error
	}
	out := make([]inferred, len(ss))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ss)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(ss); i = int(next.Add(1)) - 1 {
				r := inferred{needles: map[string]bool{}}
				r.rules, r.err = seriesRulesAndNeedles(ctx, ss[i], parses, r.needles)
				out[i] = r
			}
		}()
	}
	wg.Wait()
	var rules []Rule
	touched := map[string]bool{}
	for _, r := range out {
		if r.err != nil {
			return nil, nil, r.err
		}
		rules = append(rules, r.rules...)
		maps.Copy(touched, r.needles)
	}
	return rules, touched, nil
}

// seriesRulesAndNeedles infers the rules s implies and adds what it
// touches to needles, with s loaded for as long as that takes (a series
// assembled with a spill is read back).
func seriesRulesAndNeedles(ctx context.Context, s *series.Series, parses *ParseCache, needles map[string]bool) ([]Rule, error) {
	if err := s.Load(); err != nil {
		return nil, err
	}
	defer s.Release()
	addSeriesNeedles(needles, s)
	return InferRules(ctx, s, parses)
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

// TreeHead is the git HEAD revision of env's kernel tree, "" without a
// tree or when it is not a git checkout (see tree.GitHead).
func TreeHead(env *Env) string {
	if env == nil || env.Tree == nil {
		return ""
	}
	return tree.GitHead(env.Tree.Root)
}

// CacheDir is patchbot's cache directory (see tree.CacheDir).
func CacheDir() (string, error) { return tree.CacheDir() }
