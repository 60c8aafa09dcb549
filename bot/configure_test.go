package bot_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/bot/demo"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/internal/imaptest"
	"github.com/patchbot/patchbot/mail"
)

// redirectDialer stands in for the network: the servers "at" remote
// addresses (TEST-NET-1, RFC 5737, which is never loopback) are the
// loopback test servers. It records what the mail layer asked to dial.
type redirectDialer struct {
	mu     sync.Mutex
	to     map[string]string
	dialed []string
}

func (d *redirectDialer) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, addr)
	target := d.to[addr]
	d.mu.Unlock()
	if target == "" {
		target = "127.0.0.1:1" // nothing listens: the dial fails
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, target)
}

// insecure = true in [imap] and [smtp] must reach the mail layer: a
// plaintext server that is not on loopback is then used, and without it
// refused before any connection is made.
func TestInsecureReachesTheIMAPAndSMTPDialers(t *testing.T) {
	const (
		imapAddr = "192.0.2.10:143"
		smtpAddr = "192.0.2.11:25"
		passEnv  = "PATCHBOT_TEST_IMAP_PASSWORD"
	)
	imapSrv := imaptest.Start(t)
	smtpSrv, err := demo.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(smtpSrv.Close)
	t.Setenv(passEnv, imapSrv.Password)

	for _, insecure := range []bool{true, false} {
		name := "insecure = false is refused"
		if insecure {
			name = "insecure = true connects"
		}
		t.Run(name, func(t *testing.T) {
			d := &redirectDialer{to: map[string]string{imapAddr: imapSrv.Addr, smtpAddr: smtpSrv.Addr}}
			tr := bot.Transport{Dial: d.Dial}
			cfg := config.Defaults()
			cfg.IMAP.Addr, cfg.IMAP.TLS, cfg.IMAP.Insecure = imapAddr, config.TLSInsecure, insecure
			cfg.IMAP.Username, cfg.IMAP.PasswordEnv = imapSrv.User, passEnv
			cfg.SMTP.Addr, cfg.SMTP.TLS, cfg.SMTP.Insecure = smtpAddr, config.TLSInsecure, insecure
			cfg.SMTP.From = "patchbot <bot@patchbot.test>"
			cfg.Outbox.Mode = config.OutboxSMTP
			ctx := context.Background()
			discard := slog.New(slog.DiscardHandler)

			imapCfg, err := bot.IMAPConfig(ctx, cfg, "", tr)
			if !insecure {
				if err == nil || !strings.Contains(err.Error(), "clear text") {
					t.Errorf("IMAP: err = %v, want a refusal of clear text", err)
				}
				if _, err := bot.NewOutbox(ctx, cfg, mail.IMAPConfig{}, tr, discard); err == nil || !strings.Contains(err.Error(), "clear text") {
					t.Errorf("SMTP: err = %v, want a refusal of clear text", err)
				}
				if len(d.dialed) != 0 {
					t.Errorf("dialed %v before refusing", d.dialed)
				}
				return
			}
			if err != nil {
				t.Fatalf("IMAP: %v", err)
			}
			if _, err := mail.ReadIMAPMailbox(ctx, imapCfg, nil, func(uint32, []byte) error { return nil }); err != nil {
				t.Fatalf("IMAP: %v", err)
			}
			outbox, err := bot.NewOutbox(ctx, cfg, imapCfg, tr, discard)
			if err != nil {
				t.Fatalf("SMTP: %v", err)
			}
			r := &mail.Reply{From: mail.Address{Email: "bot@patchbot.test"}, To: []mail.Address{{Email: "ada@example.org"}},
				Subject: "Re: [PATCH] x", MessageID: "r1@patchbot.test", InReplyTo: "p1@example.org", Date: time.Now(), Body: "Hi\n"}
			if err := outbox.Send(ctx, r); err != nil {
				t.Fatalf("SMTP: %v", err)
			}
			if got := smtpSrv.Received(); len(got) != 1 {
				t.Errorf("SMTP server received %d mails, want 1", len(got))
			}
			if !strings.Contains(strings.Join(d.dialed, " "), imapAddr) || !strings.Contains(strings.Join(d.dialed, " "), smtpAddr) {
				t.Errorf("dialed %v, want both %s and %s", d.dialed, imapAddr, smtpAddr)
			}
		})
	}
}
