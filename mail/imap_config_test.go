package mail

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/imaptest"
)

func TestIMAPConfigValidate(t *testing.T) {
	cases := []struct {
		name    string
		cfg     IMAPConfig
		wantErr string // substring; "" means valid
	}{
		{"starttls is the default", IMAPConfig{Addr: "imap.example.org:143", Username: "bot"}, ""},
		{"implicit TLS", IMAPConfig{Addr: "imap.example.org:993", TLS: "implicit", Username: "bot"}, ""},
		{"plaintext to 127.0.0.1", IMAPConfig{Addr: "127.0.0.1:143", TLS: "insecure", Username: "bot"}, ""},
		{"plaintext to localhost", IMAPConfig{Addr: "localhost:143", TLS: "insecure", Username: "bot"}, ""},
		{"plaintext to ::1", IMAPConfig{Addr: "[::1]:143", TLS: "insecure", Username: "bot"}, ""},
		{"plaintext to a remote host when explicitly allowed",
			IMAPConfig{Addr: "imap.example.org:143", TLS: "insecure", Insecure: true, Username: "bot"}, ""},
		{"plaintext to a remote host refused, saying how to fix it",
			IMAPConfig{Addr: "imap.example.org:143", TLS: "insecure", Username: "bot"}, "set insecure = true"},
		{"plaintext to a remote IP refused",
			IMAPConfig{Addr: "192.0.2.7:143", TLS: "insecure", Username: "bot"}, "clear text"},
		{"a name that merely starts with localhost is remote",
			IMAPConfig{Addr: "localhost.example.org:143", TLS: "insecure", Username: "bot"}, "clear text"},
		{"unknown TLS mode", IMAPConfig{Addr: "imap.example.org:993", TLS: "ssl", Username: "bot"}, `want "implicit"`},
		{"address without port", IMAPConfig{Addr: "imap.example.org", Username: "bot"}, "want host:port"},
		{"no username", IMAPConfig{Addr: "imap.example.org:993"}, "username is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Validate() = nil, want an error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("Validate() = %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestIMAPPlaintextToRemoteHostRefused(t *testing.T) {
	// 192.0.2.0/24 is TEST-NET-1: were it dialled, the test would hang.
	cfg := IMAPConfig{Addr: "192.0.2.7:143", TLS: IMAPTLSInsecure, Username: "bot", Password: "x"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	calls := []struct {
		name string
		run  func() error
	}{
		{"WatchIMAP", func() error {
			return WatchIMAP(ctx, cfg, newMemUIDStore(), nil, func(context.Context, uint32, []byte) error { return nil })
		}},
		{"AppendDraft", func() error { return AppendDraft(ctx, cfg, "Drafts", testMail("draft", 1)) }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil || !strings.Contains(err.Error(), "clear text") {
				t.Fatalf("got %v, want the plaintext refusal", err)
			}
			if ctx.Err() != nil {
				t.Fatal("refusal took until the deadline: the host was dialled")
			}
		})
	}
}

// TestIMAPPasswordNeverDisclosed renders the configuration every way a
// caller might log it, and runs a failing login and a working session with
// all log output captured: the password must appear nowhere.
func TestIMAPPasswordNeverDisclosed(t *testing.T) {
	s := imaptest.Start(t)
	cfg := fastConfig(IMAPConfig{Addr: s.Addr, TLS: IMAPTLSInsecure, Username: s.User, Password: s.Password})
	log, logged := logSink(t, s.Password)

	t.Run("formatting the configuration", func(t *testing.T) {
		log.Info("config", "cfg", cfg)
		log.Info("config", slog.Any("cfg", &cfg))
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if out := fmt.Sprintf(verb, cfg); strings.Contains(out, s.Password) {
				t.Errorf("%s renders the password: %s", verb, out)
			}
		}
		if !strings.Contains(logged(), "user="+s.User) {
			t.Errorf("LogValue dropped the useful fields: %s", logged())
		}
	})
	t.Run("rejected login on the first attempt", func(t *testing.T) {
		bad := cfg
		bad.Password = s.Password + "-wrong"
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := WatchIMAP(ctx, bad, newMemUIDStore(), log, func(context.Context, uint32, []byte) error { return nil })
		if err == nil || ctx.Err() != nil {
			t.Fatalf("WatchIMAP with a wrong password = %v (ctx %v), want a prompt login error", err, ctx.Err())
		}
		if strings.Contains(err.Error(), s.Password) {
			t.Errorf("error discloses the password: %v", err)
		}
		if !strings.Contains(err.Error(), "log in as") {
			t.Errorf("error %q does not say that the login failed", err)
		}
	})
	t.Run("a session with a reconnection", func(t *testing.T) {
		store := newMemUIDStore()
		w := startWatch(t, cfg, store, log, false)
		waitState(t, store, cfg.withDefaults().stateKey())
		s.DropConnections()
		s.Append(inbox, testMail("secret", 1), time.Time{})
		w.expect(1, 10*time.Second)
		w.stop()
		if !strings.Contains(logged(), "reconnecting") {
			t.Errorf("no reconnection logged")
		}
	})
	t.Run("a failed draft", func(t *testing.T) {
		bad := cfg
		bad.Password = s.Password + "-wrong"
		err := AppendDraft(context.Background(), bad, "Drafts", testMail("draft", 1))
		if err == nil || strings.Contains(err.Error(), s.Password) {
			t.Errorf("AppendDraft with a wrong password = %v", err)
		}
	})
	// logSink's cleanup checks the whole log for the password.
}
