package report

import (
	"time"

	"github.com/patchbot/patchbot/review"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// testTriage builds a triage of four made-up series: one with an error
// and a warning, one incomplete, one clean, and an old version superseded
// by the clean one. Titles and IDs carry characters HTML must escape.
func testTriage() *review.Triage {
	at := func(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, time.UTC) }
	patch := func(id string, i, n int) *series.Patch {
		return &series.Patch{Msg: &mail.Message{MessageID: id, Subject: "[PATCH] x"}, Subject: series.Subject{Raw: "[PATCH] x", Title: "x"}, Index: i, Total: n}
	}
	ada := mail.Address{Name: "Ada Lovelace", Email: "ada@example.org"}
	bad := &series.Series{ID: "bad/1+x@example.org", Title: "net: <foo> & \"bar\" conversion", Version: 2, Author: ada, Date: at(20),
		Cover: &mail.Message{MessageID: "bad/1+x@example.org"}, Total: 2, Complete: true,
		Patches: []*series.Patch{patch("bad-2@example.org", 1, 2), patch("bad-3@example.org", 2, 2)}}
	part := &series.Series{ID: "part-1@example.org", Title: "io_uring: a series with a very long title that cannot possibly fit into one hundred columns of a terminal", Version: 1,
		Author: mail.Address{Email: "nobody@example.org"}, Date: at(21), Total: 5, Missing: []int{3},
		Patches: []*series.Patch{patch("part-1@example.org", 1, 5), patch("part-2@example.org", 2, 5), patch("part-4@example.org", 4, 5), patch("part-5@example.org", 5, 5)}}
	clean := &series.Series{ID: "clean-v3@example.org", Title: "foo: fix bar", Version: 3, Author: ada, Date: at(22), Total: 1, Complete: true,
		Patches: []*series.Patch{patch("clean-v3@example.org", 1, 1)}}
	old := &series.Series{ID: "clean-v2@example.org", Title: "foo: fix bar", Version: 2, Author: ada, Date: at(19), Total: 1, Complete: true,
		Patches: []*series.Patch{patch("clean-v2@example.org", 1, 1)}, Versions: []*series.Series{clean}}
	clean.Versions = []*series.Series{old}
	ids := []string{"dropped-user", "callback-signature", "unconverted-implementer"}
	return &review.Triage{
		Checks: ids,
		Mails:  12, Skipped: 3,
		Items: []review.TriageItem{
			{Result: review.Result{Series: bad, Findings: []checks.Finding{
				{Check: "callback-signature", Severity: checks.SeverityError, File: "net/foo/af_foo.c", Line: 84, Message: "initialization of struct proto.ioctl from incompatible pointer type", MessageID: "bad-2@example.org", Patch: 1, Quote: []string{"net/foo/af_foo.c:84: static int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)"}, Explanation: "The <member> type changed.", Suggestion: "use int *karg"},
				{Check: "dropped-user", Severity: checks.SeverityWarning, File: "net/foo/af_foo.c", Line: 11, Message: "'argp' lost '__user'", MessageID: "bad-3@example.org", Patch: 2},
			}}, State: review.TriageErrors, Errors: 1, Warnings: 1, PerCheck: map[string]int{"callback-signature": 1, "dropped-user": 1}},
			{Result: review.Result{Series: part}, State: review.TriageIncomplete, PerCheck: map[string]int{}},
			{Result: review.Result{Series: clean}, State: review.TriageClean, PerCheck: map[string]int{}},
			{Result: review.Result{Series: old, Findings: []checks.Finding{{Check: "dropped-user", Severity: checks.SeverityWarning, File: "a.c", Line: 1, Message: "m", MessageID: "clean-v2@example.org"}}},
				State: review.TriageSuperseded, Warnings: 1, PerCheck: map[string]int{"dropped-user": 1}, Newer: clean},
		},
	}
}
