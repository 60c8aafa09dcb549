package demo

import (
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

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
