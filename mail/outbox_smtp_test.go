package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const smtpTestPassword = "correct horse battery staple"

// smtpRecorder is a go-smtp backend that records what it is sent.
type smtpRecorder struct {
	mu       sync.Mutex
	mails    []smtpRecorded
	rejectTo string
	// tempFail is how many messages the server answers 451 at the end of
	// DATA before it takes one; permFail answers 550; dropAfterData hangs
	// up at the end of DATA without an answer.
	tempFail      int
	permFail      bool
	dropAfterData bool
	attempts      int
}

type smtpRecorded struct {
	from  string
	to    []string
	data  []byte
	user  string
	tls   bool
	ehlo  string
	authd bool
}

func (b *smtpRecorder) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpRecSession{b: b, conn: c}, nil
}

func (b *smtpRecorder) got() []smtpRecorded {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]smtpRecorded(nil), b.mails...)
}

type smtpRecSession struct {
	b    *smtpRecorder
	conn *smtp.Conn
	cur  smtpRecorded
}

func (s *smtpRecSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpRecSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "bot" || password != smtpTestPassword {
			return errors.New("invalid credentials")
		}
		s.cur.user, s.cur.authd = username, true
		return nil
	}), nil
}

func (s *smtpRecSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *smtpRecSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.rejectTo != "" && to == s.b.rejectTo {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *smtpRecSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.attempts++
	switch {
	case s.b.tempFail > 0:
		s.b.tempFail--
		s.b.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	case s.b.permFail:
		s.b.mu.Unlock()
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "message refused"}
	case s.b.dropAfterData:
		s.b.mu.Unlock()
		s.conn.Conn().Close()
		return errors.New("hung up")
	}
	s.b.mu.Unlock()
	s.cur.data = data
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.cur.ehlo = s.conn.Hostname()
	s.b.mu.Lock()
	s.b.mails = append(s.b.mails, s.cur)
	s.b.mu.Unlock()
	s.cur = smtpRecorded{user: s.cur.user, authd: s.cur.authd}
	return nil
}

func (s *smtpRecSession) Reset()        {}
func (s *smtpRecSession) Logout() error { return nil }

// smtpTestCert makes a self-signed certificate for 127.0.0.1 and the pool
// that trusts it.
func smtpTestCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "patchbot test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

type smtpTestServer struct {
	addr string
	be   *smtpRecorder
}

// startSMTP serves be on 127.0.0.1:0: STARTTLS offered when starttls,
// TLS from the first byte when implicit, plain otherwise.
func startSMTP(t *testing.T, be *smtpRecorder, cert *tls.Certificate, implicit, allowInsecureAuth bool) smtpTestServer {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = allowInsecureAuth
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	var ln net.Listener
	var err error
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return smtpTestServer{addr: ln.Addr().String(), be: be}
}

func smtpTestReply() *Reply {
	return &Reply{
		From:       Address{Name: "patchbot", Email: "bot@patchbot.example.org"},
		To:         []Address{{Name: "Jane Dev", Email: "jane@example.org"}},
		Cc:         []Address{{Email: "netdev@vger.example.org"}, {Email: "JANE@example.org"}},
		Subject:    "Re: [PATCH net-next] net: fix a thing",
		MessageID:  "patchbot.0123456789abcdef@patchbot.example.org",
		InReplyTo:  "20260101.1-1-jane@example.org",
		References: []string{"20260101.1-1-jane@example.org"},
		Date:       time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC),
		Body:       "Hi Jane,\n\n.\nA line with a lone dot above must survive dot-stuffing.\n",
		XPatchbot:  "patchbot",
	}
}

func TestSMTPOutboxSends(t *testing.T) {
	cert, pool := smtpTestCert(t)
	tests := []struct {
		name              string
		tlsMode           string
		serverCert        bool
		implicit          bool
		allowInsecureAuth bool
		username          string
		wantTLS           bool
	}{
		{"STARTTLS with AUTH PLAIN", SMTPStartTLS, true, false, false, "bot", true},
		{"implicit TLS with AUTH PLAIN", SMTPImplicitTLS, true, true, false, "bot", true},
		{"insecure on purpose, AUTH in plain text", SMTPInsecure, false, false, true, "bot", false},
		{"STARTTLS mode to a loopback MTA without TLS", SMTPStartTLS, false, false, true, "bot", false},
		{"no AUTH when no username", SMTPStartTLS, true, false, false, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c *tls.Certificate
			if tc.serverCert {
				c = &cert
			}
			srv := startSMTP(t, &smtpRecorder{}, c, tc.implicit, tc.allowInsecureAuth)
			var logs bytes.Buffer
			ob, err := NewSMTPOutbox(SMTPOptions{
				Addr: srv.addr, TLS: tc.tlsMode, TLSConfig: &tls.Config{RootCAs: pool},
				Username: tc.username, Password: smtpTestPassword, LocalName: "bot.example.org",
				Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			if err != nil {
				t.Fatal(err)
			}
			r := smtpTestReply()
			if err := ob.Send(context.Background(), r); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.be.got()
			if len(got) != 1 {
				t.Fatalf("server got %d mails, want 1", len(got))
			}
			m := got[0]
			if m.from != "bot@patchbot.example.org" {
				t.Errorf("MAIL FROM %q", m.from)
			}
			if strings.Join(m.to, ",") != "jane@example.org,netdev@vger.example.org" {
				t.Errorf("RCPT TO %v (the Cc duplicate of the author must go)", m.to)
			}
			if m.tls != tc.wantTLS {
				t.Errorf("TLS %v, want %v", m.tls, tc.wantTLS)
			}
			if m.authd != (tc.username != "") {
				t.Errorf("authenticated %v, want %v", m.authd, tc.username != "")
			}
			if m.ehlo != "bot.example.org" {
				t.Errorf("EHLO %q, want the LocalName", m.ehlo)
			}
			if !bytes.Equal(m.data, r.Bytes()) {
				t.Errorf("server got\n%q\nwant\n%q", m.data, r.Bytes())
			}
			if strings.Contains(logs.String(), smtpTestPassword) {
				t.Errorf("password in the log: %s", logs.String())
			}
			if !strings.Contains(logs.String(), "reply sent") {
				t.Errorf("no log line for the reply: %q", logs.String())
			}
		})
	}
}

func TestSMTPOutboxFailures(t *testing.T) {
	cert, pool := smtpTestCert(t)
	// A server that accepts connections and never says a word.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	tests := []struct {
		name     string
		addr     func(t *testing.T) string
		opts     SMTPOptions
		want     string
		maxDelay time.Duration
	}{
		{"wrong password", func(t *testing.T) string { return startSMTP(t, &smtpRecorder{}, &cert, false, false).addr },
			SMTPOptions{TLS: SMTPStartTLS, TLSConfig: &tls.Config{RootCAs: pool}, Username: "bot", Password: "wrong-" + smtpTestPassword},
			"AUTH PLAIN as \"bot\"", 0},
		{"untrusted certificate", func(t *testing.T) string { return startSMTP(t, &smtpRecorder{}, &cert, false, false).addr },
			SMTPOptions{TLS: SMTPStartTLS, Username: "bot", Password: smtpTestPassword},
			"certificate", 0},
		{"untrusted certificate, implicit TLS", func(t *testing.T) string { return startSMTP(t, &smtpRecorder{}, &cert, true, false).addr },
			SMTPOptions{TLS: SMTPImplicitTLS, Username: "bot", Password: smtpTestPassword},
			"certificate", 0},
		{"rejected recipient is named", func(t *testing.T) string {
			return startSMTP(t, &smtpRecorder{rejectTo: "netdev@vger.example.org"}, &cert, false, false).addr
		},
			SMTPOptions{TLS: SMTPStartTLS, TLSConfig: &tls.Config{RootCAs: pool}, Username: "bot", Password: smtpTestPassword},
			"RCPT TO <netdev@vger.example.org>", 0},
		{"username but no AUTH offered", func(t *testing.T) string { return startSMTP(t, &smtpRecorder{}, nil, false, false).addr },
			// go-smtp offers AUTH only over TLS unless AllowInsecureAuth.
			SMTPOptions{TLS: SMTPStartTLS, Username: "bot", Password: smtpTestPassword},
			"offers no AUTH", 0},
		{"nobody listening", func(t *testing.T) string { return closedAddr },
			SMTPOptions{TLS: SMTPStartTLS},
			"connect", 0},
		{"silent server times out", func(t *testing.T) string { return silent.Addr().String() },
			SMTPOptions{TLS: SMTPImplicitTLS, TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 300 * time.Millisecond},
			"deadline exceeded", 3 * time.Second},
		{"silent server, STARTTLS", func(t *testing.T) string { return silent.Addr().String() },
			SMTPOptions{TLS: SMTPStartTLS, Timeout: 300 * time.Millisecond},
			"deadline exceeded", 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Addr = tc.addr(t)
			var logs bytes.Buffer
			opts.Log = slog.New(slog.NewTextHandler(&logs, nil))
			ob, err := NewSMTPOutbox(opts)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = ob.Send(context.Background(), smtpTestReply())
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error()+logs.String(), smtpTestPassword) {
				t.Errorf("password leaked: %v / %s", err, logs.String())
			}
			if tc.maxDelay > 0 && time.Since(start) > tc.maxDelay {
				t.Errorf("took %v, want under %v", time.Since(start), tc.maxDelay)
			}
		})
	}
}

func TestSMTPOutboxCanceledContext(t *testing.T) {
	srv := startSMTP(t, &smtpRecorder{}, nil, false, true)
	ob, err := NewSMTPOutbox(SMTPOptions{Addr: srv.addr, TLS: SMTPInsecure})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ob.Send(ctx, smtpTestReply()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(srv.be.got()); n != 0 {
		t.Errorf("%d mails sent after cancel", n)
	}
}

func TestSMTPOptionsNeverPrintThePassword(t *testing.T) {
	o := SMTPOptions{Addr: "mail.example.org:587", Username: "bot", Password: smtpTestPassword}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "smtp", o)
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%+v", o), fmt.Sprintf("%#v", o), fmt.Sprintf("%s", o), logs.String()} {
		if strings.Contains(s, smtpTestPassword) {
			t.Errorf("password printed: %s", s)
		}
	}
}

func TestNewSMTPOutboxErrors(t *testing.T) {
	if _, err := NewSMTPOutbox(SMTPOptions{Addr: "mail.example.org:25", TLS: SMTPInsecure, Insecure: true}); err != nil {
		t.Errorf("insecure to a remote host with Insecure set: %v", err)
	}
	if _, err := NewSMTPOutbox(SMTPOptions{Addr: "[::1]:25", TLS: SMTPInsecure}); err != nil {
		t.Errorf("insecure to loopback: %v", err)
	}
	tests := []struct {
		name string
		opts SMTPOptions
		want string
	}{
		{"no port", SMTPOptions{Addr: "mail.example.org"}, "host:port"},
		{"bad tls mode", SMTPOptions{Addr: "mail.example.org:587", TLS: "ssl"}, "TLS mode \"ssl\""},
		{"plain text to a remote host", SMTPOptions{Addr: "mail.example.org:25", TLS: SMTPInsecure}, "clear text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSMTPOutbox(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSMTPIsLoopback(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true}, {"127.1.2.3", true}, {"::1", true}, {"localhost", true}, {"LOCALHOST", true},
		{"192.0.2.1", false}, {"mail.example.org", false}, {"localhost.example.org", false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			if got := smtpIsLoopback(tc.host); got != tc.want {
				t.Errorf("smtpIsLoopback(%q) = %v", tc.host, got)
			}
		})
	}
}

// TestSMTPOutboxRefusesPlainTextToRemoteHosts pretends the loopback test
// server is a remote host (the outbox decides by the configured host name)
// and checks that STARTTLS mode never falls back to plain text for it.
func TestSMTPOutboxRefusesPlainTextToRemoteHosts(t *testing.T) {
	srv := startSMTP(t, &smtpRecorder{}, nil, false, true)
	tests := []struct {
		name     string
		mode     string
		username string
		want     string
	}{
		{"STARTTLS mode, server without STARTTLS", SMTPStartTLS, "", "STARTTLS"},
		{"STARTTLS mode with a password", SMTPStartTLS, "bot", "STARTTLS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ob, err := NewSMTPOutbox(SMTPOptions{Addr: srv.addr, TLS: tc.mode, Username: tc.username, Password: smtpTestPassword})
			if err != nil {
				t.Fatal(err)
			}
			ob.host = "mail.example.org"
			err = ob.Send(context.Background(), smtpTestReply())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a refusal mentioning %q", err, tc.want)
			}
			if n := len(srv.be.got()); n != 0 {
				t.Errorf("%d mails went out in plain text", n)
			}
		})
	}
}

// A 451 is a refusal for now: the reply is sent again after the retry
// delay, and once. A 550 is final: one attempt, ErrRejected. A server
// that hangs up after the whole message, without an answer, may have
// taken it: one attempt, ErrMaybeSent, never a second send.
func TestSMTPOutboxRetries(t *testing.T) {
	cert, pool := smtpTestCert(t)
	tests := []struct {
		name         string
		be           *smtpRecorder
		wantErr      error
		wantAttempts int
		wantMails    int
	}{
		{"451 once, then sent", &smtpRecorder{tempFail: 1}, nil, 2, 1},
		{"451 more often than the retries", &smtpRecorder{tempFail: 10}, nil, 3, 0},
		{"550 is final", &smtpRecorder{permFail: true}, ErrRejected, 1, 0},
		{"hung up after the message", &smtpRecorder{dropAfterData: true}, ErrMaybeSent, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.be, &cert, false, false)
			var logs bytes.Buffer
			ob, err := NewSMTPOutbox(SMTPOptions{Addr: srv.addr, TLS: SMTPStartTLS, TLSConfig: &tls.Config{RootCAs: pool},
				Username: "bot", Password: smtpTestPassword, RetryDelays: []time.Duration{10 * time.Millisecond, 20 * time.Millisecond},
				Log: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			err = ob.Send(context.Background(), smtpTestReply())
			switch {
			case tc.wantMails == 1 && err != nil:
				t.Errorf("Send: %v, want it sent", err)
			case tc.wantMails == 0 && err == nil:
				t.Errorf("Send succeeded, want an error")
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("Send: %v, want %v", err, tc.wantErr)
			case tc.wantErr == nil && (errors.Is(err, ErrRejected) || errors.Is(err, ErrMaybeSent)):
				t.Errorf("Send: %v, want a transient failure", err)
			}
			tc.be.mu.Lock()
			attempts := tc.be.attempts
			tc.be.mu.Unlock()
			if attempts != tc.wantAttempts || len(tc.be.got()) != tc.wantMails {
				t.Errorf("%d attempts, %d mails taken; want %d, %d", attempts, len(tc.be.got()), tc.wantAttempts, tc.wantMails)
			}
			if tc.wantAttempts > 1 && !strings.Contains(logs.String(), "retrying") {
				t.Errorf("retries not logged:\n%s", logs.String())
			}
		})
	}
}
