package dovecot

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/patchbot/patchbot/internal/imaptest"
)

func testMail(n int) []byte {
	return fmt.Appendf(nil, "From: a@example.org\r\nMessage-ID: <%d.dovecot-test@patchbot>\r\nSubject: test %d\r\n\r\nbody %d\r\n", n, n, n)
}

func TestServer(t *testing.T) {
	s := Start(t)

	t.Run("append assigns increasing UIDs", func(t *testing.T) {
		u1 := s.Append("INBOX", testMail(1), time.Time{})
		u2 := s.Append("INBOX", testMail(2), time.Time{})
		if u1 == 0 || u2 != u1+1 {
			t.Fatalf("UIDs %d, %d: want consecutive non-zero", u1, u2)
		}
	})
	t.Run("delivered file shows up with the next UID", func(t *testing.T) {
		s.DeliverFile("INBOX", testMail(3))
		msgs := imaptest.Fetch(t, s.Client(), "INBOX", true)
		if len(msgs) != 3 || !bytes.Equal(msgs[2].Body, testMail(3)) || msgs[2].UID != 3 {
			t.Fatalf("got %d messages, last %+v", len(msgs), msgs[len(msgs)-1])
		}
	})
	t.Run("UIDVALIDITY changes and UIDs restart", func(t *testing.T) {
		c := s.Client()
		before := imaptest.UIDValidity(t, c, "INBOX")
		after := s.ChangeUIDValidity("INBOX")
		if after == before {
			t.Fatalf("UIDVALIDITY still %d", after)
		}
		msgs := imaptest.Fetch(t, s.Client(), "INBOX", false)
		if len(msgs) != 3 || msgs[0].UID != 1 {
			t.Fatalf("after the change: %+v", msgs)
		}
	})
	t.Run("kill and restart keep the mail and the port", func(t *testing.T) {
		s.Kill()
		s.DeliverFile("INBOX", testMail(4))
		s.Restart()
		msgs := imaptest.Fetch(t, s.Client(), "INBOX", false)
		if len(msgs) != 4 {
			t.Fatalf("after restart: %d messages, want 4", len(msgs))
		}
	})
	t.Run("stop is graceful and quick enough", func(t *testing.T) {
		start := time.Now()
		s.Stop()
		t.Logf("SIGTERM stop took %v", time.Since(start).Round(time.Millisecond))
		s.Restart()
		if n := len(imaptest.Fetch(t, s.Client(), "INBOX", false)); n != 4 {
			t.Fatalf("after stop and restart: %d messages, want 4", n)
		}
	})
	t.Run("new mailbox and flags", func(t *testing.T) {
		c := s.Client()
		if err := c.Create("Drafts", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		imaptest.Append(t, c, "Drafts", testMail(5), time.Time{}, imap.FlagDraft)
		msgs := imaptest.Fetch(t, c, "Drafts", false)
		if len(msgs) != 1 || !msgs[0].HasFlag(imap.FlagDraft) {
			t.Fatalf("Drafts: %+v", msgs)
		}
	})
}
