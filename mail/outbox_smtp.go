package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP transport security modes for SMTPOptions.TLS.
const (
	// SMTPImplicitTLS is TLS from the first byte (submissions, port 465).
	SMTPImplicitTLS = "implicit"
	// SMTPStartTLS upgrades with STARTTLS before AUTH (submission, port
	// 587); the default. A server without STARTTLS is refused unless it
	// is on a loopback address (a local MTA).
	SMTPStartTLS = "starttls"
	// SMTPInsecure never encrypts: password and mail cross the network in
	// plain text. It is refused unless the server is on a loopback address
	// or SMTPOptions.Insecure is set.
	SMTPInsecure = "insecure"
)

// smtpDefaultTimeout bounds the whole of one Send when the context has no
// earlier deadline.
const smtpDefaultTimeout = 2 * time.Minute

// SMTPOptions configures an SMTPOutbox. Password is never logged: the
// type renders itself without it through String, GoString and LogValue.
type SMTPOptions struct {
	// Addr is host:port of the submission server.
	Addr string
	// TLS is SMTPStartTLS (when empty), SMTPImplicitTLS or SMTPInsecure.
	TLS string
	// Insecure allows TLS = SMTPInsecure to a host that is not a loopback
	// address.
	Insecure bool
	// Dial, when set, opens the TCP connection to Addr instead of a
	// net.Dialer (a SOCKS proxy, a test that stands in for a remote host).
	// TLS, when configured, is still done on top of it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig, when set, is used for the handshake (tests trust a
	// self-signed certificate through RootCAs). ServerName defaults to
	// Addr's host.
	TLSConfig *tls.Config
	// Username and Password, when Username is set, authenticate with
	// AUTH PLAIN, and only over TLS or to a loopback address.
	Username string
	Password string
	// LocalName is the name given in EHLO; "localhost" when empty.
	// With STARTTLS it is given in the EHLO after the upgrade.
	LocalName string
	// Timeout bounds one attempt of a Send; 2 minutes when zero.
	Timeout time.Duration
	// RetryDelays are the waits before the attempts after the first, when
	// one failed in a way another may not: a 4xx answer, or a connection
	// lost or timed out before the message was handed over. None (the
	// default) means one attempt. A 5xx answer (ErrRejected), a message
	// handed over without an answer (ErrMaybeSent) and a certificate or
	// configuration problem are never retried.
	RetryDelays []time.Duration
	// Log receives one line per reply sent; slog.Default() when nil.
	Log *slog.Logger
}

// String describes the options without the password.
func (o SMTPOptions) String() string {
	pw := ""
	if o.Password != "" {
		pw = " password=<redacted>"
	}
	return fmt.Sprintf("smtp addr=%s tls=%s username=%q%s", o.Addr, o.tlsMode(), o.Username, pw)
}

// GoString is String, so that %#v does not print the password either.
func (o SMTPOptions) GoString() string { return "mail.SMTPOptions{" + o.String() + "}" }

// LogValue logs the options without the password.
func (o SMTPOptions) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", o.Addr), slog.String("tls", o.tlsMode()), slog.String("username", o.Username))
}

func (o SMTPOptions) tlsMode() string {
	if o.TLS == "" {
		return SMTPStartTLS
	}
	return o.TLS
}

// SMTPOutbox sends replies through an SMTP submission server with
// go-smtp, one connection per reply.
type SMTPOutbox struct {
	opts SMTPOptions
	host string
}

// NewSMTPOutbox checks opts and returns the outbox.
func NewSMTPOutbox(opts SMTPOptions) (*SMTPOutbox, error) {
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("smtp outbox: address %q is not host:port (e.g. mail.example.org:587)", opts.Addr)
	}
	switch opts.tlsMode() {
	case SMTPImplicitTLS, SMTPStartTLS, SMTPInsecure:
	default:
		return nil, fmt.Errorf("smtp outbox: TLS mode %q: use %q, %q or %q", opts.TLS, SMTPImplicitTLS, SMTPStartTLS, SMTPInsecure)
	}
	if opts.tlsMode() == SMTPInsecure && !opts.Insecure && !smtpIsLoopback(host) {
		return nil, fmt.Errorf("smtp outbox: TLS mode %q to %s would send the password and mail in clear text: use %q or %q, or set insecure if you really mean it", SMTPInsecure, host, SMTPStartTLS, SMTPImplicitTLS)
	}
	return &SMTPOutbox{opts: opts, host: host}, nil
}

// Send submits r: envelope sender r.From, recipients r.Recipients(). It
// returns nil only once the server accepted the message; see RetryDelays
// for what is tried again, and ErrRejected and ErrMaybeSent for what the
// caller must not try again.
func (o *SMTPOutbox) Send(ctx context.Context, r *Reply) error {
	rcpts := r.Recipients()
	if len(rcpts) == 0 {
		return fmt.Errorf("smtp: reply <%s> has no recipients", r.MessageID)
	}
	if !replyValidEmail(r.From.Email) {
		return fmt.Errorf("smtp: reply <%s>: sender %q is not a mail address", r.MessageID, r.From.Email)
	}
	for attempt := 0; ; attempt++ {
		err := o.attempt(ctx, r, rcpts)
		if err == nil {
			o.log().InfoContext(ctx, "reply sent", "smtp", o.opts, "msgid", r.MessageID, "in_reply_to", r.InReplyTo,
				"recipients", len(rcpts), "attempts", attempt+1)
			return nil
		}
		var f *smtpFailure
		if !errors.As(err, &f) || !f.transient || attempt >= len(o.opts.RetryDelays) || ctx.Err() != nil {
			return err
		}
		wait := o.opts.RetryDelays[attempt]
		o.log().WarnContext(ctx, "smtp send failed; retrying", "smtp", o.opts, "msgid", r.MessageID, "err", err,
			"attempt", attempt+1, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

// smtpFailure is a failed attempt: transient says another may succeed.
type smtpFailure struct {
	err       error
	transient bool
}

func (f *smtpFailure) Error() string { return f.err.Error() }
func (f *smtpFailure) Unwrap() error { return f.err }

// attempt is one connection's try at submitting r.
func (o *SMTPOutbox) attempt(ctx context.Context, r *Reply, rcpts []string) error {
	timeout := o.opts.Timeout
	if timeout <= 0 {
		timeout = smtpDefaultTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	c, release, err := o.dial(actx)
	if err != nil {
		if actx.Err() != nil {
			err = errors.Join(actx.Err(), err)
		}
		return &smtpFailure{fmt.Errorf("smtp %s: %w", o.opts.Addr, err), smtpTransient(err)}
	}
	defer release()

	handedOver, err := o.submit(c, r, rcpts)
	if err == nil {
		return nil
	}
	if actx.Err() != nil {
		err = errors.Join(actx.Err(), err)
	}
	err = fmt.Errorf("smtp %s: send reply <%s>: %w", o.opts.Addr, r.MessageID, err)
	var se *smtp.SMTPError
	switch {
	case errors.As(err, &se) && se.Code >= 500:
		return &smtpFailure{fmt.Errorf("%w: %w", ErrRejected, err), false}
	case errors.As(err, &se):
		// 4xx: the server did not take the message, for now.
		return &smtpFailure{err, true}
	case handedOver:
		return &smtpFailure{fmt.Errorf("%w: %w", ErrMaybeSent, err), false}
	}
	return &smtpFailure{err, smtpTransient(err)}
}

// smtpLocalError is a refusal of patchbot's own (a password that would go
// out in clear text): trying again changes nothing.
type smtpLocalError struct{ msg string }

func (e *smtpLocalError) Error() string { return e.msg }

// smtpTransient reports a failure another attempt may not meet: a
// connection refused, reset, lost or timed out, or a 4xx answer; not a
// certificate that does not verify, a 5xx or a refusal of patchbot's own.
func smtpTransient(err error) bool {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code < 500
	}
	var local *smtpLocalError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &local), errors.As(err, &unknownCA), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &verify):
		return false
	}
	return true
}

// dial returns a greeted session and the function that ends it.
func (o *SMTPOutbox) dial(ctx context.Context) (*smtp.Client, func(), error) {
	mode := o.opts.tlsMode()
	if mode == SMTPStartTLS && smtpIsLoopback(o.host) {
		// A local MTA may lack STARTTLS, and plain text to it is fine;
		// ask first, since go-smtp's STARTTLS client gives up the
		// connection when the extension is missing.
		c, release, err := o.connect(ctx, false)
		if err != nil {
			return nil, nil, err
		}
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return c, release, nil
		}
		release()
	}
	return o.connect(ctx, mode == SMTPStartTLS)
}

// connect opens one session: TLS from the start in implicit mode,
// upgraded with STARTTLS when startTLS is set, greeted with EHLO.
func (o *SMTPOutbox) connect(ctx context.Context, startTLS bool) (*smtp.Client, func(), error) {
	tlsConf := o.tlsConfig()
	dial := o.opts.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(ctx, "tcp", o.opts.Addr)
	if err == nil && o.opts.tlsMode() == SMTPImplicitTLS {
		tc := tls.Client(conn, tlsConf)
		if err = tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
		}
		conn = tc
	}
	if err != nil {
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	// go-smtp has no context and sets its own deadlines on every command:
	// closing the connection is what interrupts a silent server.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	var c *smtp.Client
	if startTLS {
		// The greeting before STARTTLS says "localhost" (go-smtp's
		// default); LocalName is given in the EHLO that follows it.
		c, err = smtp.NewClientStartTLS(conn, tlsConf)
		if err != nil {
			stop()
			conn.Close()
			return nil, nil, fmt.Errorf("STARTTLS: %w (a server without STARTTLS needs tls = \"implicit\" on port 465, or \"insecure\" if plain text is really meant)", err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	release := func() {
		stop()
		_ = c.Close()
	}
	if err := c.Hello(o.localName()); err != nil {
		release()
		return nil, nil, fmt.Errorf("EHLO: %w", err)
	}
	return c, release, nil
}

// submit sends r over c. handedOver says the whole message went to the
// server (the final "." of DATA), so that a failure since leaves its fate
// unknown.
func (o *SMTPOutbox) submit(c *smtp.Client, r *Reply, rcpts []string) (handedOver bool, err error) {
	if o.opts.Username != "" {
		_, encrypted := c.TLSConnectionState()
		if !encrypted && o.opts.tlsMode() != SMTPInsecure && !smtpIsLoopback(o.host) {
			return false, &smtpLocalError{"refusing to send the password without TLS"}
		}
		if ok, _ := c.Extension("AUTH"); !ok {
			return false, &smtpLocalError{"the server offers no AUTH, but a username is configured"}
		}
		if err := c.Auth(sasl.NewPlainClient("", o.opts.Username, o.opts.Password)); err != nil {
			return false, fmt.Errorf("AUTH PLAIN as %q: %w", o.opts.Username, err)
		}
	}
	if err := c.Mail(r.From.Email, nil); err != nil {
		return false, fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, rcpt := range rcpts {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return false, fmt.Errorf("RCPT TO <%s>: %w", rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return false, fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(r.Bytes()); err != nil {
		_ = w.Close()
		return false, fmt.Errorf("DATA: %w", err)
	}
	// Close sends the final "." and reads the server's verdict on the
	// message: an answer says whether it was taken, a lost connection
	// does not.
	if err := w.Close(); err != nil {
		return true, fmt.Errorf("DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		// The message was accepted at the end of DATA; a failed QUIT
		// does not unsend it.
		o.log().Debug("smtp QUIT failed after the message was accepted", "addr", o.opts.Addr, "err", err)
	}
	return true, nil
}

func (o *SMTPOutbox) tlsConfig() *tls.Config {
	var conf *tls.Config
	if o.opts.TLSConfig != nil {
		conf = o.opts.TLSConfig.Clone()
	} else {
		conf = &tls.Config{}
	}
	if conf.ServerName == "" {
		conf.ServerName = o.host
	}
	if conf.MinVersion == 0 {
		conf.MinVersion = tls.VersionTLS12
	}
	return conf
}

func (o *SMTPOutbox) log() *slog.Logger {
	if o.opts.Log != nil {
		return o.opts.Log
	}
	return slog.Default()
}

func (o *SMTPOutbox) localName() string {
	if o.opts.LocalName != "" {
		return o.opts.LocalName
	}
	return "localhost"
}

// smtpIsLoopback reports whether host is "localhost" or a loopback IP.
func smtpIsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
