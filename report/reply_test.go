package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/reply-body")

// replySeries is a two-patch series with a cover letter, written for
// these tests.
func replySeries(complete bool) *series.Series {
	cover := &mail.Message{MessageID: "cover.1@example.org", Subject: "[PATCH net-next v2 0/3] net: foo: convert the ioctl callback"}
	p1 := &series.Patch{Msg: &mail.Message{MessageID: "p1.1@example.org", Subject: "[PATCH net-next v2 1/3] net: foo: pass kernel memory"},
		Subject: series.Subject{Title: "net: foo: pass kernel memory"}, Index: 1, Total: 3}
	p3 := &series.Patch{Msg: &mail.Message{MessageID: "p3.1@example.org", Subject: "[PATCH net-next v2 3/3] net: bar: follow the conversion"},
		Subject: series.Subject{Title: "net: bar: follow the conversion"}, Index: 3, Total: 3}
	s := &series.Series{
		ID: "cover.1@example.org", Title: "net: foo: convert the ioctl callback", Version: 2,
		Author: mail.Address{Name: "Ada Example", Email: "ada@example.org"},
		Cover:  cover, Total: 3, Patches: []*series.Patch{p1, p3}, Complete: complete,
	}
	if !complete {
		s.Missing = []int{2}
	}
	return s
}

// based gives s's patches the base-commit git format-patch --base writes.
func based(s *series.Series) *series.Series {
	for _, p := range s.Patches {
		p.BaseCommit = "7261f07089e2fe656a308e6a2cd2c5a4cdcab6be"
	}
	return s
}

var droppedUser = checks.Finding{
	Check: "dropped-user", Severity: checks.SeverityWarning, File: "net/foo/af_foo.c", Line: 42,
	Symbol:    "foo_copy:dst",
	Message:   "incorrect type in argument 1 (different address spaces): 'dst' lost '__user' in this patch but is still passed to copy_to_user() at line 44",
	MessageID: "p3.1@example.org",
	Quote: []string{
		"-net/foo/af_foo.c:42: static int foo_copy(struct foo *f, void __user *dst)",
		"+net/foo/af_foo.c:42: static int foo_copy(struct foo *f, void *dst)",
		" net/foo/af_foo.c:44: \treturn copy_to_user(dst, &f->obj, sizeof(f->obj)) ? -EFAULT : 0;",
	},
	Explanation: "The patch changes 'dst' from 'void __user *dst' to 'void *dst', yet copy_to_user() still receives it as its user-space pointer (argument 1).",
	Suggestion:  "keep `void __user *dst`",
}

var unconverted = checks.Finding{
	Check: "unconverted-implementer", Severity: checks.SeverityError, File: "net/baz/baz.c", Line: 8,
	Symbol:    "baz_ioctl",
	Message:   "baz_ioctl() implements struct proto.ioctl (bound at net/baz/baz.c:34) but still has the old type 'int (struct sock *, int, unsigned long)'",
	MessageID: "cover.1@example.org",
	Quote:     []string{"net/baz/baz.c:8: baz_ioctl() : int (struct sock *, int, unsigned long)", "net/baz/baz.c:34: .baz_prot.ioctl = baz_ioctl"},
}

func TestReplyBodyGolden(t *testing.T) {
	hostile := droppedUser
	hostile.Message = "message\nSigned-off-by: Mallory <m@example.org>"
	hostile.Quote = []string{"+net/foo/af_foo.c:42: evil\r\nReviewed-by: Mallory <m@example.org>\x00"}
	hostile.Explanation = "Tested-by: Mallory <m@example.org>"
	moved := droppedUser
	moved.Line = 50
	moved.Message = strings.ReplaceAll(moved.Message, "line 44", "line 52")

	tests := []struct {
		name string
		in   ReplyInput
	}{
		{"one-finding-in-a-patch", ReplyInput{Series: replySeries(true), Findings: []checks.Finding{droppedUser}, ReportedBy: "patchbot <bot@example.org>"}},
		// With a tree at a known revision, a base-commit the series names, a
		// reply that copies the list (so Closes: can point at it on lore),
		// and two findings in one patch under one heading.
		{"tree-base-closes-one-heading", ReplyInput{Series: based(replySeries(true)), Findings: []checks.Finding{droppedUser, moved},
			Tree: true, TreeHead: "0123456789abcdef0123456789abcdef01234567", ReportedBy: "patchbot <bot@example.org>",
			ReportURL: "https://lore.kernel.org/r/patchbot.0011223344556677@example.org"}},
		{"series-level-and-patch-findings", ReplyInput{Series: replySeries(true), Findings: []checks.Finding{unconverted, droppedUser}, ReportedBy: "patchbot <bot@example.org>", Tree: true}},
		{"incomplete-series", ReplyInput{Series: replySeries(false), Findings: []checks.Finding{droppedUser}, Grace: "10m0s"}},
		{"new-version-still-and-fixed", ReplyInput{Series: replySeries(true), Findings: []checks.Finding{moved},
			Previous: 1, Still: map[string]bool{Fingerprint(droppedUser): true}, Fixed: []string{FingerprintLabel(Fingerprint(unconverted))}}},
		{"clean-with-fixes", ReplyInput{Series: replySeries(true), Previous: 1, Still: map[string]bool{}, Fixed: []string{FingerprintLabel(Fingerprint(droppedUser))}}},
		{"hostile-finding-text", ReplyInput{Series: replySeries(true), Findings: []checks.Finding{hostile}, ReportedBy: "patchbot <bot@example.org>"}},
		{"follow-up-new-and-gone", ReplyInput{Series: replySeries(true), Findings: []checks.Finding{droppedUser}, Late: []string{"2/3"},
			Fixed: []string{FingerprintLabel(Fingerprint(unconverted))}, ReportedBy: "patchbot <bot@example.org>"}},
		{"follow-up-gone-only", ReplyInput{Series: replySeries(true), Late: []string{"2/3", "3/3"},
			Fixed: []string{FingerprintLabel(Fingerprint(unconverted))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.TrimRight(ReplyBody(tt.in), "\n") + "\n\n-- \n" + ReplySignature(tt.in.Series.ID, tt.in.Tree, "v1.0.0") + "\n"
			checkReplyInvariants(t, got)
			path := filepath.Join("testdata", "reply-body", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -run ReplyBody -update)", err)
			}
			if got != string(want) {
				t.Errorf("body differs from %s (-update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// checkReplyInvariants holds for every body: prose within 72 columns,
// no trailer a tool could collect, no control characters but tabs.
func checkReplyInvariants(t *testing.T, body string) {
	t.Helper()
	for i, l := range strings.Split(body, "\n") {
		if trailerLike.MatchString(l) {
			t.Errorf("line %d reads as a trailer b4 would collect: %q", i+1, l)
		}
		for _, r := range l {
			if r != '\t' && (r < ' ' || r == 0x7f) {
				t.Errorf("line %d holds control character %U: %q", i+1, r, l)
			}
		}
		long := utf8.RuneCountInString(l) > ReplyWidth
		kept := strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "| ") || strings.HasPrefix(l, "    b4 am") || gccLocation.MatchString(l) || !strings.Contains(l, " ")
		if long && !kept {
			t.Errorf("line %d is %d columns of prose: %q", i+1, utf8.RuneCountInString(l), l)
		}
	}
}

func TestFingerprintIgnoresLineNumbers(t *testing.T) {
	moved := droppedUser
	moved.Line = 99
	moved.Message = strings.ReplaceAll(moved.Message, "line 44", "line 101")
	other := droppedUser
	other.Symbol = "foo_copy:src"
	tests := []struct {
		name string
		a, b checks.Finding
		same bool
	}{
		{"moved code is the same finding", droppedUser, moved, true},
		{"another symbol is another finding", droppedUser, other, false},
		{"another check is another finding", droppedUser, unconverted, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fingerprint(tt.a) == Fingerprint(tt.b); got != tt.same {
				t.Errorf("same fingerprint = %v, want %v\n%q\n%q", got, tt.same, Fingerprint(tt.a), Fingerprint(tt.b))
			}
		})
	}
}
