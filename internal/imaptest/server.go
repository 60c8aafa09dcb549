// Package imaptest starts go-imap's in-memory IMAP server on 127.0.0.1 for
// tests, with one user and an INBOX, in plaintext, STARTTLS or implicit
// TLS, and gives tests the levers they need: append mail, drop or stall
// every connection, change a mailbox's UIDVALIDITY. Its client helpers
// (Login, Append, Fetch, UIDValidity) also serve the Dovecot harness, and
// New serves `patchbot demo`, which runs the bot against it outside a
// test.
package imaptest

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Transport security of a test server.
const (
	// Plain serves IMAP in clear text (and offers no STARTTLS).
	Plain = "plain"
	// StartTLS serves clear text and offers STARTTLS.
	StartTLS = "starttls"
	// ImplicitTLS serves TLS from the first byte.
	ImplicitTLS = "implicit"
)

// Default credentials of the test user.
const (
	DefaultUser     = "bot"
	DefaultPassword = "imaptest-password"
)

// Server is a running in-memory IMAP server.
type Server struct {
	// Addr is the 127.0.0.1:port the server listens on.
	Addr string
	// User and Password log in.
	User, Password string
	// ClientTLS trusts the server's certificate (nil for Plain).
	ClientTLS *tls.Config

	// tb fails the test when a lever does not work; nil for a server
	// from New.
	tb        testing.TB
	mode      string
	user      *imapmemserver.User
	srv       *imapserver.Server
	ln        *trackingListener
	closed    chan struct{}
	closeOnce sync.Once
}

// Options select how a test server behaves.
type Options struct {
	// TLS is Plain (the default when empty), StartTLS or ImplicitTLS; the
	// TLS modes use a freshly generated self-signed certificate.
	TLS string
	// User and Password are the credentials of the one user;
	// DefaultUser and DefaultPassword when empty.
	User, Password string
}

// Start starts a plaintext server; it is closed in tb.Cleanup.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith starts a server configured by opts; it is closed in
// tb.Cleanup. With StartTLS, LOGIN is refused until the client has
// upgraded the connection.
func StartWith(tb testing.TB, o Options) *Server {
	tb.Helper()
	s, err := New(o)
	if err != nil {
		tb.Fatalf("imaptest: %v", err)
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// New starts a server configured by o outside a test: the caller stops it
// with Close and stores mail with Deliver. The levers that fail a test
// (Append, ChangeUIDValidity, Client) need a server from Start or
// StartWith.
func New(o Options) (*Server, error) {
	mode := o.TLS
	if mode == "" {
		mode = Plain
	}
	s := &Server{
		User:     o.User,
		Password: o.Password,
		mode:     mode,
		closed:   make(chan struct{}),
	}
	if s.User == "" {
		s.User = DefaultUser
	}
	if s.Password == "" {
		s.Password = DefaultPassword
	}
	mem := imapmemserver.New()
	s.user = imapmemserver.NewUser(s.User, s.Password)
	if err := s.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("create INBOX: %w", err)
	}
	mem.AddUser(s.user)

	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: mode != StartTLS,
		Logger:       log.New(io.Discard, "", 0),
	}
	var serverTLS *tls.Config
	switch mode {
	case Plain:
	case StartTLS, ImplicitTLS:
		var err error
		if serverTLS, s.ClientTLS, err = selfSignedTLS(); err != nil {
			return nil, err
		}
		if mode == StartTLS {
			opts.TLSConfig = serverTLS
		}
	default:
		return nil, fmt.Errorf("unknown mode %q", mode)
	}
	s.srv = imapserver.New(opts)

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s.ln = &trackingListener{Listener: raw, conns: map[*stallableConn]struct{}{}}
	s.Addr = raw.Addr().String()
	var ln net.Listener = s.ln
	if mode == ImplicitTLS {
		ln = tls.NewListener(s.ln, serverTLS)
	}
	go func() {
		defer close(s.closed)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server, drops every connection and waits until the
// server is done. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		_ = s.srv.Close()
		// A server closed before Serve took the listener returns
		// without closing it.
		_ = s.ln.Close()
		s.DropConnections()
		<-s.closed
	})
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

// Deliver is Append for a server from New: it returns the error instead
// of failing a test.
func (s *Server) Deliver(mailbox string, raw []byte, date time.Time) (uint32, error) {
	data, err := s.user.Append(mailbox, literal{bytes.NewReader(raw)}, &imap.AppendOptions{Time: date})
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

// DropConnections closes every client connection, as a server restart or a
// network failure would.
func (s *Server) DropConnections() { s.ln.dropAll() }

// StallConnections makes every current connection go silent both ways
// without closing it, as a vanished peer or a dead NAT mapping does: the
// server neither hears the client nor answers it. New connections work.
func (s *Server) StallConnections() { s.ln.stallAll() }

// ChangeUIDValidity recreates mailbox with the same messages (same order,
// flags and dates) under a new UIDVALIDITY, so UIDs restart at 1, then drops
// every connection so that clients re-open it. It fails the test unless the
// UIDVALIDITY really changed, and returns the new one.
func (s *Server) ChangeUIDValidity(mailbox string) uint32 {
	s.tb.Helper()
	c := Login(s.tb, s.Addr, s.User, s.Password, s.mode, s.ClientTLS)
	before := UIDValidity(s.tb, c, mailbox)
	msgs := Fetch(s.tb, c, mailbox, true)
	if err := c.Unselect().Wait(); err != nil {
		s.tb.Fatalf("imaptest: UNSELECT: %v", err)
	}
	if err := s.user.Delete(mailbox); err != nil {
		s.tb.Fatalf("imaptest: delete %s: %v", mailbox, err)
	}
	if err := s.user.Create(mailbox, nil); err != nil {
		s.tb.Fatalf("imaptest: create %s: %v", mailbox, err)
	}
	for _, m := range msgs {
		if _, err := s.user.Append(mailbox, literal{bytes.NewReader(m.Body)}, &imap.AppendOptions{Flags: m.Flags, Time: m.Date}); err != nil {
			s.tb.Fatalf("imaptest: re-append to %s: %v", mailbox, err)
		}
	}
	s.DropConnections()
	c = Login(s.tb, s.Addr, s.User, s.Password, s.mode, s.ClientTLS)
	after := UIDValidity(s.tb, c, mailbox)
	if after == before {
		s.tb.Fatalf("imaptest: UIDVALIDITY of %s did not change (%d)", mailbox, after)
	}
	return after
}

// Client returns a logged-in client for inspecting the server.
func (s *Server) Client() *imapclient.Client {
	s.tb.Helper()
	return Login(s.tb, s.Addr, s.User, s.Password, s.mode, s.ClientTLS)
}

// literal adapts a bytes.Reader to imap.LiteralReader.
type literal struct{ *bytes.Reader }

// trackingListener remembers accepted connections so that they can be
// dropped or stalled together.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[*stallableConn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	sc := &stallableConn{Conn: c}
	l.mu.Lock()
	l.conns[sc] = struct{}{}
	l.mu.Unlock()
	return sc, nil
}

func (l *trackingListener) dropAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		_ = c.Close()
		delete(l.conns, c)
	}
}

func (l *trackingListener) stallAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		c.stalled.Store(true)
	}
}

// stallableConn is a server-side connection that can be made to swallow
// what it reads and writes.
type stallableConn struct {
	net.Conn
	stalled atomic.Bool
}

func (c *stallableConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if !c.stalled.Load() || err != nil {
			return n, err
		}
	}
}

func (c *stallableConn) Write(p []byte) (int, error) {
	if c.stalled.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}
