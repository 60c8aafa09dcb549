package mail

import (
	"strings"
	"testing"
)

func TestIMAPHeaderMessageID(t *testing.T) {
	cases := []struct {
		name, header, want string
	}{
		{"plain", "Message-ID: <a.b@example.org>\r\n\r\n", "a.b@example.org"},
		{"case-insensitive name", "message-id: <x@y>\r\n\r\n", "x@y"},
		{"folded onto the next line", "Message-Id:\r\n <20260101.1@host>\r\n\r\n", "20260101.1@host"},
		{"LF only, no blank line", "Message-ID: <lf@host>\n", "lf@host"},
		{"without brackets", "Message-ID: bare@host\r\n\r\n", "bare@host"},
		{"trailing comment", "Message-ID: <c@host> (added by relay)\r\n\r\n", "c@host"},
		{"absent", "\r\n", ""},
		{"garbage", "not a header", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := imapHeaderMessageID([]byte(tc.header)); got != tc.want {
				t.Errorf("imapHeaderMessageID(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

// FuzzIMAPHeaderMessageID feeds header blocks from strangers to the
// Message-ID extraction used for de-duplication: it must not panic, and
// what it returns must be a clean single-line token.
func FuzzIMAPHeaderMessageID(f *testing.F) {
	for _, seed := range []string{
		"Message-ID: <a.b@example.org>\r\n\r\n",
		"Message-Id:\r\n <folded@host>\r\n\r\n",
		"message-id: <<double>>\r\n",
		"Message-ID: <unterminated\r\n\r\n",
		"X: y\r\nMessage-ID:\r\n\r\n",
		"\x00\xff: \r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, header []byte) {
		id := imapHeaderMessageID(header)
		if strings.ContainsAny(id, "\r\n") || id != strings.TrimSpace(id) {
			t.Fatalf("imapHeaderMessageID(%q) = %q: not a clean token", header, id)
		}
	})
}
