package review

import (
	"context"
	"testing"
	"time"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

func TestNewerVersion(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	v1 := &series.Series{ID: "v1", Version: 1, Date: at(1)}
	v2 := &series.Series{ID: "v2", Version: 2, Date: at(5)}
	v2resend := &series.Series{ID: "v2r", Version: 2, Date: at(8), Resend: true}
	v3 := &series.Series{ID: "v3", Version: 3, Date: at(9)}
	tests := []struct {
		name string
		s    *series.Series
		vs   []*series.Series
		want string
	}{
		{"alone", v1, nil, ""},
		{"the newest of several", v1, []*series.Series{v2, v3, v2resend}, "v3"},
		{"a later RESEND of the same version", v2, []*series.Series{v1, v2resend}, "v2r"},
		{"the newest has none", v3, []*series.Series{v1, v2, v2resend}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := *tt.s
			s.Versions = tt.vs
			got := ""
			if n := NewerVersion(&s); n != nil {
				got = n.ID
			}
			if got != tt.want {
				t.Errorf("NewerVersion = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClassifyAndSort(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	mk := func(id string, d int, complete bool, newer bool, sevs ...checks.Severity) Result {
		s := &series.Series{ID: id, Title: id, Version: 1, Date: at(d), Complete: complete,
			Patches: []*series.Patch{{Msg: &mail.Message{MessageID: id + "-p1"}}}}
		if newer {
			s.Versions = []*series.Series{{ID: id + "-v2", Version: 2, Date: at(d + 1)}}
		}
		var fs []checks.Finding
		for _, sev := range sevs {
			fs = append(fs, checks.Finding{Check: "dropped-user", Severity: sev})
		}
		return Result{Series: s, Findings: fs}
	}
	rs := []Result{
		mk("clean-old", 1, true, false),
		mk("superseded-with-errors", 9, true, true, checks.SeverityError),
		mk("incomplete", 3, false, false),
		mk("one-error", 2, true, false, checks.SeverityError),
		mk("two-errors", 1, true, false, checks.SeverityError, checks.SeverityError),
		mk("warning", 5, true, false, checks.SeverityWarning),
		mk("note", 6, true, false, checks.SeverityNote),
		mk("clean-new", 4, true, false),
	}
	var items []TriageItem
	for _, r := range rs {
		items = append(items, Classify(r))
	}
	SortTriage(items)
	want := []struct{ id, state string }{
		{"two-errors", TriageErrors},
		{"one-error", TriageErrors},
		{"warning", TriageWarnings},
		{"note", TriageWarnings},
		{"incomplete", TriageIncomplete},
		{"clean-new", TriageClean},
		{"clean-old", TriageClean},
		{"superseded-with-errors", TriageSuperseded},
	}
	for i, w := range want {
		it := items[i]
		if it.Result.Series.ID != w.id || it.State != w.state {
			t.Errorf("row %d: %s (%s), want %s (%s)", i+1, it.Result.Series.ID, it.State, w.id, w.state)
		}
	}
	if items[0].Errors != 2 || items[0].PerCheck["dropped-user"] != 2 || len(items[0].MessageIDs) != 1 {
		t.Errorf("counts of the first row: %+v", items[0])
	}
}

// TestTriageReviewsEverySeries reviews and triages made-up mail: the parallel
// review must keep every series, and progress must reach the total.
func TestTriageReviewsEverySeries(t *testing.T) {
	var msgs []*mail.Message
	for i := range 6 {
		id := string(rune('a'+i)) + "@example.org"
		msgs = append(msgs, &mail.Message{
			MessageID: id, Subject: "[PATCH] foo: change " + id,
			From: mail.Address{Name: "Ada", Email: "ada@example.org"}, Date: time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC),
			Body: "Change.\n\nSigned-off-by: Ada <ada@example.org>\n---\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,1 +1,1 @@\n-int x" + id[:1] + ";\n+int y" + id[:1] + ";\n",
		})
	}
	last := 0
	sess, err := NewSession(Options{Progress: func(done, total int) {
		if total != 6 {
			t.Errorf("progress total %d, want 6", total)
		}
		last = max(last, done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := sess.ReviewAssembly(context.Background(), series.Assemble(msgs))
	if err != nil {
		t.Fatal(err)
	}
	if errs := run.Errs(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	tr := NewTriage(run, sess.Checks())
	if len(tr.Items) != 6 || last != 6 {
		t.Fatalf("%d items, progress %d; want 6 each", len(tr.Items), last)
	}
	if len(tr.Checks) != len(Registered()) {
		t.Errorf("checks %v", tr.Checks)
	}
	for i := 1; i < len(tr.Items); i++ {
		if tr.Items[i-1].Result.Series.Date.Before(tr.Items[i].Result.Series.Date) {
			t.Errorf("clean series are not newest first: %v before %v", tr.Items[i-1].Result.Series.Date, tr.Items[i].Result.Series.Date)
		}
	}
}

func TestStableBackport(t *testing.T) {
	for _, tt := range []struct {
		prefixes []string
		want     bool
	}{
		{[]string{"PATCH", "5.10", "333/509"}, true},
		{[]string{"PATCH", "AUTOSEL", "6.1", "01/10"}, true},
		{[]string{"PATCH", "6.1.y"}, true},
		{[]string{"PATCH", "stable", "4.19"}, true},
		{[]string{"PATCH", "net-next", "v2", "1/3"}, false},
		{[]string{"PATCH", "v5.1"}, false},
		{[]string{"RFC", "PATCH", "1.2.3.4"}, false},
	} {
		s := &series.Series{Patches: []*series.Patch{{Subject: series.Subject{Prefixes: tt.prefixes}}}}
		if got := StableBackport(s); got != tt.want {
			t.Errorf("StableBackport(%q) = %v, want %v", tt.prefixes, got, tt.want)
		}
	}
}
