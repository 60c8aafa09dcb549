package mail

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

func init() {
	// Another test file of this package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
}

func replyUpdateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// replyCheckGolden compares got with testdata/reply/name.golden, rewriting the
// file under -update.
func replyCheckGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "reply", name+".golden")
	if replyUpdateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -run %s -update to create it): %v", t.Name(), err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s\nwant:\n%s", path, got, want)
	}
}

var replyTestDate = time.Date(2026, 11, 27, 5, 30, 0, 0, time.FixedZone("", 0))

var replyTestBot = Address{Name: "patchbot", Email: "patchbot@bot.example.org"}

// replyTestPatch is a patch as it reaches the bot from a list (written
// for these tests; no list mail is copied here).
func replyTestPatch() *Message {
	return &Message{
		MessageID: "20261120101500.12345-2-jane@example.org",
		InReplyTo: "20261120101500.12345-1-jane@example.org",
		References: []string{
			"20261120101500.12345-1-jane@example.org",
		},
		Subject: "[PATCH net-next v2 1/3] net: frob: use kernel memory for the frob ioctl",
		From:    Address{Name: "Jane Developer", Email: "jane@example.org"},
		To:      []Address{{Name: "", Email: "netdev@vger.kernel.org"}},
		Cc: []Address{
			{Name: "Maintainer One", Email: "m1@kernel.example.org"},
			{Name: "patchbot", Email: "PATCHBOT@bot.example.org"},
			{Email: "jane@example.org"},
		},
		ListID: "<netdev.vger.kernel.org>",
		Date:   replyTestDate.Add(-time.Hour),
	}
}

// replyTestBody is a review body built with the package's helpers, the
// way report/ is expected to build one.
func replyTestBody() string {
	var b strings.Builder
	b.WriteString("Hi Jane,\n\n")
	b.WriteString(WrapText("patchbot reviewed this patch and found a problem that a build on x86_64 does not show, because the sparse address-space check only runs with C=1:", 72))
	b.WriteString("\n\n")
	b.WriteString("net/frob/frob.c:123:9: error: frob_ioctl() still casts its argument to void __user * after the conversion to a kernel pointer\n\n")
	b.WriteString(QuoteLines([]string{
		"   121\t\tcase SIOCFROB:",
		"   122\t\t\tval = frob_get(sk);",
		" > 123\t\t\treturn put_user(val, (int __user *)arg);",
		"",
		"   124\t\t}",
	}, "| "))
	b.WriteString("\n")
	b.WriteString(WrapText("- the ioctl callback of struct proto now receives a kernel buffer, so the copy to user space happens in the caller (sock_ioctl_out) and this put_user() writes to a kernel address.", 72))
	b.WriteString("\n\n")
	b.WriteString("Documentation: https://docs.kernel.org/dev-tools/sparse.html#using-sparse-for-typechecking-of-address-spaces\n")
	b.WriteString("Reported-by: patchbot <patchbot@bot.example.org>\n")
	return b.String()
}

func TestComposeReplyGolden(t *testing.T) {
	tests := []struct {
		name string
		orig func() *Message
		opts ReplyOptions
		body string
	}{
		{
			name: "author-only",
			orig: replyTestPatch,
			opts: ReplyOptions{},
			body: replyTestBody(),
		},
		{
			name: "reply-all",
			orig: func() *Message {
				m := replyTestPatch()
				m.To = []Address{{Email: "m2@kernel.example.org"}}
				m.ReplyTo = []Address{{Name: "Jane (work)", Email: "jane@work.example.com"}}
				return m
			},
			opts: ReplyOptions{CcList: true, HonourReplyTo: true, Cc: []Address{{Name: "Bot Admin", Email: "admin@bot.example.org"}, {Email: "m1@kernel.example.org"}}},
			body: "Clean: no findings.\n",
		},
		{
			name: "hostile-headers",
			orig: func() *Message {
				return &Message{
					MessageID:  "evil@example.org>\r\nBcc: victim@example.org\r\nX-Evil: <x",
					References: []string{"root@example.org", "a b\nc@example.org", "\x00", "x@y>\r\nBcc: victim@example.org\r\nX-Evil: <z@w"},
					Subject:    "Ünïcödé [PATCH] fix\r\nBcc: victim@example.org\x00 and more",
					From:       Address{Name: "Mallory\r\nBcc: victim@example.org", Email: "mallory@example.org"},
					Cc:         []Address{{Name: "x", Email: "victim@example.org\r\nBcc: y@example.org"}},
				}
			},
			opts: ReplyOptions{CcList: true},
			body: "body with a NUL \x00 here\r\nand CRLF line ends\r\n",
		},
		{
			name: "non-ascii-and-long-line",
			orig: func() *Message {
				m := replyTestPatch()
				m.From = Address{Name: "Łukasz Öß 王", Email: "lukasz@example.org"}
				m.Subject = "Re: RE: [PATCH] drivers: ünicode subject that is long enough to need folding across more than one line"
				return m
			},
			opts: ReplyOptions{},
			body: "Grüße,\n\n" + strings.Repeat("x", 1200) + "\n",
		},
		{
			name: "signature-auto-submitted",
			orig: replyTestPatch,
			opts: ReplyOptions{Signature: "patchbot 0.1, run by Bot Admin <admin@bot.example.org>\n", AutoSubmitted: true, XPatchbot: "patchbot/0.1 checks=dropped-user"},
			body: "No findings.\n\n\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.From = replyTestBot
			opts.MessageID = "patchbot.0123456789abcdef@bot.example.org"
			opts.Date = replyTestDate
			r, err := ComposeReply(tc.orig(), opts, tc.body)
			if err != nil {
				t.Fatalf("ComposeReply: %v", err)
			}
			raw := r.Bytes()
			replyCheckGolden(t, tc.name, raw)
			replyCheckWellFormed(t, raw)
		})
	}
}

// replyCheckWellFormed parses raw back and checks it has only the header
// fields a reply should have, each once, and CRLF line ends throughout.
func replyCheckWellFormed(t *testing.T, raw []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Errorf("bare CR or LF in the rendered reply")
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		t.Errorf("NUL in the rendered reply")
	}
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d characters, over RFC 5322's 998: %.80q...", i+1, len(line), line)
		}
	}
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("rendered reply does not parse: %v", err)
	}
	allowed := map[string]bool{"Date": true, "From": true, "To": true, "Cc": true, "Subject": true, "Message-Id": true,
		"In-Reply-To": true, "References": true, "Mime-Version": true, "Content-Type": true,
		"Content-Transfer-Encoding": true, "X-Patchbot": true, "Auto-Submitted": true}
	seen := map[string]int{}
	fields := mr.Header.Fields()
	for fields.Next() {
		k := fields.Key()
		seen[k]++
		if !allowed[k] {
			t.Errorf("unexpected header field %q: %q", k, fields.Value())
		}
		if seen[k] > 1 {
			t.Errorf("header field %q appears %d times", k, seen[k])
		}
	}
	if _, err := mr.Header.AddressList("To"); err != nil {
		t.Errorf("To does not parse: %v", err)
	}
	// Threading IDs are written as received (cleaned), not held to the
	// msg-id grammar, so check their structure rather than parse them.
	for _, k := range []string{"Message-Id", "In-Reply-To", "References"} {
		v := mr.Header.Get(k)
		for _, tok := range strings.Fields(v) {
			if len(tok) < 3 || tok[0] != '<' || tok[len(tok)-1] != '>' || strings.ContainsAny(tok[1:len(tok)-1], "<>") {
				t.Errorf("%s: %q is not one <id>", k, tok)
			}
		}
	}
	if id, err := mr.Header.MessageID(); err != nil || (id != "" && !replyValidMsgID(id)) {
		t.Errorf("Message-Id %q does not parse: %v", id, err)
	}
}

func TestComposeReplyAddressing(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(m *Message)
		opts   ReplyOptions
		wantTo string
		wantCc string
	}{
		{"author only by default", nil, ReplyOptions{}, "jane@example.org", ""},
		{"reply-to elsewhere is not followed by default", func(m *Message) { m.ReplyTo = []Address{{Email: "jane@work.example.com"}} }, ReplyOptions{}, "jane@example.org", ""},
		{"reply-to honoured when configured", func(m *Message) { m.ReplyTo = []Address{{Email: "jane@work.example.com"}} },
			ReplyOptions{HonourReplyTo: true}, "jane@work.example.com", ""},
		{"reply-to naming the author and others keeps the author", func(m *Message) {
			m.ReplyTo = []Address{{Email: "victim1@example.net"}, {Email: "JANE@example.org"}, {Email: "victim2@example.net"}}
		}, ReplyOptions{}, "JANE@example.org", ""},
		{"reply-to munged to the list is ignored for author-only replies",
			func(m *Message) { m.ReplyTo = []Address{{Email: "netdev@vger.kernel.org"}} }, ReplyOptions{}, "jane@example.org", ""},
		{"reply-to the list kept for reply-all",
			func(m *Message) { m.ReplyTo = []Address{{Email: "netdev@vger.kernel.org"}} }, ReplyOptions{CcList: true},
			"netdev@vger.kernel.org", "m1@kernel.example.org,jane@example.org"},
		{"reply-all copies To and Cc without the bot and the author",
			nil, ReplyOptions{CcList: true}, "jane@example.org", "netdev@vger.kernel.org,m1@kernel.example.org"},
		{"reply-all adds the list from List-Id",
			func(m *Message) { m.To = nil }, ReplyOptions{CcList: true}, "jane@example.org", "m1@kernel.example.org,netdev@vger.kernel.org"},
		{"reply-to naming the bot falls back to the author", func(m *Message) { m.ReplyTo = []Address{replyTestBot} }, ReplyOptions{}, "jane@example.org", ""},
		{"invalid reply-to falls back to the author", func(m *Message) { m.ReplyTo = []Address{{Email: "bogus"}} }, ReplyOptions{}, "jane@example.org", ""},
		{"extra Cc always", nil, ReplyOptions{Cc: []Address{{Email: "admin@bot.example.org"}}}, "jane@example.org", "admin@bot.example.org"},
		{"invalid addresses are dropped", func(m *Message) { m.Cc = []Address{{Email: "not an address"}, {Email: "ok@example.org"}} },
			ReplyOptions{CcList: true}, "jane@example.org", "netdev@vger.kernel.org,ok@example.org"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, r := replyTestCompose(t, tc.edit, tc.opts)
			if got := replyEmails(r.To); got != tc.wantTo {
				t.Errorf("To = %s, want %s", got, tc.wantTo)
			}
			if got := replyEmails(r.Cc); got != tc.wantCc {
				t.Errorf("Cc = %s, want %s", got, tc.wantCc)
			}
			if r.InReplyTo != m.MessageID {
				t.Errorf("In-Reply-To %q", r.InReplyTo)
			}
			if want := append(append([]string{}, m.References...), m.MessageID); strings.Join(r.References, " ") != strings.Join(want, " ") {
				t.Errorf("References %v, want %v", r.References, want)
			}
		})
	}
}

func replyEmails(as []Address) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Email)
	}
	return strings.Join(s, ",")
}

func TestComposeReplyErrors(t *testing.T) {
	tests := []struct {
		name string
		orig *Message
		opts ReplyOptions
		want string
	}{
		{"no original", nil, ReplyOptions{}, "no original"},
		{"original without Message-ID", &Message{From: Address{Email: "a@example.org"}, Source: "x.eml"}, ReplyOptions{}, "x.eml: the original has no Message-ID"},
		{"original whose Message-ID is only brackets", &Message{MessageID: "< >", From: Address{Email: "a@example.org"}}, ReplyOptions{From: replyTestBot, MessageID: "p.1@b.example.org"}, "has no Message-ID"},
		{"bad bot address", replyTestPatch(), ReplyOptions{From: Address{Email: "bot"}, MessageID: "p.1@b.example.org"}, "bot address"},
		{"no reply Message-ID", replyTestPatch(), ReplyOptions{From: replyTestBot}, "reply Message-ID"},
		{"Message-ID without domain", replyTestPatch(), ReplyOptions{From: replyTestBot, MessageID: "nodomain"}, "not id@domain"},
		{"the bot's own mail", &Message{MessageID: "m@x", From: Address{Email: "PatchBot@bot.example.org"}}, ReplyOptions{From: replyTestBot, MessageID: "p.1@b.example.org"}, "bot's own mail"},
		{"author without a valid address", &Message{MessageID: "m@x", From: Address{Name: "Nobody"}}, ReplyOptions{From: replyTestBot, MessageID: "p.1@b.example.org"}, "no valid author address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ComposeReply(tc.orig, tc.opts, "body")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReplySubject(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain patch", "[PATCH] net: fix", "Re: [PATCH] net: fix"},
		{"already a reply", "Re: [PATCH] net: fix", "Re: [PATCH] net: fix"},
		{"outlook style", "RE: [PATCH 0/5] add initial io_uring_cmd support for sockets", "Re: [PATCH 0/5] add initial io_uring_cmd support for sockets"},
		{"stacked markers", "Re: RE: Aw: [PATCH] x", "Re: [PATCH] x"},
		{"numbered marker", "Re[2]: [PATCH] x", "Re: [PATCH] x"},
		{"folded subject is unfolded", "[PATCH net-next v3] net: ioctl: Use kernel memory on protocol\n ioctl callbacks", "Re: [PATCH net-next v3] net: ioctl: Use kernel memory on protocol ioctl callbacks"},
		{"header injection neutralised", "[PATCH] x\r\nBcc: victim@example.org", "Re: [PATCH] x Bcc: victim@example.org"},
		{"re inside the subject is kept", "[PATCH] net: re-arm the timer: Re: done", "Re: [PATCH] net: re-arm the timer: Re: done"},
		{"a word starting with re is kept", "Reorder fields", "Re: Reorder fields"},
		{"empty", "", "Re: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReplySubject(tc.in); got != tc.want {
				t.Errorf("ReplySubject(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestReplyTrimReferences(t *testing.T) {
	var refs []string
	for i := range 30 {
		refs = append(refs, strings.Repeat("r", 1)+string(rune('a'+i%26))+string(rune('0'+i/26))+"@x")
	}
	refs = append(refs, refs[5])
	got := replyTrimReferences(refs)
	if len(got) != replyMaxReferences || got[0] != refs[0] || got[len(got)-1] != refs[29] {
		t.Errorf("trimmed to %d: first %q last %q", len(got), got[0], got[len(got)-1])
	}
}

func TestWrapText(t *testing.T) {
	long := "This sentence is deliberately long so that it has to be wrapped at seventy-two columns by WrapText."
	tests := []struct {
		name, in, want string
		width          int
	}{
		{"short line untouched", "short line", "short line", 72},
		{"prose wraps at spaces", long, "This sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapText.", 72},
		{"exactly width stays", strings.Repeat("a", 72), strings.Repeat("a", 72), 72},
		{"quoted line never breaks", "> " + long, "> " + long, 72},
		{"pipe-quoted code never breaks", "| " + long, "| " + long, 72},
		{"indented code never breaks", "\t" + long, "\t" + long, 72},
		{"file:line quote never breaks", "net/ipv4/raw.c:123:5: error: " + long, "net/ipv4/raw.c:123:5: error: " + long, 72},
		{"Fixes tag never breaks", "Fixes: 0123456789ab (\"net: a subject that is long enough to go past the seventy-two columns\")", "Fixes: 0123456789ab (\"net: a subject that is long enough to go past the seventy-two columns\")", 72},
		{"Closes tag with URL never breaks", "Closes: https://lore.kernel.org/oe-kbuild-all/202305290107.hs8sbfYc-lkp@intel.com/", "Closes: https://lore.kernel.org/oe-kbuild-all/202305290107.hs8sbfYc-lkp@intel.com/", 40},
		{"key: URL line never breaks", "config: i386-randconfig (https://download.example.org/0day-ci/archive/20230529/config)", "config: i386-randconfig (https://download.example.org/0day-ci/archive/20230529/config)", 40},
		{"quoted patch subject never breaks", "patch subject: [PATCH net-next v3] net: ioctl: Use kernel memory on protocol ioctl callbacks", "patch subject: [PATCH net-next v3] net: ioctl: Use kernel memory on protocol ioctl callbacks", 72},
		{"a bracket in prose does not protect it", "note: [this] is prose that is long enough to wrap at the width given", "note: [this] is prose that is long\nenough to wrap at the width given", 40},
		{"URL in prose moves whole to the next line", "See the explanation at https://docs.kernel.org/dev-tools/sparse.html for details", "See the explanation at\nhttps://docs.kernel.org/dev-tools/sparse.html\nfor details", 30},
		{"a word longer than the width stands alone", "a " + strings.Repeat("b", 50) + " c", "a\n" + strings.Repeat("b", 50) + "\nc", 20},
		{"list item keeps a hanging indent", "- " + long, "- This sentence is deliberately long so that it has to be wrapped at\n  seventy-two columns by WrapText.", 72},
		{"numbered item keeps a hanging indent", "10. alpha beta gamma delta", "10. alpha\n    beta\n    gamma\n    delta", 12},
		{"multibyte runes count once", strings.Repeat("é", 10) + " " + strings.Repeat("ü", 10), strings.Repeat("é", 10) + " " + strings.Repeat("ü", 10), 21},
		{"lines are wrapped one by one", long + "\n\n> quoted\n" + long, "This sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapText.\n\n> quoted\nThis sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapText.", 72},
		{"zero width means 72", long, "This sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapText.", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := WrapText(tc.in, tc.width); got != tc.want {
				t.Errorf("WrapText:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestWrapFunc(t *testing.T) {
	long := "This sentence is deliberately long so that it has to be wrapped at seventy-two columns by WrapFunc."
	wrapped := "This sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapFunc."
	quotes := func(l string) bool { return strings.HasPrefix(l, "> ") }
	tests := []struct {
		name, in, want string
		width          int
		keep           func(string) bool
	}{
		{"short line untouched", "short line", "short line", 72, quotes},
		{"prose wraps at spaces", long, wrapped, 72, quotes},
		{"a line keep reports stays whole", "> " + long, "> " + long, 72, quotes},
		{"an indented line keep does not report is reflowed from the margin", "\t" + long, wrapped, 72, quotes},
		{"a tag line is wrapped unless keep says so", "Fixes: " + long, "Fixes: This sentence is deliberately long so that it has to be wrapped\nat seventy-two columns by WrapFunc.", 72, quotes},
		{"list items get no hanging indent", "- " + long, "- This sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapFunc.", 72, quotes},
		{"a long line of white space becomes empty", "a\n" + strings.Repeat(" ", 80) + "\nb", "a\n\nb", 72, quotes},
		{"a word longer than the width stands alone", "a " + strings.Repeat("b", 50) + " c", "a\n" + strings.Repeat("b", 50) + "\nc", 20, quotes},
		{"multibyte runes count once", strings.Repeat("é", 10) + " " + strings.Repeat("ü", 10), strings.Repeat("é", 10) + " " + strings.Repeat("ü", 10), 21, quotes},
		{"zero width means 72", long, wrapped, 0, quotes},
		{"nil keep keeps nothing", "> " + long, "> This sentence is deliberately long so that it has to be wrapped at\nseventy-two columns by WrapFunc.", 72, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := WrapFunc(tc.in, tc.width, tc.keep); got != tc.want {
				t.Errorf("WrapFunc:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestQuoteLines(t *testing.T) {
	tests := []struct {
		name   string
		lines  []string
		prefix string
		want   string
	}{
		{"mail quote", []string{"a", "", "b"}, "> ", "> a\n>\n> b\n"},
		{"code quote", []string{"\tint x;", ""}, "| ", "| \tint x;\n|\n"},
		{"nothing", nil, "> ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := QuoteLines(tc.lines, tc.prefix); got != tc.want {
				t.Errorf("QuoteLines = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReplyBytesSanitisesHandBuiltReplies(t *testing.T) {
	r := &Reply{
		From:       Address{Email: "bot@example.org"},
		To:         []Address{{Name: "a\r\nBcc: x@example.org", Email: "a@example.org"}},
		Subject:    "s\nBcc: x@example.org",
		MessageID:  "<id\r\n@example.org>",
		InReplyTo:  "p>\r\nBcc: <q",
		References: []string{"r\n@x"},
		Date:       replyTestDate,
		XPatchbot:  "v\r\nBcc: x",
		Body:       "b",
	}
	replyCheckWellFormed(t, r.Bytes())
}

func FuzzComposeReply(f *testing.F) {
	f.Add("[PATCH] x", "Jane", "jane@example.org", "m@x", "r@x", "body\n")
	f.Add("a\r\nBcc: v@x", "N\nBcc: v@x", "v@x\r\nBcc: w@x", "<a>\r\n<b>", "\x00", "\x00\r\n.\r\n")
	f.Add("Ünïcödé\u2028x", "王\u0085", "a@b", "a b@c", "<>", strings.Repeat("z", 2000))
	f.Add(strings.Repeat("[PATCH] long ", 300), strings.Repeat("N", 1200), "a@b", strings.Repeat("m", 1200)+"@x", strings.Repeat("r", 3000)+"@x", "b")
	f.Add(strings.Repeat("Ü", 900), strings.Repeat("王", 500), "a@b", "m@x", "r@x", "b")
	f.Fuzz(func(t *testing.T, subject, name, email, msgid, ref, body string) {
		orig := &Message{MessageID: msgid, References: []string{ref}, Subject: subject,
			From: Address{Name: name, Email: email}, Cc: []Address{{Name: name, Email: email}}, ListID: name}
		r, err := ComposeReply(orig, ReplyOptions{From: replyTestBot, MessageID: "p.1@bot.example.org", CcList: true, Date: replyTestDate}, body)
		if err != nil {
			return
		}
		replyCheckWellFormed(t, r.Bytes())
	})
}

func TestReplySubjectRoundTrip(t *testing.T) {
	tests := []struct {
		name, subject string
	}{
		{"ascii", "[PATCH net-next v3] net: ioctl: Use kernel memory on protocol ioctl callbacks"},
		{"one non-ascii word", "[PATCH] drivers: ünicode subject"},
		{"long run of non-ascii words", "[PATCH] 网络 驱动 修复 一个 非常 长的 标题 用来 测试 折行 是否 正确 以及 编码 是否 正确 网络 驱动 修复 一个 非常 长的 标题"},
		{"non-ascii without spaces", "[PATCH] " + strings.Repeat("ü", 60)},
		{"a stranger's encoded-word stays text", "[PATCH] =?utf-8?q?=0D=0ABcc:_victim@example.org?= fix"},
		{"underscores and question marks", "[PATCH] é_x?=y"},
		{"emoji", "[PATCH] 🐧 penguin fix 🐧🐧"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := replyTestPatch()
			orig.Subject = tc.subject
			r, err := ComposeReply(orig, ReplyOptions{From: replyTestBot, MessageID: "p.1@bot.example.org", Date: replyTestDate}, "x\n")
			if err != nil {
				t.Fatal(err)
			}
			raw := r.Bytes()
			mr, err := gomail.CreateReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			got, err := mr.Header.Subject()
			if err != nil {
				t.Fatal(err)
			}
			if got != ReplySubject(tc.subject) {
				t.Errorf("subject reads back as %q, want %q", got, ReplySubject(tc.subject))
			}
			head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			for _, line := range strings.Split(string(head), "\r\n") {
				if strings.HasPrefix(line, "Subject:") || (strings.HasPrefix(line, " ") && strings.Contains(line, "=?")) {
					if len(line) > 78 {
						t.Errorf("subject line of %d characters: %q", len(line), line)
					}
				}
			}
		})
	}
}

// A Message-ID too long for a header line (20 KB) is not referred to: the
// reply's every line stays within 998 characters, so that an MTA takes
// it, and it still refers to the rest of the thread.
func TestComposeReplyLeavesOutMessageIDsTooLongForALine(t *testing.T) {
	long := strings.Repeat("x", 20<<10) + "@example.org"
	orig := &Message{MessageID: long, References: []string{"cover@example.org", long}, Subject: "[PATCH] x",
		From: Address{Email: "jane@example.org"}}
	r, err := ComposeReply(orig, ReplyOptions{From: replyTestBot, MessageID: "p.1@bot.example.org", Date: replyTestDate}, "body\n")
	if err != nil {
		t.Fatal(err)
	}
	raw := r.Bytes()
	replyCheckWellFormed(t, raw)
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if v := mr.Header.Get("In-Reply-To"); v != "" {
		t.Errorf("In-Reply-To %.80q, want none", v)
	}
	if v := mr.Header.Get("References"); v != "<cover@example.org>" {
		t.Errorf("References %.80q, want the cover letter only", v)
	}
}

// A Reply-To of 2,000 addresses, followed because the operator asked, and
// a Cc as long: the reply names at most MaxRecipients, whom it is to
// first, then the operator's Cc, then the list, and reports the rest.
func TestComposeReplyCapsRecipients(t *testing.T) {
	many := func(tag string, n int) []Address {
		as := make([]Address, n)
		for i := range as {
			as[i] = Address{Email: fmt.Sprintf("%s%d@example.net", tag, i)}
		}
		return as
	}
	tests := []struct {
		name           string
		edit           func(m *Message)
		opts           ReplyOptions
		wantTo, wantCc int
		wantFirstCc    string
		wantDropped    int
	}{
		{"a Reply-To of 2,000 followed", func(m *Message) { m.ReplyTo = many("r", 2000) },
			ReplyOptions{HonourReplyTo: true}, DefaultMaxRecipients, 0, "", 2000 - DefaultMaxRecipients},
		{"a Reply-To of 2,000 not followed", func(m *Message) { m.ReplyTo = many("r", 2000) },
			ReplyOptions{}, 1, 0, "", 0},
		{"a Cc of 2,000 in a reply-all keeps the operator's Cc and the list", func(m *Message) { m.Cc = many("c", 2000) },
			ReplyOptions{CcList: true, MaxRecipients: 5, Cc: []Address{{Email: "admin@bot.example.org"}}}, 1, 4, "netdev@vger.kernel.org", 1 + 1 + 2001 - 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, r := replyTestCompose(t, tc.edit, tc.opts)
			if len(r.To) != tc.wantTo || len(r.Cc) != tc.wantCc || len(r.Dropped) != tc.wantDropped {
				t.Errorf("%d To, %d Cc, %d dropped; want %d, %d, %d", len(r.To), len(r.Cc), len(r.Dropped), tc.wantTo, tc.wantCc, tc.wantDropped)
			}
			if tc.wantFirstCc != "" && (len(r.Cc) == 0 || r.Cc[0].Email != tc.wantFirstCc) {
				t.Errorf("Cc %s, want %s first", replyEmails(r.Cc), tc.wantFirstCc)
			}
			if tc.opts.Cc != nil && !strings.Contains(replyEmails(r.Cc), tc.opts.Cc[0].Email) {
				t.Errorf("Cc %s lost the operator's %s", replyEmails(r.Cc), tc.opts.Cc[0].Email)
			}
			replyCheckWellFormed(t, r.Bytes())
		})
	}
}

// replyTestCompose composes the bot's reply to replyTestPatch, changed by
// edit (when not nil), with opts and the bot's address, ID and date.
func replyTestCompose(t *testing.T, edit func(*Message), opts ReplyOptions) (*Message, *Reply) {
	t.Helper()
	m := replyTestPatch()
	if edit != nil {
		edit(m)
	}
	opts.From, opts.MessageID, opts.Date = replyTestBot, "patchbot.1@bot.example.org", replyTestDate
	r, err := ComposeReply(m, opts, "x\n")
	if err != nil {
		t.Fatal(err)
	}
	return m, r
}
