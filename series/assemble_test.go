package series

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/mail"
)

// summary renders a series in one line for comparisons.
func summary(s *Series) string {
	var b strings.Builder
	fmt.Fprintf(&b, "v%d id=%s", s.Version, s.ID)
	if s.Cover != nil {
		fmt.Fprintf(&b, " cover=%s", s.Cover.MessageID)
	}
	var ids []string
	for _, p := range s.Patches {
		ids = append(ids, fmt.Sprintf("%d:%s", p.Index, p.Msg.MessageID))
	}
	fmt.Fprintf(&b, " patches=[%s] total=%d complete=%v missing=%v", strings.Join(ids, " "), s.Total, s.Complete, s.Missing)
	var vs []string
	for _, o := range s.Versions {
		vs = append(vs, fmt.Sprintf("v%d:%s", o.Version, o.ID))
	}
	if len(vs) > 0 {
		fmt.Fprintf(&b, " versions=[%s]", strings.Join(vs, " "))
	}
	if s.Tree != "" {
		fmt.Fprintf(&b, " tree=%s", s.Tree)
	}
	if s.RFC {
		b.WriteString(" rfc")
	}
	if s.Resend {
		b.WriteString(" resend")
	}
	return b.String()
}

// summaries renders a whole result, series then skips.
func summaries(r *Result) []string {
	var out []string
	for _, s := range r.Series {
		out = append(out, summary(s))
	}
	for _, k := range r.Skipped {
		out = append(out, "skip "+k.MessageID+": "+k.Reason)
	}
	return out
}

func TestAssemble(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		// drop removes mails by Message-ID before assembling.
		drop     []string
		want     []string
		problems map[string]int // series ID -> number of Problems
	}{
		{
			name:    "cover by 0/N and v2 cover replying to v1 cover are two linked versions",
			fixture: "versions",
			want: []string{
				"v1 id=foo-v1-0@patchbot.test cover=foo-v1-0@patchbot.test patches=[1:foo-v1-1@patchbot.test 2:foo-v1-2@patchbot.test 3:foo-v1-3@patchbot.test] total=3 complete=true missing=[] versions=[v2:foo-v2-0@patchbot.test]",
				"v2 id=foo-v2-0@patchbot.test cover=foo-v2-0@patchbot.test patches=[1:foo-v2-1@patchbot.test 2:foo-v2-2@patchbot.test 3:foo-v2-3@patchbot.test] total=3 complete=true missing=[] versions=[v1:foo-v1-0@patchbot.test]",
			},
		},
		{
			name:    "v2 posted into v1's thread is not merged into v1",
			fixture: "v2-in-v1-thread",
			want: []string{
				"v1 id=foo-v1-0@patchbot.test cover=foo-v1-0@patchbot.test patches=[1:foo-v1-1@patchbot.test 2:foo-v1-2@patchbot.test 3:foo-v1-3@patchbot.test] total=3 complete=true missing=[] versions=[v2:foo-v2n-0@patchbot.test]",
				"v2 id=foo-v2n-0@patchbot.test patches=[1:foo-v2n-0@patchbot.test 2:foo-v2n-1@patchbot.test 3:foo-v2n-2@patchbot.test] total=3 complete=true missing=[] versions=[v1:foo-v1-0@patchbot.test]",
			},
		},
		{
			name:    "cover letter not in the input: patches replying to it stay one series",
			fixture: "versions",
			drop:    []string{"foo-v1-0@patchbot.test", "foo-v2-0@patchbot.test", "foo-v2-1@patchbot.test", "foo-v2-2@patchbot.test", "foo-v2-3@patchbot.test"},
			want: []string{
				"v1 id=foo-v1-1@patchbot.test patches=[1:foo-v1-1@patchbot.test 2:foo-v1-2@patchbot.test 3:foo-v1-3@patchbot.test] total=3 complete=true missing=[]",
			},
		},
		{
			name:    "naked cover: the mail patch 1/N replies to, with a diffstat and no diff",
			fixture: "naked-cover",
			want: []string{
				"v3 id=naked-0@patchbot.test cover=naked-0@patchbot.test patches=[1:naked-1@patchbot.test 2:naked-2@patchbot.test] total=2 complete=true missing=[]",
			},
		},
		{
			name:    "duplicate Message-ID dropped and noted",
			fixture: "duplicate",
			want: []string{
				"v1 id=foo-v1-0@patchbot.test cover=foo-v1-0@patchbot.test patches=[1:foo-v1-1@patchbot.test 2:foo-v1-2@patchbot.test 3:foo-v1-3@patchbot.test] total=3 complete=true missing=[]",
				"skip foo-v1-2@patchbot.test: duplicate Message-ID (kept the copy from ../testdata/series/duplicate/0002-copy.eml)",
			},
			problems: map[string]int{"foo-v1-0@patchbot.test": 1},
		},
		{
			name:    "missing patches are listed",
			fixture: "missing",
			want: []string{
				"v1 id=five-0@patchbot.test cover=five-0@patchbot.test patches=[1:five-1@patchbot.test 3:five-3@patchbot.test 5:five-5@patchbot.test] total=5 complete=false missing=[2 4] tree=net-next",
			},
		},
		{
			name:    "lone patch, its RESEND, a reply and a pull request",
			fixture: "lone-resend-reply-pull",
			want: []string{
				"v1 id=lone-0@patchbot.test patches=[1:lone-0@patchbot.test] total=1 complete=true missing=[] versions=[v1:resend-0@patchbot.test]",
				"v1 id=resend-0@patchbot.test patches=[1:resend-0@patchbot.test] total=1 complete=true missing=[] versions=[v1:lone-0@patchbot.test] resend",
				"skip lone-reply-0@patchbot.test: reply",
				"skip pull-0@patchbot.test: pull request",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := slices.DeleteFunc(loadCase(t, tt.fixture), func(m *mail.Message) bool {
				return slices.Contains(tt.drop, m.MessageID)
			})
			res := Assemble(msgs)
			got := summaries(res)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Assemble:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
			for _, s := range res.Series {
				if n := tt.problems[s.ID]; len(s.Problems) != n {
					t.Errorf("series %s Problems = %q, want %d", s.ID, s.Problems, n)
				}
			}
			// Out-of-order arrival: any order gives the same result.
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range 5 {
				shuffled := slices.Clone(msgs)
				if i == 0 {
					slices.Reverse(shuffled)
				} else {
					rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
				}
				if again := summaries(Assemble(shuffled)); !slices.Equal(again, got) {
					t.Errorf("order %d changes the result:\n got  %s\n want %s", i, strings.Join(again, "\n      "), strings.Join(got, "\n      "))
				}
			}
		})
	}
}

func TestAssembleSeriesFields(t *testing.T) {
	res := Assemble(loadCase(t, "versions"))
	if len(res.Series) != 2 {
		t.Fatalf("want 2 series, got %d", len(res.Series))
	}
	v1 := res.Series[0]
	tests := []struct {
		name, got, want string
	}{
		{"title from the cover", v1.Title, "net: foo: kernel ioctl argument"},
		{"author from the cover", v1.Author.String(), "Ada Lovecode <ada@example.org>"},
		{"date is the earliest mail", v1.Date.UTC().Format("2006-01-02 15:04"), "2023-11-15 22:13"},
		{"patch 2 parsed", v1.Patches[1].Files[0].Name(), "net/foo/foo.c"},
		{"patch 2 placed by counter", fmt.Sprintf("%d/%d", v1.Patches[1].Index, v1.Patches[1].Total), "2/3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// msg builds a mail for the synthetic assembly cases.
func msg(id, subject, inReplyTo string, minute int, body string) *mail.Message {
	m := &mail.Message{MessageID: id, Subject: subject, InReplyTo: inReplyTo, Body: body,
		From:   mail.Address{Name: "Ada Lovecode", Email: "ada@example.org"},
		Source: id}
	if inReplyTo != "" {
		m.References = []string{inReplyTo}
	}
	m.Date = time.Date(2023, 11, 15, 10, minute, 0, 0, time.UTC)
	return m
}

func TestAssembleSynthetic(t *testing.T) {
	const diff = "Fix.\n\nSigned-off-by: Ada Lovecode <ada@example.org>\n---\n x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n-- \n2.39.2\n"
	const cover = "Hi,\n\nthis series...\n\n x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"
	tests := []struct {
		name string
		msgs []*mail.Message
		want []string
	}{
		{
			name: "lone [PATCH] posted into a numbered series' thread is its own series",
			msgs: []*mail.Message{
				msg("c", "[PATCH 0/2] x", "", 0, cover),
				msg("p1", "[PATCH 1/2] x: a", "c", 1, diff),
				msg("p2", "[PATCH 2/2] x: b", "c", 2, diff),
				msg("r", "Re: [PATCH 0/2] x", "c", 3, "How about this?\n"),
				msg("fix", "[PATCH] x: c", "r", 4, diff),
			},
			want: []string{
				"v1 id=c cover=c patches=[1:p1 2:p2] total=2 complete=true missing=[]",
				"v1 id=fix patches=[1:fix] total=1 complete=true missing=[]",
				"skip r: reply",
			},
		},
		{
			name: "deep threading: each patch replies to the previous one",
			msgs: []*mail.Message{
				msg("c", "[PATCH v2 0/3] x", "", 0, cover),
				msg("p1", "[PATCH v2 1/3] x: a", "c", 1, diff),
				msg("p2", "[PATCH v2 2/3] x: b", "p1", 2, diff),
				msg("p3", "[PATCH v2 3/3] x: c", "p2", 3, diff),
			},
			want: []string{"v2 id=c cover=c patches=[1:p1 2:p2 3:p3] total=3 complete=true missing=[]"},
		},
		{
			name: "patches without a version take the cover's",
			msgs: []*mail.Message{
				msg("c", "[PATCH v4 0/2] x", "", 0, cover),
				msg("p1", "[PATCH 1/2] x: a", "c", 1, diff),
				msg("p2", "[PATCH 2/2] x: b", "c", 2, diff),
			},
			want: []string{"v4 id=c cover=c patches=[1:p1 2:p2] total=2 complete=true missing=[]"},
		},
		{
			name: "a cover announcing more patches than sent: b4 counts the cover's total",
			msgs: []*mail.Message{
				msg("c", "[PATCH 0/5] x", "", 0, cover),
				msg("p1", "[RFC PATCH 1/4] x: a", "c", 1, diff),
				msg("p2", "[RFC PATCH 2/4] x: b", "c", 2, diff),
				msg("p3", "[RFC PATCH 3/4] x: c", "c", 3, diff),
				msg("p4", "[RFC PATCH 4/4] x: d", "c", 4, diff),
			},
			want: []string{"v1 id=c cover=c patches=[1:p1 2:p2 3:p3 4:p4] total=5 complete=false missing=[5] rfc"},
		},
		{
			name: "same counter twice in one series: the earliest is kept",
			msgs: []*mail.Message{
				msg("c", "[PATCH 0/2] x", "", 0, cover),
				msg("p1", "[PATCH 1/2] x: a", "c", 1, diff),
				msg("p1b", "[PATCH 1/2] x: a again", "c", 3, diff),
				msg("p2", "[PATCH 2/2] x: b", "c", 2, diff),
			},
			want: []string{"v1 id=c cover=c patches=[1:p1 2:p2] total=2 complete=true missing=[]"},
		},
		{
			name: "cover without any patch and a patch subject without diff are skipped",
			msgs: []*mail.Message{
				msg("c", "[PATCH 0/2] x", "", 0, cover),
				msg("nd", "[PATCH] x: forgot the diff", "", 1, "Oops.\n"),
			},
			want: []string{
				"skip c: cover letter without any of its patches",
				"skip nd: no diff",
			},
		},
		{
			name: "partial reroll: v2 resends patches 2 and 3 as replies to v1's; b4 takes 1 from v1",
			msgs: []*mail.Message{
				msg("c", "[PATCH 0/3] x", "", 0, cover),
				msg("p1", "[PATCH 1/3] x: a", "c", 1, diff),
				msg("p2", "[PATCH 2/3] x: b", "c", 2, diff),
				msg("p3", "[PATCH 3/3] x: c", "c", 3, diff),
				msg("q2", "[PATCH v2 2/3] x: b", "p2", 10, diff),
				msg("q3", "[PATCH v2 3/3] x: c", "p3", 11, diff),
			},
			want: []string{
				"v1 id=c cover=c patches=[1:p1 2:p2 3:p3] total=3 complete=true missing=[] versions=[v2:q2]",
				"v2 id=q2 patches=[1:p1 2:q2 3:q3] total=3 complete=true missing=[] versions=[v1:c]",
			},
		},
		{
			name: "In-Reply-To loop between patches ends",
			msgs: []*mail.Message{
				msg("p1", "[PATCH 1/2] x: a", "p2", 1, diff),
				msg("p2", "[PATCH 2/2] x: b", "p1", 2, diff),
			},
			want: []string{"v1 id=p1 patches=[1:p1 2:p2] total=2 complete=true missing=[]"},
		},
		{
			name: "same title and author, versions rising: linked; a second v1 with that title is not",
			msgs: []*mail.Message{
				msg("a1", "[PATCH] io_uring: fixes", "", 0, diff),
				msg("a2", "[PATCH v2] io_uring: fixes", "", 10, diff),
				msg("b1", "[PATCH] io_uring: fixes", "", 20, diff),
			},
			want: []string{
				"v1 id=a1 patches=[1:a1] total=1 complete=true missing=[] versions=[v2:a2]",
				"v2 id=a2 patches=[1:a2] total=1 complete=true missing=[] versions=[v1:a1]",
				"v1 id=b1 patches=[1:b1] total=1 complete=true missing=[]",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaries(Assemble(tt.msgs))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Assemble:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
			reversed := slices.Clone(tt.msgs)
			slices.Reverse(reversed)
			if again := summaries(Assemble(reversed)); !slices.Equal(again, got) {
				t.Errorf("reversed input changes the result:\n got  %s\n want %s", strings.Join(again, "\n      "), strings.Join(got, "\n      "))
			}
		})
	}
}
