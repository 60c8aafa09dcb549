package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWatchCommandErrors(t *testing.T) {
	dir := t.TempDir()
	noIMAP := filepath.Join(dir, "no-imap.toml")
	if err := os.WriteFile(noIMAP, []byte("[state]\ndir = \"state\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badKey := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(badKey, []byte("[imap]\nadress = \"x:993\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unsetEnv := filepath.Join(dir, "unset-env.toml")
	if err := os.WriteFile(unsetEnv, []byte("[state]\ndir = \"state\"\n[imap]\naddr = \"127.0.0.1:1\"\nusername = \"bot\"\npassword_env = \"PATCHBOT_TEST_UNSET_PASSWORD\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no config", []string{"watch"}, "watch needs a configuration"},
		{"missing file", []string{"watch", "-config", filepath.Join(dir, "none.toml")}, "read config"},
		{"unknown key", []string{"watch", "-config", badKey}, "adress"},
		{"no imap server", []string{"watch", "-config", noIMAP}, "set [imap] addr"},
		{"password variable unset", []string{"watch", "-config", unsetEnv}, "PATCHBOT_TEST_UNSET_PASSWORD is not set"},
		{"stray argument", []string{"watch", "x"}, "watch takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errw)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(errw.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errw.String())
			}
		})
	}
}
