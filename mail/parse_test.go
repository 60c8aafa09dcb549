package mail

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fixtureDir holds the hand-written mail fixtures of this package.
const fixtureDir = "../testdata/mail"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		// want* fields left empty are not checked.
		wantID      string
		wantSubject string
		wantFrom    Address
		wantCc      []Address
		wantInReply string
		wantRefs    []string
		wantDate    time.Time
		wantBody    string
		wantWarn    error // errors.Is target for a usable message's warning
		wantWarnMsg string
	}{
		{
			name:        "quoted-printable patch decodes =3D, soft breaks and UTF-8",
			fixture:     "qp-patch.eml",
			wantID:      "qp-1@example.org",
			wantSubject: "[PATCH net] net: qp example",
			wantFrom:    Address{Name: "Ada Example", Email: "ada@example.org"},
			wantDate:    time.Date(2023, 3, 14, 9, 0, 0, 0, time.UTC),
			wantBody: "Converted by René.\n\nSigned-off-by: Ada Example <ada@example.org>\n---\n" +
				"diff --git a/net/core/sock.c b/net/core/sock.c\nindex 1111111..2222222 100644\n" +
				"--- a/net/core/sock.c\n+++ b/net/core/sock.c\n@@ -10,3 +10,3 @@ int sk_example(struct sock *sk)\n {\n" +
				"-\tint val = 0;\n" +
				"+\tint val = sock_example_default_value_that_is_long(sk, SOL_SOCKET, SO_EXAMPLE);\n" +
				" \treturn val;\n",
		},
		{
			name:        "base64 patch decodes to the patch text",
			fixture:     "base64-patch.eml",
			wantID:      "b64-1@example.org",
			wantSubject: "[PATCH net-next 1/1] net: base64 example",
			wantBody: "Base64 carried patch.\n\nSigned-off-by: Ada Example <ada@example.org>\n---\n" +
				" net/core/sock.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n" +
				"diff --git a/net/core/sock.c b/net/core/sock.c\nindex 1111111..2222222 100644\n" +
				"--- a/net/core/sock.c\n+++ b/net/core/sock.c\n@@ -10,7 +10,7 @@ int sk_example(struct sock *sk)\n" +
				" {\n \tint val = 0;\n \n-\tif (copy_from_user(&val, optval, sizeof(val)))\n" +
				"+\tif (copy_from_sockptr(&val, optval, sizeof(val)))\n \t\treturn -EFAULT;\n \treturn val;\n }\n-- \n2.39.2\n",
		},
		{
			name:     "8bit ISO-8859-1 body is converted to UTF-8",
			fixture:  "latin1-8bit.eml",
			wantID:   "latin1-1@example.org",
			wantBody: "Tested-by: François Liège <fl@example.org>\n/* café */\n",
		},
		{
			name:        "RFC 2047 Q words in From and a folded Subject",
			fixture:     "rfc2047-q.eml",
			wantID:      "q-1@example.org",
			wantSubject: "Re: [PATCH] net: café support",
			wantFrom:    Address{Name: "José García", Email: "jose@example.org"},
			wantInReply: "orig-1@example.org",
			wantBody:    "Looks good.\n",
		},
		{
			name:        "RFC 2047 B words in From (ISO-8859-1), Cc (UTF-8) and Subject",
			fixture:     "rfc2047-b.eml",
			wantID:      "b-1@example.org",
			wantSubject: "[PATCH v2 1/2] net: été fix",
			wantFrom:    Address{Name: "François Liège", Email: "fl@example.org"},
			wantCc:      []Address{{Name: "张三", Email: "zhang@example.cn"}, {Name: "Plain Name", Email: "plain@example.org"}},
			wantBody:    "Body with é.\n",
		},
		{
			name:        "folded Subject, Message-ID and References with junk between ids",
			fixture:     "folded-subject.eml",
			wantID:      "fold-2@example.org",
			wantSubject: "[PATCH net-next v3 2/5] net: a subject that was long enough to be folded by the mailer twice",
			wantInReply: "fold-0@example.org",
			wantRefs:    []string{"fold-0@example.org", "fold-1@example.org", "fold-1b@example.org"},
			wantBody:    "Folded headers.\n",
		},
		{
			name:        "CRLF mail: headers read, soft breaks joined, CRLF and lone CR become LF",
			fixture:     "crlf.eml",
			wantID:      "crlf-1@example.org",
			wantSubject: "[PATCH] net: crlf mail",
			wantBody:    "First line.\nA soft break.\nLone CR here.\nNext.\n",
		},
		{
			name:     "multipart/mixed keeps text/plain and the text/x-patch attachment, drops HTML",
			fixture:  "mixed-xpatch.eml",
			wantID:   "mixed-1@example.org",
			wantBody: "Please find the patch attached.\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-int a = 1;\n+int a = 2;\n",
		},
		{
			name:    "signed > mixed > alternative: first text/plain, text/x-diff and octet-stream .patch; no signature, no .bin",
			fixture: "signed-xdiff.eml",
			wantID:  "signed-1@example.org",
			wantBody: "Diff attached, twice.\n--- a/b.c\n+++ b/b.c\n@@ -1 +1 @@\n-b\n+bb\n" +
				"--- a/c.c\n+++ b/c.c\n@@ -1 +1 @@\n-c\n+cc\n",
		},
		{
			name:        "unknown charset is read as UTF-8 and noted",
			fixture:     "unknown-charset.eml",
			wantID:      "charset-1@example.org",
			wantBody:    "plain ascii text\n+int x;\n",
			wantWarn:    ErrUnknownCharset,
			wantWarnMsg: `unknown charset "x-no-such-charset": read as UTF-8`,
		},
		{
			name:        "NUL bytes are removed and reported",
			fixture:     "nul-bytes.eml",
			wantID:      "nul-1@example.org",
			wantBody:    "beforeafter\n\n",
			wantWarn:    ErrNULBytes,
			wantWarnMsg: "NUL bytes in body: removed 2",
		},
		{
			name:        "no Message-ID: usable message, sloppy addresses read leniently, bad date is zero",
			fixture:     "no-message-id.eml",
			wantSubject: "no id",
			wantFrom:    Address{Name: "J. Random Hacker", Email: "jrh@example.org"},
			wantCc: []Address{
				{Name: "Ann O'Nymous", Email: "ann@example.org"},
				{Name: "Bare Person", Email: "bare@example.org"},
				{Name: "Quoted, Name", Email: "q@example.org"},
			},
			wantBody:    "no id here\n",
			wantWarn:    ErrNoMessageID,
			wantWarnMsg: "no-message-id.eml: no Message-ID",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := readFixture(t, tc.fixture)
			msg, err := Parse(raw, tc.fixture)
			if msg == nil {
				t.Fatalf("Parse returned no message: %v", err)
			}
			checkWarning(t, err, tc.wantWarn, tc.wantWarnMsg)
			if msg.MessageID != tc.wantID {
				t.Errorf("MessageID = %q, want %q", msg.MessageID, tc.wantID)
			}
			if tc.wantSubject != "" && msg.Subject != tc.wantSubject {
				t.Errorf("Subject = %q, want %q", msg.Subject, tc.wantSubject)
			}
			if tc.wantFrom != (Address{}) && msg.From != tc.wantFrom {
				t.Errorf("From = %+v, want %+v", msg.From, tc.wantFrom)
			}
			if tc.wantCc != nil && !reflect.DeepEqual(msg.Cc, tc.wantCc) {
				t.Errorf("Cc = %+v, want %+v", msg.Cc, tc.wantCc)
			}
			if msg.InReplyTo != tc.wantInReply {
				t.Errorf("InReplyTo = %q, want %q", msg.InReplyTo, tc.wantInReply)
			}
			if !reflect.DeepEqual(msg.References, tc.wantRefs) {
				t.Errorf("References = %q, want %q", msg.References, tc.wantRefs)
			}
			if !tc.wantDate.IsZero() && !msg.Date.Equal(tc.wantDate) {
				t.Errorf("Date = %v, want %v", msg.Date, tc.wantDate)
			}
			if msg.Body != tc.wantBody {
				t.Errorf("Body =\n%q\nwant\n%q", msg.Body, tc.wantBody)
			}
			if string(msg.Raw) != string(raw) {
				t.Errorf("Raw differs from the input bytes")
			}
			if msg.Source != tc.fixture {
				t.Errorf("Source = %q, want %q", msg.Source, tc.fixture)
			}
		})
	}
}

// checkWarning asserts err is nil when want is nil, else a *ReadError
// matching want whose text contains wantMsg.
func checkWarning(t *testing.T, err, want error, wantMsg string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
		return
	}
	var re *ReadError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want a *ReadError", err, err)
	}
	if !errors.Is(err, want) {
		t.Errorf("error = %v, want one matching %v", err, want)
	}
	if !strings.Contains(err.Error(), wantMsg) {
		t.Errorf("error text = %q, want it to contain %q", err.Error(), wantMsg)
	}
}

func TestParseNoDateIsZeroAndNoMessageIDStillNamed(t *testing.T) {
	msg, _ := Parse(readFixture(t, "no-message-id.eml"), "x")
	if !msg.Date.IsZero() {
		t.Errorf("Date = %v, want the zero time for an unreadable date", msg.Date)
	}
	if len(msg.To) != 0 {
		t.Errorf("To = %+v, want no address for an empty group", msg.To)
	}
}

func TestParseFailures(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    error
		wantMsg string
		wantID  string
	}{
		{
			name:    "boundary never found is broken MIME, naming the Message-ID",
			raw:     string(readFixture(t, "broken-boundary.eml")),
			want:    ErrBrokenMIME,
			wantMsg: `broken MIME: multipart/mixed boundary "expected"`,
			wantID:  "broken-1@example.org",
		},
		{
			name:    "multipart without a boundary parameter",
			raw:     "Message-ID: <nb@x>\nContent-Type: multipart/mixed\n\nbody\n",
			want:    ErrBrokenMIME,
			wantMsg: "multipart/mixed without a boundary parameter",
			wantID:  "nb@x",
		},
		{
			name:    "multipart with an unreadable Content-Type",
			raw:     "Message-ID: <ct@x>\nContent-Type: multipart/mixed; boundary=a; boundary=b\n\n--a\n\nx\n--a--\n",
			want:    ErrBrokenMIME,
			wantMsg: "unreadable Content-Type",
			wantID:  "ct@x",
		},
		{
			name:    "bad base64 in the text part",
			raw:     "Message-ID: <b64@x>\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!not base64!!!!\n",
			want:    ErrBrokenMIME,
			wantMsg: "decoding text/plain part",
			wantID:  "b64@x",
		},
		{
			name:    "a header line without a colon",
			raw:     "Message-ID: <h@x>\nthis is not a header\n\nbody\n",
			want:    ErrBrokenHeader,
			wantMsg: "broken header",
		},
		{
			name:    "empty input",
			raw:     "\n\n",
			want:    ErrEmpty,
			wantMsg: "empty message",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := Parse([]byte(tc.raw), "src")
			if msg != nil {
				t.Fatalf("Parse returned a message (%+v), want none", msg)
			}
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error = %v (%T), want a *ReadError", err, err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want one matching %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error = %q, want it to contain %q", err, tc.wantMsg)
			}
			if re.MessageID != tc.wantID || re.Source != "src" {
				t.Errorf("ReadError names %q <%s>, want src <%s>", re.Source, re.MessageID, tc.wantID)
			}
		})
	}
}

func TestParseBodySelection(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		wantBody string
		wantWarn error
	}{
		{
			name:     "top-level text/x-patch body is the patch",
			raw:      "Message-ID: <a@x>\nContent-Type: text/x-patch\n\n--- a/f\n+++ b/f\n",
			wantBody: "--- a/f\n+++ b/f\n",
		},
		{
			name:     "no Content-Type means text/plain",
			raw:      "Message-ID: <a@x>\n\nhello\n",
			wantBody: "hello\n",
		},
		{
			name:     "unreadable non-multipart Content-Type is read as text/plain",
			raw:      "Message-ID: <a@x>\nContent-Type: text/plain; charset=a; charset=b\n\nhello\n",
			wantBody: "hello\n",
		},
		{
			name:     "HTML-only mail carries no patch text",
			raw:      "Message-ID: <a@x>\nContent-Type: text/html\n\n<p>hi</p>\n",
			wantBody: "",
		},
		{
			name: "text/plain attachment named .patch is appended; a second inline text/plain is not",
			raw: "Message-ID: <a@x>\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: text/plain\n\nsecond\n" +
				"--b\nContent-Type: text/plain; name=fix.patch\nContent-Disposition: attachment; filename=fix.patch\n\n+fix\n" +
				"--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=notes.txt\n\nnotes\n--b--\n",
			wantBody: "first\n+fix",
		},
		{
			name: "multipart cut short after its text keeps the text with a warning",
			raw: "Message-ID: <a@x>\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nkept\n--b\nContent-Type: text/x-patch\n\n+trunc",
			wantBody: "kept\n+trunc",
			wantWarn: ErrBrokenMIME,
		},
		{
			name:     "unknown transfer encoding keeps the bytes with a warning",
			raw:      "Message-ID: <a@x>\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nraw\n",
			wantBody: "raw\n",
			wantWarn: ErrBrokenMIME,
		},
		{
			// git send-email asks "Which 8bit encoding should I declare
			// [UTF-8]?" and writes the answer as the charset: "y" is common.
			name:     `send-email's charset "y" over UTF-8 bytes is read as UTF-8`,
			raw:      "Message-ID: <a@x>\nContent-Type: text/plain; charset=\"y\"\nContent-Transfer-Encoding: 8bit\n\nSigned-off-by: J\u00f6rg \u2018x\u2019\n+int x;\n",
			wantBody: "Signed-off-by: J\u00f6rg \u2018x\u2019\n+int x;\n",
			wantWarn: ErrUnknownCharset,
		},
		{
			name:     "a bogus charset over bytes that are not UTF-8 is read as Latin-1",
			raw:      "Message-ID: <a@x>\nContent-Type: text/plain; charset=y\nContent-Transfer-Encoding: 8bit\n\nJ\xf6rg\n",
			wantBody: "J\u00f6rg\n",
			wantWarn: ErrUnknownCharset,
		},
		{
			name:     "UTF-7 is decoded, quoted-printable first",
			raw:      "Message-ID: <a@x>\nContent-Type: text/plain; charset=utf-7\nContent-Transfer-Encoding: quoted-printable\n\nHi Mom -+Jjo--!=0A1 +- 1 =3D 2 +AKM-1\n",
			wantBody: "Hi Mom -\u263a-!\n1 + 1 = 2 \u00a31\n",
			wantWarn: ErrUnknownCharset,
		},
		{
			name:     "unknown charset in an HTML part that is not taken is no warning",
			raw:      "Message-ID: <a@x>\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nt\n--b\nContent-Type: text/html; charset=x-nope\n\nh\n--b--\n",
			wantBody: "t",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := Parse([]byte(tc.raw), "src")
			if msg == nil {
				t.Fatalf("Parse returned no message: %v", err)
			}
			if tc.wantWarn == nil && err != nil {
				t.Errorf("unexpected warning: %v", err)
			}
			if tc.wantWarn != nil && !errors.Is(err, tc.wantWarn) {
				t.Errorf("warning = %v, want one matching %v", err, tc.wantWarn)
			}
			if msg.Body != tc.wantBody {
				t.Errorf("Body = %q, want %q", msg.Body, tc.wantBody)
			}
		})
	}
}

func TestMsgIDs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain list", "<a@x> <b@y>", []string{"a@x", "b@y"}},
		{"no space between ids", "<a@x><b@y>", []string{"a@x", "b@y"}},
		{"comment and quoted junk", `<a@x> (Ada's "message") "name <c@z>" <b@y>`, []string{"a@x", "b@y"}},
		{"unbalanced quote is literal", `"oops <a@x>`, []string{"a@x"}},
		{"nested opening bracket", "<junk <a@x>", []string{"a@x"}},
		{"space inside a folded id", "<a@\n x>", []string{"a@x"}},
		{"bare ids without brackets", "a@x b@y", []string{"a@x", "b@y"}},
		{"unterminated bracket", "<a@x> <b@", []string{"a@x"}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := msgIDs(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("msgIDs(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"RFC 5322", "Thu, 6 Apr 2023 07:43:26 -0700", time.Date(2023, 4, 6, 14, 43, 26, 0, time.UTC)},
		{"double space and zone comment", "Thu,  6 Apr 2023 07:43:26 -0700 (PDT)", time.Date(2023, 4, 6, 14, 43, 26, 0, time.UTC)},
		{"no seconds", "Thu, 6 Apr 2023 07:43 -0700", time.Date(2023, 4, 6, 14, 43, 0, 0, time.UTC)},
		{"asctime with zone", "Thu Apr 6 07:43:26 2023 -0700", time.Date(2023, 4, 6, 14, 43, 26, 0, time.UTC)},
		{"garbage", "yesterday", time.Time{}},
		{"missing", "", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseDate(tc.in); !got.Equal(tc.want) {
				t.Errorf("parseDate(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseHostileHeadersStayLinear(t *testing.T) {
	// Each of these took quadratic time once (41 s for the first); the
	// bound is generous so a busy machine does not fail it.
	tests := []struct {
		name, header string
	}{
		{"References of unclosed comments", "References: " + strings.Repeat("(", 200000)},
		{"In-Reply-To of unclosed quotes", "In-Reply-To: " + strings.Repeat(`"<`, 100000)},
		{"Date of garbage", "Date: " + strings.Repeat(`"a" <`, 40000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			msg, _ := Parse([]byte("Message-ID: <a@x>\n"+tc.header+"\n\nbody\n"), "x")
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Parse took %v", d)
			}
			if msg == nil || msg.Body != "body\n" {
				t.Errorf("message not read: %+v", msg)
			}
		})
	}
}

func TestParseHasXPatchbot(t *testing.T) {
	const rest = "From: Dev <dev@example.org>\r\nMessage-ID: <x@example.org>\r\nSubject: [PATCH] x\r\n"
	tests := []struct {
		name, raw string
		want      bool
	}{
		{"a reply patchbot sent is marked", "X-Patchbot: patchbot\r\n" + rest + "\r\nbody\r\n", true},
		{"the header name is read in any case", "x-patchbot: patchbot-test\r\n" + rest + "\r\nbody\r\n", true},
		{"an empty value still marks the mail", rest + "X-Patchbot:\r\n\r\nbody\r\n", true},
		{"LF line ends", strings.ReplaceAll("X-Patchbot: patchbot\r\n"+rest+"\r\nbody\r\n", "\r\n", "\n"), true},
		{"mail without the header is not marked", rest + "\r\nbody\r\n", false},
		{"the header quoted in the body does not mark it", rest + "\r\nX-Patchbot: patchbot\r\n", false},
		{"a similar header does not mark it", "X-Patchbot-Ignore: yes\r\n" + rest + "\r\nbody\r\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := Parse([]byte(tc.raw), "x")
			if msg == nil {
				t.Fatalf("Parse: %v", err)
			}
			msg.Raw = nil // the pipeline drops the raw bytes; the mark must not need them
			if msg.HasXPatchbot != tc.want {
				t.Errorf("HasXPatchbot = %v, want %v", msg.HasXPatchbot, tc.want)
			}
		})
	}
}
