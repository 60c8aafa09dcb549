package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirOutboxWritesOneFilePerReply(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox", "new")
	var logs bytes.Buffer
	ob := &DirOutbox{Dir: dir, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	r := smtpTestReply()
	ctx := context.Background()
	if err := ob.Send(ctx, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "patchbot.0123456789abcdef@patchbot.example.org.eml")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reply file: %v", err)
	}
	if !bytes.Equal(got, r.Bytes()) {
		t.Errorf("file holds\n%s\nwant\n%s", got, r.Bytes())
	}
	r.Body = "second version\n"
	if err := ob.Send(ctx, r); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want the one reply file (no temporary files left)", names)
	}
	if got, _ := os.ReadFile(path); !bytes.Contains(got, []byte("second version")) {
		t.Errorf("resending did not replace the file")
	}
	if !strings.Contains(logs.String(), "dry run") || !strings.Contains(logs.String(), path) {
		t.Errorf("log %q does not say where the dry-run reply went", logs.String())
	}
}

func TestDirOutboxErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		dir  string
		id   string
		want string
	}{
		{"no Message-ID", context.Background(), t.TempDir(), "", "no Message-ID"},
		{"directory is a file", context.Background(), filepath.Join(file, "sub"), "a@b", "create"},
		{"canceled", canceled, t.TempDir(), "a@b", context.Canceled.Error()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := smtpTestReply()
			r.MessageID = tc.id
			err := (&DirOutbox{Dir: tc.dir, Log: slog.New(slog.DiscardHandler)}).Send(tc.ctx, r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if tc.name == "canceled" && !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
}

func TestDirOutboxFileName(t *testing.T) {
	tests := []struct {
		name, id, want string
	}{
		{"derived id", "patchbot.0123456789abcdef@bot.example.org", "patchbot.0123456789abcdef@bot.example.org.eml"},
		{"brackets dropped", "<a@b>", "a@b.eml"},
		{"slash cannot make a path", "ZC72UKx/sA4syPfK@kbusch-mbp.dhcp.thefacebook.com", "ZC72UKx_sA4syPfK@kbusch-mbp.dhcp.thefacebook.com.eml"},
		{"dot-dot cannot climb", "../../etc/passwd", "_._.._etc_passwd.eml"},
		{"leading dot hides nothing", ".hidden@x", "_hidden@x.eml"},
		{"empty", " ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DirOutboxFileName(tc.id); got != tc.want {
				t.Errorf("DirOutboxFileName(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
}
