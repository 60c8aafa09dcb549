package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// imapDialTimeout bounds the TCP connect and the TLS handshake.
const imapDialTimeout = 30 * time.Second

// imapConn is a logged-in IMAP client under a supervisor: go-imap has no
// context, so a goroutine closes the network connection when ctx is done,
// which fails whatever command is blocked on it.
type imapConn struct {
	*imapclient.Client
	raw     net.Conn
	release func()
}

// guard closes the connection unless the returned stop is called within d.
// go-imap waits for replies without a deadline, so a server that vanished
// without closing the connection would otherwise hang the watcher until
// TCP keepalive gave up, minutes later.
func (c *imapConn) guard(d time.Duration) (stop func() bool) {
	return time.AfterFunc(d, func() { _ = c.raw.Close() }).Stop
}

// close logs out politely when the connection still works, then closes it
// and ends the supervisor.
func (c *imapConn) close() {
	select {
	case <-c.Closed():
	default:
		done := make(chan struct{})
		go func() {
			_ = c.Logout().Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	_ = c.Client.Close()
	c.release()
}

// dialIMAP connects to cfg.Addr with the configured transport security and
// logs in. Errors never contain the password.
func dialIMAP(ctx context.Context, cfg IMAPConfig, opts *imapclient.Options) (*imapConn, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	tlsConfig := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	o := imapclient.Options{}
	if opts != nil {
		o = *opts
	}
	o.TLSConfig = tlsConfig

	dctx, cancelDial := context.WithTimeout(ctx, imapDialTimeout)
	defer cancelDial()
	dial := cfg.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	raw, err := dial(dctx, "tcp", cfg.Addr)
	if err == nil && cfg.TLS == IMAPTLSImplicit {
		if tlsConfig.NextProtos == nil {
			tlsConfig.NextProtos = []string{"imap"}
		}
		tc := tls.Client(raw, tlsConfig)
		if err = tc.HandshakeContext(dctx); err != nil {
			_ = raw.Close()
		}
		raw = tc
	}
	if err != nil {
		return nil, fmt.Errorf("connect to IMAP server %s: %w", cfg.Addr, err)
	}

	stop := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(stop) }) }
	go func() {
		select {
		case <-ctx.Done():
			_ = raw.Close()
		case <-stop:
		}
	}()

	// The greeting, STARTTLS and LOGIN get one Timeout together.
	var expired atomic.Bool
	handshake := time.AfterFunc(cfg.Timeout, func() {
		expired.Store(true)
		_ = raw.Close()
	})
	defer handshake.Stop()
	fail := func(what string, err error) (*imapConn, error) {
		_ = raw.Close()
		release()
		switch {
		case ctx.Err() != nil:
			err = errors.Join(ctx.Err(), err)
		case expired.Load():
			err = fmt.Errorf("no answer within %v: %w", cfg.Timeout, err)
		}
		return nil, fmt.Errorf("%s %s: %w", what, cfg.Addr, err)
	}

	var client *imapclient.Client
	if cfg.TLS == IMAPTLSStartTLS {
		client, err = imapclient.NewStartTLS(raw, &o)
		if err != nil {
			return fail("STARTTLS with IMAP server", err)
		}
	} else {
		client = imapclient.New(raw, &o)
		if err := client.WaitGreeting(); err != nil {
			_ = client.Close()
			return fail("read greeting of IMAP server", err)
		}
	}
	if err := client.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		_ = client.Close()
		return fail(fmt.Sprintf("log in as %q to IMAP server", cfg.Username), err)
	}
	handshake.Stop()
	if expired.Load() {
		_ = client.Close()
		return fail("log in to IMAP server", errors.New("connection closed"))
	}
	return &imapConn{Client: client, raw: raw, release: release}, nil
}

// imapConfigError reports errors that point at the configuration rather
// than at the network: a NO or BAD from the server (wrong password, no such
// mailbox) or a certificate that does not verify.
func imapConfigError(err error) bool {
	var ie *imap.Error
	var cv *tls.CertificateVerificationError
	return errors.As(err, &ie) || errors.As(err, &cv)
}

// imapHasIdle reports whether the server announced IDLE (directly or as
// part of IMAP4rev2).
func imapHasIdle(c *imapclient.Client) bool {
	caps := c.Caps()
	return caps.Has(imap.CapIdle) || caps.Has(imap.CapIMAP4rev2)
}
