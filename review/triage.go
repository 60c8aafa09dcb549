package review

import (
	"sort"
	"strings"

	"github.com/patchbot/patchbot/series"
)

// Triage states, in the order `patchbot triage` lists them: what needs the
// maintainer's attention first, what nobody needs to read last.
const (
	// TriageErrors: at least one error finding.
	TriageErrors = "errors"
	// TriageWarnings: warnings or notes, no error.
	TriageWarnings = "warnings"
	// TriageIncomplete: no findings, but patches are missing, so the
	// review saw only part of the series.
	TriageIncomplete = "incomplete"
	// TriageClean: complete and no findings.
	TriageClean = "clean"
	// TriageSuperseded: a newer version of the series was posted; its
	// findings are still counted, but it is listed last.
	TriageSuperseded = "superseded"
	// TriageStable: a stable-tree backport ("[PATCH 5.10 333/509]",
	// "[PATCH AUTOSEL 6.1 01/10]"): hundreds of them arrive at once, their
	// series are never whole on a development list, and they are not the
	// list's work; listed after everything else (the table leaves them
	// out unless asked).
	TriageStable = "stable"
)

// TriageItem is one series as `patchbot triage` shows it.
type TriageItem struct {
	Result Result
	// State is one of the Triage* constants.
	State string
	// Errors, Warnings and Notes count the findings by severity.
	Errors, Warnings, Notes int
	// PerCheck counts the findings by check ID.
	PerCheck map[string]int
	// Newer is the newest later version of the series, nil when there is
	// none.
	Newer *series.Series
	// MessageIDs are the cover letter's and the patches' Message-IDs: the
	// mails `triage --mark` labels.
	MessageIDs []string
	// Tags counts the review tags the series has (patchwork's A/R/T),
	// when the mailbox's replies were read for them (Triage.CountTags).
	Tags series.ART
}

// Triage is the result of triaging a mailbox: its series in attention
// order, and what was read.
type Triage struct {
	Items []TriageItem
	// Checks are the IDs of the checks that ran, in order (the table's
	// per-check columns).
	Checks []string
	// Mails is the number of mails read; Skipped how many of them were not
	// patches (replies, pull requests...).
	Mails, Skipped int
}

// CountTags fills each item's Tags from the review tags the mailbox gave.
func (t *Triage) CountTags(tags *series.Tags) {
	for i := range t.Items {
		t.Items[i].Tags = tags.Count(t.Items[i].Result.Series)
	}
}

// Keep leaves in t only the items keep accepts (all for a nil keep), in
// their order; the counts of mails read stay what was read.
func (t *Triage) Keep(keep func(TriageItem) bool) {
	if keep == nil {
		return
	}
	out := t.Items[:0]
	for _, it := range t.Items {
		if keep(it) {
			out = append(out, it)
		}
	}
	t.Items = out
}

// NewTriage classifies the series a run reviewed (see Classify) and puts
// them in attention order (see SortTriage). checks are the IDs of the
// checks that ran. A series a check panicked on is left out: its result
// says nothing.
func NewTriage(run *Run, checks []string) *Triage {
	t := &Triage{Checks: checks}
	if run.Assembly != nil {
		t.Skipped = len(run.Assembly.Skipped)
	}
	for _, r := range run.Reviewed() {
		t.Items = append(t.Items, Classify(r))
	}
	if run.Err == nil {
		SortTriage(t.Items)
	}
	return t
}

// Classify classifies one reviewed series: its state, its findings
// counted by severity and check, the newest later version and the
// Message-IDs of its mails.
func Classify(r Result) TriageItem {
	s := r.Series
	it := TriageItem{Result: r, PerCheck: map[string]int{}, Newer: NewerVersion(s)}
	it.Errors, it.Warnings, it.Notes = CountSeverities(r.Findings)
	for _, f := range r.Findings {
		it.PerCheck[f.Check]++
	}
	if s.Cover != nil && s.Cover.MessageID != "" {
		it.MessageIDs = append(it.MessageIDs, s.Cover.MessageID)
	}
	for _, p := range s.Patches {
		if p.Msg != nil && p.Msg.MessageID != "" {
			it.MessageIDs = append(it.MessageIDs, p.Msg.MessageID)
		}
	}
	switch {
	case StableBackport(s):
		it.State = TriageStable
	case it.Newer != nil:
		it.State = TriageSuperseded
	case it.Errors > 0:
		it.State = TriageErrors
	case it.Warnings+it.Notes > 0:
		it.State = TriageWarnings
	case !s.Complete:
		it.State = TriageIncomplete
	default:
		it.State = TriageClean
	}
	return it
}

// NewerVersion returns the newest version of s posted after it: a higher
// version number, or the same version posted later (a RESEND). nil when s
// is the newest.
func NewerVersion(s *series.Series) *series.Series {
	var best *series.Series
	for _, v := range s.Versions {
		if !(v.Version > s.Version || (v.Version == s.Version && v.Date.After(s.Date))) {
			continue
		}
		if best == nil || v.Version > best.Version || (v.Version == best.Version && v.Date.After(best.Date)) {
			best = v
		}
	}
	return best
}

// triageRank orders the states: errors, warnings, incomplete, clean,
// superseded.
func triageRank(state string) int {
	switch state {
	case TriageErrors:
		return 0
	case TriageWarnings:
		return 1
	case TriageIncomplete:
		return 2
	case TriageClean:
		return 3
	case TriageSuperseded:
		return 4
	}
	return 5
}

// StableBackport reports whether s was posted for a stable tree: its
// subject's prefixes name a stable release ("5.10", "6.1.y", "4.19.y"),
// AUTOSEL (the stable maintainers' automatic selection) or "stable".
func StableBackport(s *series.Series) bool {
	for _, p := range s.Patches {
		for _, w := range p.Subject.Prefixes {
			if stablePrefix(w) {
				return true
			}
		}
		return false
	}
	return false
}

// stablePrefix reports whether a subject prefix word names a stable tree.
func stablePrefix(w string) bool {
	switch strings.ToLower(w) {
	case "autosel", "stable":
		return true
	}
	// N.M, N.M.y or N.M.K: a release, as stable backports name theirs.
	parts := strings.Split(strings.TrimSuffix(strings.ToLower(w), ".y"), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// SortTriage puts what needs a maintainer first: series with errors (most
// errors first), then with warnings (most first), then incomplete ones
// (the review saw only part), then clean ones, and superseded series last
// whatever they hold, since nobody should review an old version. Within a
// state the newest series comes first.
func SortTriage(items []TriageItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if ra, rb := triageRank(a.State), triageRank(b.State); ra != rb {
			return ra < rb
		}
		if a.Errors != b.Errors {
			return a.Errors > b.Errors
		}
		if a.Warnings != b.Warnings {
			return a.Warnings > b.Warnings
		}
		as, bs := a.Result.Series, b.Result.Series
		if !as.Date.Equal(bs.Date) {
			return as.Date.After(bs.Date)
		}
		return as.Title < bs.Title
	})
}
