package report

import (
	"io"

	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/series"
)

// WriteShort writes what a hook prints while `git send-email` goes through
// the patches: one line a patch when there is nothing to say
// (`patchbot: [PATCH 1/2] foo: bar: no findings`), and otherwise the
// patch's findings in gcc style, each with its quoted lines, explanation
// and fix.
func WriteShort(w io.Writer, rs []review.Result) error {
	ew := &errWriter{w: w}
	for _, r := range rs {
		s := r.Series
		groups := byPatch(r.Findings)
		with := map[string]bool{}
		for _, g := range groups {
			with[g[0].MessageID] = true
		}
		for _, p := range s.Patches {
			if p.Msg == nil || with[p.Msg.MessageID] {
				continue
			}
			ew.printf("patchbot: %s: no findings\n", sanitizeQuote(p.Msg.Subject))
		}
		for _, g := range groups {
			ew.printf("patchbot: %s: %s\n", mailSubject(s, g[0].MessageID), Plural(len(g), "finding", "findings"))
			for _, f := range g {
				ew.printf("%s\n", GCCLine(f))
				for _, q := range f.Quote {
					ew.printf("    | %s\n", sanitizeQuote(q))
				}
				if f.Explanation != "" {
					ew.printf("    %s\n", f.Explanation)
				}
				if f.Suggestion != "" {
					ew.printf("    suggested fix: %s\n", f.Suggestion)
				}
			}
		}
	}
	return ew.err
}

// mailSubject is the subject of the mail of s that msgid names (the
// series' title when none does).
func mailSubject(s *series.Series, msgid string) string {
	if s.Cover != nil && s.Cover.MessageID == msgid {
		return sanitizeQuote(s.Cover.Subject)
	}
	for _, p := range s.Patches {
		if p.Msg != nil && p.Msg.MessageID == msgid {
			return sanitizeQuote(p.Msg.Subject)
		}
	}
	return sanitizeQuote(s.Title)
}
