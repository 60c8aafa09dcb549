package demo

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// IMAPServer is go-imap's in-memory IMAP server on 127.0.0.1, one user
// with an INBOX, clear text (loopback only).
type IMAPServer struct {
	// Addr is the 127.0.0.1:port it listens on.
	Addr string
	user *imapmemserver.User
	srv  *imapserver.Server
	done chan struct{}
}

// StartIMAP starts the server for user/password.
func StartIMAP(user, password string) (*IMAPServer, error) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("imap server: create INBOX: %w", err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("imap server: listen: %w", err)
	}
	s := &IMAPServer{Addr: ln.Addr().String(), user: u, srv: srv, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = srv.Serve(ln)
	}()
	return s, nil
}

// Append stores raw in INBOX, as a list's delivery would.
func (s *IMAPServer) Append(raw []byte) error {
	_, err := s.user.Append("INBOX", imapLiteral{bytes.NewReader(raw)}, &imap.AppendOptions{Time: time.Now()})
	if err != nil {
		return fmt.Errorf("imap server: append: %w", err)
	}
	return nil
}

// Close stops the server.
func (s *IMAPServer) Close() {
	_ = s.srv.Close()
	<-s.done
}

type imapLiteral struct{ *bytes.Reader }

// Received is one mail the SMTP server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
}

// SMTPServer is go-smtp's server on 127.0.0.1, accepting every mail
// without authentication and keeping it in memory.
type SMTPServer struct {
	// Addr is the 127.0.0.1:port it listens on.
	Addr string
	srv  *smtp.Server
	be   *smtpBackend
}

// StartSMTP starts the server.
func StartSMTP() (*SMTPServer, error) {
	be := &smtpBackend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smtp server: listen: %w", err)
	}
	go func() { _ = srv.Serve(ln) }()
	return &SMTPServer{Addr: ln.Addr().String(), srv: srv, be: be}, nil
}

// Received returns the mails accepted so far, in order.
func (s *SMTPServer) Received() []Received {
	s.be.mu.Lock()
	defer s.be.mu.Unlock()
	return append([]Received(nil), s.be.got...)
}

// Close stops the server.
func (s *SMTPServer) Close() { _ = s.srv.Close() }

type smtpBackend struct {
	mu  sync.Mutex
	got []Received
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{be: b}, nil
}

type smtpSession struct {
	be  *smtpBackend
	cur Received
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur = Received{From: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = data
	s.be.mu.Lock()
	s.be.got = append(s.be.got, s.cur)
	s.be.mu.Unlock()
	s.cur = Received{}
	return nil
}

func (s *smtpSession) Reset()        { s.cur = Received{} }
func (s *smtpSession) Logout() error { return nil }
