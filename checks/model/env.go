package model

import "github.com/patchbot/patchbot/checks/tree"

// Env is what the checks may read besides the series: an optional kernel
// tree and pinned conversion rules. The zero Env means "diff only".
type Env struct {
	// Tree is the kernel tree index, nil when no tree is configured.
	Tree *tree.Index
	// Rules are conversion rules pinned in the config, in addition to the
	// ones inferred from the series.
	Rules []Rule
	// Note, when set, receives once-per-run notices that are not findings,
	// such as "tree-wide part needs --tree DIR" or how many hunks did not
	// apply to the tree.
	Note func(msg string)
	// Parses, when set, shares C parses between the series of a run
	// (see ParseCache); nil parses every series afresh.
	Parses *ParseCache
	// Stats, when set, counts what the run read from the diff alone or
	// left unreviewed, for the door to say once (see Stats.Summary).
	Stats *Stats
	// TreeFiles, when set, keeps the tree files the run's series patch,
	// read once for all of them; nil reads them once a series.
	TreeFiles *TreeFiles
}

// Rule is a callback conversion: the member Member of struct Struct
// changes type from Old to New (normalised function-pointer types).
type Rule struct {
	Struct string `json:"struct" toml:"struct"`
	Member string `json:"member" toml:"member"`
	Old    string `json:"old" toml:"old"`
	New    string `json:"new" toml:"new"`
}
