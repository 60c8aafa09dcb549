package config

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	private := write("private", "s3cret\n", 0o600)
	crlf := write("crlf", "s3cret\r\n", 0o600)
	spaces := write("spaces", " pass word \n\n", 0o600)
	shared := write("shared", "s3cret", 0o644)
	empty := write("empty", "\n", 0o600)
	t.Setenv("PB_TEST_SET", "fromenv\n")
	t.Setenv("PB_TEST_EMPTY", "")

	tests := []struct {
		name    string
		which   string
		imap    IMAP
		smtp    SMTP
		want    string
		wantErr string
		warn    bool
	}{
		{"none set is anonymous", SecretIMAP, IMAP{}, SMTP{}, "", "", false},
		{"from env, newline trimmed", SecretIMAP, IMAP{PasswordEnv: "PB_TEST_SET"}, SMTP{}, "fromenv", "", false},
		{"smtp from file", SecretSMTP, IMAP{}, SMTP{PasswordFile: private}, "s3cret", "", false},
		{"crlf trimmed", SecretSMTP, IMAP{}, SMTP{PasswordFile: crlf}, "s3cret", "", false},
		{"only one newline trimmed, spaces kept", SecretIMAP, IMAP{PasswordFile: spaces}, SMTP{}, " pass word \n", "", false},
		{"group-readable file works with a warning", SecretIMAP, IMAP{PasswordFile: shared}, SMTP{}, "s3cret", "", true},
		{"unset env names the variable", SecretIMAP, IMAP{PasswordEnv: "PB_TEST_UNSET"}, SMTP{}, "", "imap.password_env: environment variable PB_TEST_UNSET is not set (export PB_TEST_UNSET", false},
		{"empty env", SecretSMTP, IMAP{}, SMTP{PasswordEnv: "PB_TEST_EMPTY"}, "", "smtp.password_env: environment variable PB_TEST_EMPTY is empty", false},
		{"missing file", SecretIMAP, IMAP{PasswordFile: filepath.Join(dir, "nope")}, SMTP{}, "", "imap.password_file: cannot read", false},
		{"empty file", SecretIMAP, IMAP{PasswordFile: empty}, SMTP{}, "", "is empty", false},
		{"unknown secret", "pop3", IMAP{}, SMTP{}, "", "want \"imap\" or \"smtp\"", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			prev := slog.Default()
			slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
			t.Cleanup(func() { slog.SetDefault(prev) })

			c := &Config{IMAP: tc.imap, SMTP: tc.smtp}
			got, err := c.Secret(context.Background(), tc.which)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("secret %q, want %q", got, tc.want)
			}
			warned := strings.Contains(logs.String(), "readable by others")
			if warned != tc.warn {
				t.Errorf("warned=%v, want %v (log %q)", warned, tc.warn, logs.String())
			}
			if strings.Contains(logs.String(), "s3cret") {
				t.Errorf("the password leaked into the log: %q", logs.String())
			}
		})
	}
}
