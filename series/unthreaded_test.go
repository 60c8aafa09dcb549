package series

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/mail"
)

func TestAssembleUnthreaded(t *testing.T) {
	const diff = "Fix.\n\nSigned-off-by: Ada Lovecode <ada@example.org>\n---\n x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n-- \n2.39.2\n"
	const cover = "Hi,\n\nthis series...\n\n x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"
	based := func(commit string) string {
		return strings.Replace(diff, "-- \n", "\nbase-commit: "+commit+"\n-- \n", 1)
	}
	// m builds an unthreaded mail from sender at second sec past 10:00.
	m := func(id, from, subject string, sec int, body string) *mail.Message {
		return &mail.Message{MessageID: id, Subject: subject, Body: body, Source: "src:" + id + from,
			From: mail.Address{Email: from}, Date: time.Date(2026, 12, 1, 10, 0, sec, 0, time.UTC)}
	}
	// fp builds a git format-patch mail: no Message-ID, the commit's
	// author and date, read from the input batch.
	fp := func(batch, author, subject string, day int, body string) *mail.Message {
		return &mail.Message{Subject: subject, Body: body, Batch: batch, Source: batch + "/" + subject,
			From: mail.Address{Email: author}, Date: time.Date(2026, 11, day, 9, 0, 0, 0, time.UTC)}
	}
	const ada, grace = "ada@example.org", "grace@example.org"
	tests := []struct {
		name string
		msgs []*mail.Message
		want []string
	}{
		{
			name: "git send-email --no-thread: the shared Message-ID stem makes one series with its cover",
			msgs: []*mail.Message{
				m("20261201100000.4242-1-ada@example.org", ada, "[PATCH 0/2] x", 0, cover),
				m("20261201100000.4242-2-ada@example.org", ada, "[PATCH 1/2] x: a", 1, diff),
				m("20261201100000.4242-3-ada@example.org", ada, "[PATCH 2/2] x: b", 2, diff),
			},
			want: []string{"v1 id=20261201100000.4242-1-ada@example.org cover=20261201100000.4242-1-ada@example.org " +
				"patches=[1:20261201100000.4242-2-ada@example.org 2:20261201100000.4242-3-ada@example.org] total=2 complete=true missing=[]"},
		},
		{
			name: "two authors' series of the same minute stay apart",
			msgs: []*mail.Message{
				m("20261201100000.1111-1-ada@example.org", ada, "[PATCH 1/2] x: a", 0, diff),
				m("20261201100000.2222-1-grace@example.org", grace, "[PATCH 1/2] y: a", 0, diff),
				m("20261201100000.1111-2-ada@example.org", ada, "[PATCH 2/2] x: b", 1, diff),
				m("20261201100000.2222-2-grace@example.org", grace, "[PATCH 2/2] y: b", 1, diff),
			},
			want: []string{
				"v1 id=20261201100000.1111-1-ada@example.org patches=[1:20261201100000.1111-1-ada@example.org 2:20261201100000.1111-2-ada@example.org] total=2 complete=true missing=[]",
				"v1 id=20261201100000.2222-1-grace@example.org patches=[1:20261201100000.2222-1-grace@example.org 2:20261201100000.2222-2-grace@example.org] total=2 complete=true missing=[]",
			},
		},
		{
			name: "two authors with mailer Message-IDs of the same minute stay apart too",
			msgs: []*mail.Message{
				m("AAA1@outlook.com", ada, "[PATCH 1/2] x: a", 0, diff),
				m("BBB1@outlook.com", grace, "[PATCH 1/2] y: a", 0, diff),
				m("AAA2@outlook.com", ada, "[PATCH 2/2] x: b", 30, diff),
				m("BBB2@outlook.com", grace, "[PATCH 2/2] y: b", 30, diff),
			},
			want: []string{
				"v1 id=AAA1@outlook.com patches=[1:AAA1@outlook.com 2:AAA2@outlook.com] total=2 complete=true missing=[]",
				"v1 id=BBB1@outlook.com patches=[1:BBB1@outlook.com 2:BBB2@outlook.com] total=2 complete=true missing=[]",
			},
		},
		{
			name: "patches sent one by one join by sender, version, total and time (patchwork's markers)",
			msgs: []*mail.Message{
				m("w1@mail.example", ada, "[PATCH v2 1/3] x: a", 0, diff),
				m("w2@mail.example", ada, "[PATCH v2 2/3] x: b", 90, diff),
				m("w3@mail.example", ada, "[PATCH v2 3/3] x: c", 200, diff),
			},
			want: []string{"v2 id=w1@mail.example patches=[1:w1@mail.example 2:w2@mail.example 3:w3@mail.example] total=3 complete=true missing=[]"},
		},
		{
			name: "versions never mix",
			msgs: []*mail.Message{
				m("v1a@mail.example", ada, "[PATCH 1/2] x: a", 0, diff),
				m("v2b@mail.example", ada, "[PATCH v2 2/2] x: b", 10, diff),
			},
			want: []string{
				"v1 id=v1a@mail.example patches=[1:v1a@mail.example] total=2 complete=false missing=[2]",
				"v2 id=v2b@mail.example patches=[2:v2b@mail.example] total=2 complete=false missing=[1]",
			},
		},
		{
			name: "two base-commits are two series",
			msgs: []*mail.Message{
				m("b1@mail.example", ada, "[PATCH 1/2] x: a", 0, based("1111111111111111111111111111111111111111")),
				m("b2@mail.example", ada, "[PATCH 2/2] x: b", 10, based("2222222222222222222222222222222222222222")),
			},
			want: []string{
				"v1 id=b1@mail.example patches=[1:b1@mail.example] total=2 complete=false missing=[2]",
				"v1 id=b2@mail.example patches=[2:b2@mail.example] total=2 complete=false missing=[1]",
			},
		},
		{
			name: "an hour apart is another posting",
			msgs: []*mail.Message{
				m("h1@mail.example", ada, "[PATCH 1/2] x: a", 0, diff),
				m("h2@mail.example", ada, "[PATCH 2/2] x: b", 3600, diff),
			},
			want: []string{
				"v1 id=h1@mail.example patches=[1:h1@mail.example] total=2 complete=false missing=[2]",
				"v1 id=h2@mail.example patches=[2:h2@mail.example] total=2 complete=false missing=[1]",
			},
		},
		{
			name: "a patch two postings could take joins neither",
			msgs: []*mail.Message{
				m("q1@mail.example", ada, "[PATCH 1/2] x: a", 0, diff),
				m("r1@mail.example", ada, "[PATCH 1/2] y: a", 5, diff),
				m("q2@mail.example", ada, "[PATCH 2/2] ?: b", 10, diff),
			},
			want: []string{
				"v1 id=q1@mail.example patches=[1:q1@mail.example] total=2 complete=false missing=[2]",
				"v1 id=r1@mail.example patches=[1:r1@mail.example] total=2 complete=false missing=[2]",
				"v1 id=q2@mail.example patches=[2:q2@mail.example] total=2 complete=false missing=[1]",
			},
		},
		{
			name: "one format-patch run is one series whoever wrote each commit, whatever its date",
			msgs: []*mail.Message{
				fp("/out", ada, "[PATCH 0/3] x", 20, cover),
				fp("/out", ada, "[PATCH 1/3] x: a", 2, diff),
				fp("/out", grace, "[PATCH 2/3] x: b", 9, diff),
				fp("/out", ada, "[PATCH 3/3] x: c", 19, diff),
			},
			want: []string{"v1 id= cover= patches=[1: 2: 3:] total=3 complete=true missing=[]"},
		},
		{
			name: "two format-patch runs in one directory stay apart by author",
			msgs: []*mail.Message{
				fp("/out", ada, "[PATCH 1/2] x: a", 1, diff),
				fp("/out", grace, "[PATCH 1/2] y: a", 1, diff),
				fp("/out", ada, "[PATCH 2/2] x: b", 2, diff),
				fp("/out", grace, "[PATCH 2/2] y: b", 2, diff),
			},
			want: []string{
				"v1 id= patches=[1: 2:] total=2 complete=true missing=[]",
				"v1 id= patches=[1: 2:] total=2 complete=true missing=[]",
			},
		},
		{
			name: "format-patch runs read from two inputs stay apart",
			msgs: []*mail.Message{
				fp("/a", ada, "[PATCH 1/2] x: a", 1, diff),
				fp("/b", ada, "[PATCH 2/2] x: b", 1, diff),
			},
			want: []string{
				"v1 id= patches=[1:] total=2 complete=false missing=[2]",
				"v1 id= patches=[2:] total=2 complete=false missing=[1]",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Assemble(tt.msgs).Series {
				got = append(got, summary(s))
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			// The same mails in the other order give the same series.
			rev := slices.Clone(tt.msgs)
			slices.Reverse(rev)
			var again []string
			for _, s := range Assemble(rev).Series {
				again = append(again, summary(s))
			}
			slices.Sort(again)
			if !slices.Equal(again, got) {
				t.Errorf("reversed input gives\n  %s", strings.Join(again, "\n  "))
			}
		})
	}
}

func TestMessageIDStem(t *testing.T) {
	tests := []struct{ id, stem string }{
		{"20240102124747.21644-2-hao.qin@mediatek.com", "20240102124747.21644|hao.qin@mediatek.com"},
		{"1606476138-31992-3-git-send-email-bongsu.jeon2@gmail.com", "1606476138-31992|git-send-email-bongsu.jeon2@gmail.com"},
		{"20240129-rm-ext-plugins-v4-5-bfd1e08c7f99@gmail.com", "20240129-rm-ext-plugins-v4|bfd1e08c7f99@gmail.com"},
		{"cabac57a446031810e66f30697834555e0edeb0a.1795753221.git.ada@example.org", "1795753221|git.ada@example.org"},
		{"cover.1795753221.git.ada@example.org", "1795753221|git.ada@example.org"},
		{"CA+FuTSeKpOJVqcneCoh_4x4OuK1iE0Tr6f3rSNrQiR-OUgjWow@mail.gmail.com", ""},
		{"ZC7seVq7St6UnKjl@gmail.com", ""},
	}
	for _, tt := range tests {
		if got := messageIDStem(tt.id); got != tt.stem {
			t.Errorf("messageIDStem(%q) = %q, want %q", tt.id, got, tt.stem)
		}
	}
}
