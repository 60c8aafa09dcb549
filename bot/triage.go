package bot

import (
	"context"
	"log/slog"
	"sort"

	"github.com/patchbot/patchbot/checks/all"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/series"
)

// TriageOptions tune Triage.
type TriageOptions struct {
	// Tree is a kernel checkout for the tree-wide checks ("" for none).
	Tree string
	// Rules are conversion rules pinned in the config.
	Rules []model.Rule
	// Note receives once-per-run notices of the checks (nil discards).
	Note func(msg string)
	// Log receives diagnostics of the tree index (nil discards).
	Log *slog.Logger
	// Progress, when set, is called after each series is reviewed with how
	// many are done out of how many.
	Progress func(done, total int)
	// TreeProgress, when set, follows the indexing of the tree.
	TreeProgress func(done, total int)
}

// Triage assembles msgs into series, reviews every series and returns
// them in attention order (see SortTriage), with per-series counts and
// whether a newer version was posted. Errors name the series a check
// failed on; that series is still listed, with the findings the other
// checks made. An unusable tree is an error and nothing is reviewed.
func Triage(ctx context.Context, msgs []*mail.Message, opt TriageOptions) (*report.Triage, []error) {
	res := series.Assemble(msgs)
	t := &report.Triage{Mails: len(msgs), Skipped: len(res.Skipped)}
	reg, err := all.New()
	if err != nil {
		return t, []error{err}
	}
	t.Checks = reg.IDs()
	env := &model.Env{Rules: opt.Rules, Note: opt.Note, Parses: model.NewParseCache(), Stats: model.NewStats()}
	if env.Note == nil {
		env.Note = func(string) {}
	}
	defer func() {
		for _, line := range env.Stats.Summary() {
			env.Note(line)
		}
	}()
	if opt.Tree != "" {
		log := opt.Log
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		x, err := model.OpenTree(ctx, opt.Tree, res.Series, model.TreeOptions{Rules: opt.Rules, Parses: env.Parses, Log: log, Progress: opt.TreeProgress})
		if err != nil {
			return t, []error{err}
		}
		env.Tree = x
	}
	results, errs := ReviewProgress(ctx, res.Series, env, opt.Progress)
	for _, r := range results {
		t.Items = append(t.Items, ClassifySeries(r))
	}
	if ctx.Err() != nil {
		return t, errs
	}
	SortTriage(t.Items)
	return t, errs
}

// ClassifySeries classifies one reviewed series: its state, its findings
// counted by severity and check, the newest later version and the
// Message-IDs of its mails.
func ClassifySeries(r report.SeriesResult) report.TriageItem {
	s := r.Series
	it := report.TriageItem{Result: r, PerCheck: map[string]int{}, Newer: NewerVersion(s)}
	it.Errors, it.Warnings, it.Notes = report.CountSeverities(r.Findings)
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
	case it.Newer != nil:
		it.State = report.TriageSuperseded
	case it.Errors > 0:
		it.State = report.TriageErrors
	case it.Warnings+it.Notes > 0:
		it.State = report.TriageWarnings
	case !s.Complete:
		it.State = report.TriageIncomplete
	default:
		it.State = report.TriageClean
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
var triageRank = map[string]int{
	report.TriageErrors:     0,
	report.TriageWarnings:   1,
	report.TriageIncomplete: 2,
	report.TriageClean:      3,
	report.TriageSuperseded: 4,
}

// SortTriage puts what needs a maintainer first: series with errors (most
// errors first), then with warnings (most first), then incomplete ones
// (the review saw only part), then clean ones, and superseded series last
// whatever they hold, since nobody should review an old version. Within a
// state the newest series comes first.
func SortTriage(items []report.TriageItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if ra, rb := triageRank[a.State], triageRank[b.State]; ra != rb {
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
