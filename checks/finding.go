// Package checks holds the review checks patchbot runs on a series, the
// Finding they yield, and the C front end and kernel tree index they use.
package checks

import (
	"context"

	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/series"
)

// Severity of a finding, as printed in gcc-style output.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// Finding is one thing a check reports. Its JSON form is part of the
// `patchbot check --format json` contract.
type Finding struct {
	// Check is the stable check ID ("dropped-user", "callback-signature",
	// "unconverted-implementer").
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// File and Line locate the finding in the post-image.
	File string `json:"file"`
	Line int    `json:"line"`
	// Symbol is the function, struct member or variable concerned.
	Symbol  string `json:"symbol"`
	Message string `json:"message"`
	// MessageID is the mail the finding is in (the patch, or the cover
	// letter for series-level findings).
	MessageID string `json:"message_id"`
	// Patch is the counter of the patch the finding is in (the k of
	// "[PATCH k/N]"), 0 for a finding about the series as a whole.
	Patch int `json:"patch,omitempty"`
	// Explanation is a paragraph on why this is wrong, Quote the offending
	// lines, Suggestion a fix where one is obvious.
	Explanation string   `json:"explanation,omitempty"`
	Quote       []string `json:"quote,omitempty"`
	Suggestion  string   `json:"suggestion,omitempty"`
}

// Check is one review check: a pure function of a series and an optional
// read-only kernel tree.
type Check interface {
	// ID is the stable check ID used in output and config.
	ID() string
	// Run reviews one series. env may carry a tree (nil without one).
	Run(ctx context.Context, s *series.Series, env *Env) ([]Finding, error)
}

// Env is what a check may read besides the series: an optional kernel
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
}

// Rule is a callback conversion: the member Member of struct Struct
// changes type from Old to New (normalised function-pointer types).
type Rule struct {
	Struct string `json:"struct" toml:"struct"`
	Member string `json:"member" toml:"member"`
	Old    string `json:"old" toml:"old"`
	New    string `json:"new" toml:"new"`
}
