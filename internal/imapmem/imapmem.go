// Package imapmem runs go-imap's in-memory IMAP server on 127.0.0.1 with
// one user and an INBOX, in plaintext, STARTTLS or implicit TLS, for
// `patchbot demo` and the tests (internal/imaptest wraps it with the
// levers that fail a test). It stores mail directly, drops or stalls every
// connection and recreates a mailbox under a new UIDVALIDITY.
package imapmem

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Transport security of a server.
const (
	// Plain serves IMAP in clear text (and offers no STARTTLS).
	Plain = "plain"
	// StartTLS serves clear text and offers STARTTLS.
	StartTLS = "starttls"
	// ImplicitTLS serves TLS from the first byte.
	ImplicitTLS = "implicit"
)

// Default credentials of the one user.
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
	// TLS is the transport security: Plain, StartTLS or ImplicitTLS.
	TLS string
	// ClientTLS trusts the server's certificate (nil for Plain).
	ClientTLS *tls.Config

	user      *imapmemserver.User
	srv       *imapserver.Server
	ln        *trackingListener
	closed    chan struct{}
	closeOnce sync.Once
}

// Options select how a server behaves.
type Options struct {
	// TLS is Plain (the default when empty), StartTLS or ImplicitTLS; the
	// TLS modes use a freshly generated self-signed certificate.
	TLS string
	// User and Password are the credentials of the one user;
	// DefaultUser and DefaultPassword when empty.
	User, Password string
}

// Message is one mail in a mailbox, as a client fetches it or as
// RecreateMailbox stores it again.
type Message struct {
	UID   uint32
	Flags []imap.Flag
	// Date is the internal date (arrival time).
	Date time.Time
	// Body is the whole mail, when asked for.
	Body []byte
}

// HasFlag reports whether the message carries flag (case-insensitively, as
// IMAP flags compare).
func (m Message) HasFlag(flag imap.Flag) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(string(f), string(flag)) {
			return true
		}
	}
	return false
}

// New starts a server configured by o; the caller stops it with Close and
// stores mail with Deliver. With StartTLS, LOGIN is refused until the
// client has upgraded the connection.
func New(o Options) (*Server, error) {
	s := &Server{
		User:     o.User,
		Password: o.Password,
		TLS:      o.TLS,
		closed:   make(chan struct{}),
	}
	if s.TLS == "" {
		s.TLS = Plain
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
		InsecureAuth: s.TLS != StartTLS,
		Logger:       log.New(io.Discard, "", 0),
	}
	var serverTLS *tls.Config
	switch s.TLS {
	case Plain:
	case StartTLS, ImplicitTLS:
		var err error
		if serverTLS, s.ClientTLS, err = SelfSignedTLS(); err != nil {
			return nil, err
		}
		if s.TLS == StartTLS {
			opts.TLSConfig = serverTLS
		}
	default:
		return nil, fmt.Errorf("unknown mode %q", s.TLS)
	}
	s.srv = imapserver.New(opts)

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s.ln = &trackingListener{Listener: raw, conns: map[*stallableConn]struct{}{}}
	s.Addr = raw.Addr().String()
	var ln net.Listener = s.ln
	if s.TLS == ImplicitTLS {
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

// Deliver stores raw in mailbox with the given internal date (now when
// zero) and returns its UID. Sessions idling on the mailbox are told.
func (s *Server) Deliver(mailbox string, raw []byte, date time.Time) (uint32, error) {
	data, err := s.user.Append(mailbox, literal{bytes.NewReader(raw)}, &imap.AppendOptions{Time: date})
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

// RecreateMailbox deletes mailbox and creates it again under a new
// UIDVALIDITY holding msgs (their bodies, flags and dates, in order; UIDs
// restart at 1 and the msgs' UIDs are ignored). Clients that had it
// selected still see the old one: drop their connections.
func (s *Server) RecreateMailbox(mailbox string, msgs ...Message) error {
	if err := s.user.Delete(mailbox); err != nil {
		return fmt.Errorf("delete %s: %w", mailbox, err)
	}
	if err := s.user.Create(mailbox, nil); err != nil {
		return fmt.Errorf("create %s: %w", mailbox, err)
	}
	for _, m := range msgs {
		if _, err := s.user.Append(mailbox, literal{bytes.NewReader(m.Body)}, &imap.AppendOptions{Flags: m.Flags, Time: m.Date}); err != nil {
			return fmt.Errorf("re-append to %s: %w", mailbox, err)
		}
	}
	return nil
}

// DropConnections closes every client connection, as a server restart or a
// network failure would.
func (s *Server) DropConnections() { s.ln.dropAll() }

// StallConnections makes every current connection go silent both ways
// without closing it, as a vanished peer or a dead NAT mapping does: the
// server neither hears the client nor answers it. New connections work.
func (s *Server) StallConnections() { s.ln.stallAll() }

// literal adapts a bytes.Reader to imap.LiteralReader.
type literal struct{ *bytes.Reader }
