package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
)

// IMAP transport security modes for IMAPConfig.TLS.
const (
	// IMAPTLSImplicit is TLS from the first byte (imaps, port 993).
	IMAPTLSImplicit = "implicit"
	// IMAPTLSStartTLS upgrades a plaintext connection with STARTTLS
	// (port 143); the default.
	IMAPTLSStartTLS = "starttls"
	// IMAPTLSInsecure is plaintext all the way, password included. It is
	// refused unless the server is on a loopback address or Insecure is set.
	IMAPTLSInsecure = "insecure"
)

// Defaults applied by IMAPConfig.withDefaults.
const (
	defaultIMAPPollInterval = time.Minute
	defaultIMAPMinBackoff   = time.Second
	defaultIMAPMaxBackoff   = 2 * time.Minute
	defaultIMAPMailbox      = "INBOX"
	defaultIMAPTimeout      = time.Minute
)

// IMAPConfig says which IMAP mailbox the list bot watches and how to reach
// it. Password is never logged: the type renders itself without it through
// String, GoString and LogValue.
type IMAPConfig struct {
	// Addr is host:port of the server.
	Addr string
	// TLS is IMAPTLSImplicit, IMAPTLSStartTLS (the default when empty) or
	// IMAPTLSInsecure.
	TLS string
	// TLSConfig, when set, is used for the TLS handshake (tests set RootCAs
	// to trust a self-signed certificate). ServerName defaults to Addr's host.
	TLSConfig *tls.Config
	// Insecure allows TLS = "insecure" to a host that is not a loopback
	// address. Without it such a configuration is refused.
	Insecure bool
	// Dial, when set, opens the TCP connection to Addr instead of a
	// net.Dialer (a SOCKS proxy, a test that stands in for a remote host).
	// TLS, when configured, is still done on top of it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Username is the login name.
	Username string
	// Password is resolved by the caller (from the environment or a file).
	// It is sent in LOGIN and appears nowhere else: not in logs, not in
	// errors.
	Password string
	// Mailbox is the mailbox to watch; "INBOX" when empty.
	Mailbox string
	// ReadOnly opens the mailbox with EXAMINE instead of SELECT, for
	// read-only servers such as lore's public-inbox IMAP. Flags never change
	// either way: the watcher fetches with BODY.PEEK.
	ReadOnly bool
	// PollInterval is how often the watcher stops IDLE and asks the server
	// directly (NOOP + UID SEARCH), because IDLE can die silently. One
	// minute when zero.
	PollInterval time.Duration
	// Alive, when set, is called each time the watcher has heard from
	// the server: the mailbox opened, a wait ended by the server's news
	// or a NOOP's answer. systemd's watchdog is fed from it.
	Alive func()
	// DisableIdle makes the watcher poll only, for servers or proxies whose
	// IDLE is broken. Servers without IDLE are polled anyway.
	DisableIdle bool
	// Since, on the first run for a mailbox (no saved state), makes the
	// watcher deliver mail with an internal date on or after this day
	// (IMAP SEARCH SINCE has day granularity). When zero the first run
	// starts at "now": only mail arriving after it is delivered.
	Since time.Time
	// MinBackoff and MaxBackoff bound the jittered exponential delay
	// between reconnection attempts: 1s and 2m when zero.
	MinBackoff, MaxBackoff time.Duration
	// Timeout is how long the watcher waits for the server to answer a
	// command (ten times as long for fetching one mail) before it declares
	// the connection dead and reconnects. One minute when zero.
	Timeout time.Duration
}

// withDefaults returns a copy with the zero fields filled in.
func (c IMAPConfig) withDefaults() IMAPConfig {
	if c.TLS == "" {
		c.TLS = IMAPTLSStartTLS
	}
	if c.Mailbox == "" {
		c.Mailbox = defaultIMAPMailbox
	}
	if c.PollInterval <= 0 {
		c.PollInterval = defaultIMAPPollInterval
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = defaultIMAPMinBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = defaultIMAPMaxBackoff
	}
	if c.Timeout <= 0 {
		c.Timeout = defaultIMAPTimeout
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	return c
}

// Validate reports configuration mistakes a user can fix, each saying how.
// It applies the same defaults as the watcher before checking.
func (c IMAPConfig) Validate() error {
	c = c.withDefaults()
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" {
		return fmt.Errorf("imap addr %q: want host:port, e.g. imap.example.org:993", c.Addr)
	}
	if c.Username == "" {
		return fmt.Errorf("imap username is empty: set the login name of the mailbox")
	}
	switch c.TLS {
	case IMAPTLSImplicit, IMAPTLSStartTLS:
	case IMAPTLSInsecure:
		if !c.Insecure && !isLoopbackHost(host) {
			return fmt.Errorf("imap tls = %q to %s would send the password in clear text: "+
				"use tls = %q or %q, or set insecure = true if you really mean it",
				c.TLS, host, IMAPTLSImplicit, IMAPTLSStartTLS)
		}
	default:
		return fmt.Errorf("imap tls %q: want %q, %q or %q", c.TLS, IMAPTLSImplicit, IMAPTLSStartTLS, IMAPTLSInsecure)
	}
	return nil
}

// isLoopbackHost reports whether host names the local machine without a DNS
// look-up: "localhost" or a loopback IP literal.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// stateKey is the UIDStore key of the watched mailbox: "server/mailbox".
func (c IMAPConfig) stateKey() string {
	return c.Addr + "/" + c.Mailbox
}

// String renders the configuration for humans, without the password.
func (c IMAPConfig) String() string {
	return fmt.Sprintf("imap://%s@%s/%s (tls=%s read-only=%t)", c.Username, c.Addr, c.Mailbox, c.TLS, c.ReadOnly)
}

// GoString keeps %#v from printing the password.
func (c IMAPConfig) GoString() string { return "mail.IMAPConfig{" + c.String() + "}" }

// LogValue renders the configuration for log/slog, without the password.
func (c IMAPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("user", c.Username),
		slog.String("mailbox", c.Mailbox),
		slog.String("tls", c.TLS),
		slog.Bool("read_only", c.ReadOnly),
	)
}
