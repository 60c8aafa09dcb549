package imaptest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func mail(n int) []byte {
	return fmt.Appendf(nil, "From: a@example.org\r\nMessage-ID: <%d.imaptest@patchbot>\r\nSubject: %d\r\n\r\nbody %d\r\n", n, n, n)
}

func TestServerModes(t *testing.T) {
	for _, mode := range []string{Plain, StartTLS, ImplicitTLS} {
		t.Run(mode, func(t *testing.T) {
			s := StartWith(t, Options{TLS: mode})
			if (mode == Plain) != (s.ClientTLS == nil) {
				t.Fatalf("ClientTLS = %v for mode %s", s.ClientTLS, mode)
			}
			uid := s.Append("INBOX", mail(1), time.Time{})
			msgs := Fetch(t, s.Client(), "INBOX", true)
			if len(msgs) != 1 || msgs[0].UID != uid || !bytes.Equal(msgs[0].Body, mail(1)) {
				t.Fatalf("fetched %+v, want UID %d with the appended mail", msgs, uid)
			}
		})
	}
}

func TestServerLevers(t *testing.T) {
	s := Start(t)
	date := time.Now().AddDate(0, 0, -5).Truncate(time.Second)
	s.Append("INBOX", mail(1), date)
	s.Append("INBOX", mail(2), time.Time{})

	t.Run("DropConnections closes clients", func(t *testing.T) {
		c := s.Client()
		s.DropConnections()
		select {
		case <-c.Closed():
		case <-time.After(2 * time.Second):
			t.Fatal("client still connected after DropConnections")
		}
	})
	t.Run("StallConnections silences clients without closing them", func(t *testing.T) {
		c := s.Client()
		s.StallConnections()
		done := make(chan error, 1)
		go func() { done <- c.Noop().Wait() }()
		select {
		case err := <-done:
			t.Fatalf("NOOP answered (%v) on a stalled connection", err)
		case <-time.After(300 * time.Millisecond):
		}
		s.DropConnections()
		<-done
		if n := len(Fetch(t, s.Client(), "INBOX", false)); n != 2 {
			t.Fatalf("new connection sees %d messages, want 2", n)
		}
	})
	t.Run("ChangeUIDValidity keeps the mail and renumbers it", func(t *testing.T) {
		c := s.Client()
		Append(t, c, "INBOX", mail(3), time.Time{}, imap.FlagFlagged)
		before := UIDValidity(t, c, "INBOX")
		after := s.ChangeUIDValidity("INBOX")
		if after == before {
			t.Fatalf("UIDVALIDITY unchanged: %d", after)
		}
		msgs := Fetch(t, s.Client(), "INBOX", true)
		if len(msgs) != 3 {
			t.Fatalf("%d messages after the change, want 3", len(msgs))
		}
		for i, m := range msgs {
			if m.UID != uint32(i+1) || !bytes.Equal(m.Body, mail(i+1)) {
				t.Errorf("message %d: UID %d body %q", i+1, m.UID, m.Body)
			}
		}
		if !msgs[0].Date.Equal(date) {
			t.Errorf("internal date %v, want %v", msgs[0].Date, date)
		}
		if !msgs[2].HasFlag(imap.FlagFlagged) {
			t.Errorf("flags lost: %v", msgs[2].Flags)
		}
	})
}
