// Package imaptest starts internal/imapmem's in-memory IMAP server for
// tests, closed in tb.Cleanup, and gives tests the levers they need:
// append mail, drop or stall every connection, change a mailbox's
// UIDVALIDITY, each failing the test when it does not work. Its client
// helpers (Login, Append, Fetch, UIDValidity) also serve the Dovecot
// harness.
package imaptest

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/patchbot/patchbot/internal/imapmem"
)

// Transport security of a test server.
const (
	// Plain serves IMAP in clear text (and offers no STARTTLS).
	Plain = imapmem.Plain
	// StartTLS serves clear text and offers STARTTLS.
	StartTLS = imapmem.StartTLS
	// ImplicitTLS serves TLS from the first byte.
	ImplicitTLS = imapmem.ImplicitTLS
)

// Default credentials of the test user.
const (
	DefaultUser     = imapmem.DefaultUser
	DefaultPassword = imapmem.DefaultPassword
)

// Options select how a test server behaves: imapmem's.
type Options = imapmem.Options

// Message is what Fetch reports of one mail.
type Message = imapmem.Message

// Server is a running in-memory IMAP server in a test: imapmem's server
// (Addr, User, Password, ClientTLS, DropConnections, StallConnections…)
// with the levers that fail the test.
type Server struct {
	*imapmem.Server
	tb testing.TB
}

// Start starts a plaintext server; it is closed in tb.Cleanup.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith starts a server configured by opts; it is closed in
// tb.Cleanup. With StartTLS, LOGIN is refused until the client has
// upgraded the connection.
func StartWith(tb testing.TB, o Options) *Server {
	tb.Helper()
	s, err := imapmem.New(o)
	if err != nil {
		tb.Fatalf("imaptest: %v", err)
	}
	tb.Cleanup(s.Close)
	return &Server{Server: s, tb: tb}
}

// Append stores raw in mailbox with the given internal date (now when
// zero) and returns its UID. Sessions idling on the mailbox are told.
func (s *Server) Append(mailbox string, raw []byte, date time.Time) uint32 {
	s.tb.Helper()
	uid, err := s.Deliver(mailbox, raw, date)
	if err != nil {
		s.tb.Fatalf("imaptest: %v", err)
	}
	return uid
}

// ChangeUIDValidity recreates mailbox with the same messages (same order,
// flags and dates) under a new UIDVALIDITY, so UIDs restart at 1, then drops
// every connection so that clients re-open it. It fails the test unless the
// UIDVALIDITY really changed, and returns the new one.
func (s *Server) ChangeUIDValidity(mailbox string) uint32 {
	s.tb.Helper()
	c := s.Client()
	before := UIDValidity(s.tb, c, mailbox)
	msgs := Fetch(s.tb, c, mailbox, true)
	if err := c.Unselect().Wait(); err != nil {
		s.tb.Fatalf("imaptest: UNSELECT: %v", err)
	}
	if err := s.RecreateMailbox(mailbox, msgs...); err != nil {
		s.tb.Fatalf("imaptest: %v", err)
	}
	s.DropConnections()
	after := UIDValidity(s.tb, s.Client(), mailbox)
	if after == before {
		s.tb.Fatalf("imaptest: UIDVALIDITY of %s did not change (%d)", mailbox, after)
	}
	return after
}

// Client returns a logged-in client for inspecting the server.
func (s *Server) Client() *imapclient.Client {
	s.tb.Helper()
	return Login(s.tb, s.Addr, s.User, s.Password, s.TLS, s.ClientTLS)
}
