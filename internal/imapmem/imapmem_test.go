package imapmem_test

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/imapmem"
	"github.com/patchbot/patchbot/internal/imaptest"
)

// raw is the mail the tests deliver.
const raw = "From: a@example.org\r\nMessage-ID: <1.imapmem@patchbot>\r\nSubject: 1\r\n\r\nbody 1\r\n"

func TestNewDeliverAndFetch(t *testing.T) {
	tests := []struct {
		name               string
		opts               imapmem.Options
		wantUser, wantPass string
	}{
		{"default credentials", imapmem.Options{}, imapmem.DefaultUser, imapmem.DefaultPassword},
		{"the caller's credentials", imapmem.Options{User: "demo", Password: "secret"}, "demo", "secret"},
		{"implicit TLS", imapmem.Options{TLS: imapmem.ImplicitTLS, User: "demo", Password: "secret"}, "demo", "secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := imapmem.New(tc.opts)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer s.Close()
			if s.User != tc.wantUser || s.Password != tc.wantPass {
				t.Fatalf("credentials %q/%q, want %q/%q", s.User, s.Password, tc.wantUser, tc.wantPass)
			}
			date := time.Now().Truncate(time.Second)
			uid, err := s.Deliver("INBOX", []byte(raw), date)
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			mode := tc.opts.TLS
			if mode == "" {
				mode = imapmem.Plain
			}
			if s.TLS != mode {
				t.Fatalf("TLS %q, want %q", s.TLS, mode)
			}
			msgs := imaptest.Fetch(t, imaptest.Login(t, s.Addr, s.User, s.Password, mode, s.ClientTLS), "INBOX", true)
			if len(msgs) != 1 || msgs[0].UID != uid || !bytes.Equal(msgs[0].Body, []byte(raw)) || !msgs[0].Date.Equal(date) {
				t.Fatalf("fetched %+v, want UID %d dated %v with the delivered mail", msgs, uid, date)
			}
			if _, err := s.Deliver("Nowhere", []byte(raw), date); err == nil {
				t.Error("Deliver to a mailbox that does not exist succeeded")
			}
		})
	}
}

func TestNewErrorsAndClose(t *testing.T) {
	t.Run("an unknown mode is an error", func(t *testing.T) {
		if s, err := imapmem.New(imapmem.Options{TLS: "ssl"}); err == nil {
			s.Close()
			t.Fatal("New accepted mode \"ssl\"")
		}
	})
	t.Run("Close stops the server and may be called twice", func(t *testing.T) {
		s, err := imapmem.New(imapmem.Options{})
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
