package imaptest

import (
	"bytes"
	"fmt"
	"net"
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

func TestNewOutsideATest(t *testing.T) {
	tests := []struct {
		name               string
		opts               Options
		wantUser, wantPass string
	}{
		{"default credentials", Options{}, DefaultUser, DefaultPassword},
		{"the caller's credentials", Options{User: "demo", Password: "secret"}, "demo", "secret"},
		{"implicit TLS", Options{TLS: ImplicitTLS, User: "demo", Password: "secret"}, "demo", "secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.opts)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer s.Close()
			if s.User != tc.wantUser || s.Password != tc.wantPass {
				t.Fatalf("credentials %q/%q, want %q/%q", s.User, s.Password, tc.wantUser, tc.wantPass)
			}
			date := time.Now().Truncate(time.Second)
			uid, err := s.Deliver("INBOX", mail(1), date)
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			mode := tc.opts.TLS
			if mode == "" {
				mode = Plain
			}
			msgs := Fetch(t, Login(t, s.Addr, s.User, s.Password, mode, s.ClientTLS), "INBOX", true)
			if len(msgs) != 1 || msgs[0].UID != uid || !bytes.Equal(msgs[0].Body, mail(1)) || !msgs[0].Date.Equal(date) {
				t.Fatalf("fetched %+v, want UID %d dated %v with the delivered mail", msgs, uid, date)
			}
			if _, err := s.Deliver("Nowhere", mail(2), date); err == nil {
				t.Error("Deliver to a mailbox that does not exist succeeded")
			}
		})
	}
}

func TestNewErrorsAndClose(t *testing.T) {
	t.Run("an unknown mode is an error", func(t *testing.T) {
		if s, err := New(Options{TLS: "ssl"}); err == nil {
			s.Close()
			t.Fatal("New accepted mode \"ssl\"")
		}
	})
	t.Run("Close stops the server and may be called twice", func(t *testing.T) {
		s, err := New(Options{})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		s.Close()
		s.Close()
		if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			_ = c.Close()
			t.Fatal("server still accepts connections after Close")
		}
	})
}
