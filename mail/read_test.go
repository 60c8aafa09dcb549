package mail

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// got is what a ReadPaths call produced, reduced to comparable strings.
type readResult struct {
	ids     []string // Message-ID, or "subject:..." when there is none
	sources []string
	errs    []string
}

func summarize(msgs []*Message, errs []error) readResult {
	var r readResult
	for _, m := range msgs {
		id := m.MessageID
		if id == "" {
			id = "subject:" + m.Subject
		}
		r.ids = append(r.ids, id)
		r.sources = append(r.sources, m.Source)
	}
	for _, e := range errs {
		r.errs = append(r.errs, e.Error())
	}
	return r
}

func TestReadPaths(t *testing.T) {
	fx := func(name string) string { return filepath.Join(fixtureDir, name) }
	missing := filepath.Join(t.TempDir(), "does-not-exist.mbox")
	tests := []struct {
		name  string
		paths []string
		stdin []byte
		want  readResult
	}{
		{
			name:  "format-patch directory: files by name, hidden skipped, no Message-ID is not an error",
			paths: []string{fx("format-patch")},
			want: readResult{
				ids: []string{"subject:[PATCH 0/2] net: example series", "subject:[PATCH 1/2] net: one", "subject:[PATCH 2/2] net: two"},
				sources: []string{
					fx("format-patch/0000-cover-letter.patch") + ":1",
					fx("format-patch/0001-net-one.patch") + ":1",
					fx("format-patch/0002-net-two.patch") + ":1",
				},
			},
		},
		{
			name:  "maildir: new/ and cur/ by name, tmp/ and hidden files skipped",
			paths: []string{fx("maildir")},
			want: readResult{
				ids:     []string{"maildir-1@example.org", "maildir-2@example.org"},
				sources: []string{fx("maildir/new/1679300001.M1P100.host"), fx("maildir/cur/1679300002.M2P100.host")},
			},
		},
		{
			name:  "stdin sniffed as mbox",
			paths: []string{"-"},
			stdin: readFixture(t, "mboxrd.mbox"),
			want: readResult{
				ids:     []string{"mboxrd-1@example.org", "mboxrd-2@example.org", "mboxrd-3@example.org"},
				sources: []string{"-:1", "-:2", "-:3"},
			},
		},
		{
			name:  "stdin sniffed as one message",
			paths: []string{"-"},
			stdin: readFixture(t, "qp-patch.eml"),
			want:  readResult{ids: []string{"qp-1@example.org"}, sources: []string{"-"}},
		},
		{
			name:  "no standard input is reported, the other paths still read",
			paths: []string{"-", fx("rfc2047-q.eml")},
			want: readResult{
				ids:     []string{"q-1@example.org"},
				sources: []string{fx("rfc2047-q.eml")},
				errs:    []string{"-: no standard input to read"},
			},
		},
		{
			name:  "a single format-patch file is a one-message mbox",
			paths: []string{fx("format-patch/0001-net-one.patch")},
			want: readResult{
				ids:     []string{"subject:[PATCH 1/2] net: one"},
				sources: []string{fx("format-patch/0001-net-one.patch") + ":1"},
			},
		},
		{
			name:  "per-mail and per-path problems are collected; every other mail is read",
			paths: []string{fx("qp-patch.eml"), missing, fx("broken-boundary.eml"), fx("no-message-id.eml"), fx("mboxo.mbox")},
			want: readResult{
				ids:     []string{"qp-1@example.org", "subject:no id", "mboxo-1@example.org", "mboxo-2@example.org"},
				sources: []string{fx("qp-patch.eml"), fx("no-message-id.eml"), fx("mboxo.mbox") + ":1", fx("mboxo.mbox") + ":2"},
				errs: []string{
					missing + ": cannot read: stat " + missing + ": no such file or directory",
					fx("broken-boundary.eml") + ` <broken-1@example.org>: broken MIME: multipart/mixed boundary "expected": multipart: NextPart: EOF`,
					fx("no-message-id.eml") + ": no Message-ID",
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Reader{}
			if tc.stdin != nil {
				r.Stdin = bytes.NewReader(tc.stdin)
			}
			msgs, errs, err := r.ReadAll(context.Background(), tc.paths)
			if err != nil {
				t.Fatalf("ReadAll: fatal error %v", err)
			}
			for _, e := range errs {
				var re *ReadError
				if !errors.As(e, &re) {
					t.Errorf("per-mail error %v is a %T, want *ReadError", e, e)
				}
			}
			if got := summarize(msgs, errs); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, tc.want)
			}
		})
	}
}

func TestReadPathsStopsOnCallbackError(t *testing.T) {
	stop := errors.New("enough")
	r := &Reader{}
	n := 0
	errs, err := r.ReadPaths(context.Background(), []string{filepath.Join(fixtureDir, "mboxrd.mbox"), filepath.Join(fixtureDir, "qp-patch.eml")},
		func(*Message) error {
			n++
			return stop
		})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the callback's error", err)
	}
	if want := filepath.Join(fixtureDir, "mboxrd.mbox") + ":1: enough"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if n != 1 || len(errs) != 0 {
		t.Errorf("callback ran %d times with %d per-mail errors, want 1 and 0", n, len(errs))
	}
}

func TestReadPathsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&Reader{}).ReadPaths(ctx, []string{filepath.Join(fixtureDir, "qp-patch.eml")}, func(*Message) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// gitRepo makes a scratch repository with a base commit and two patch
// commits on top, isolated from the user's git configuration.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed: skipping git range test")
	}
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"GIT_AUTHOR_NAME=Ada Example", "GIT_AUTHOR_EMAIL=ada@example.org",
			"GIT_COMMITTER_NAME=Ada Example", "GIT_COMMITTER_EMAIL=ada@example.org",
			"GIT_AUTHOR_DATE=2023-03-20T10:00:00Z", "GIT_COMMITTER_DATE=2023-03-20T10:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("init", "-q", "-b", "main")
	write("sock.c", "int sk_ioctl(struct sock *sk, int cmd, unsigned long arg);\n")
	run("add", "sock.c")
	run("commit", "-q", "-m", "base")
	write("sock.c", "int sk_ioctl(struct sock *sk, int cmd, int *karg);\n")
	run("commit", "-q", "-a", "-m", "net: pass a kernel pointer to sk_ioctl\n\nFrom now on karg is kernel memory.\n\nSigned-off-by: Ada Example <ada@example.org>")
	write("udp.c", "int udp_ioctl(struct sock *sk, int cmd, int *karg);\n")
	run("add", "udp.c")
	run("commit", "-q", "-m", "udp: follow the new sk_ioctl\n\nSigned-off-by: Ada Example <ada@example.org>")
	return dir
}

func TestReadGitRange(t *testing.T) {
	dir := gitRepo(t)
	r := &Reader{GitDir: dir}
	var msgs []*Message
	errs, err := r.ReadGitRange(context.Background(), "HEAD~2..", func(m *Message) error {
		msgs = append(msgs, m)
		return nil
	})
	if err != nil || len(errs) != 0 {
		t.Fatalf("ReadGitRange: err %v, per-mail errors %v", err, errs)
	}
	type want struct{ subject, source, bodyHas string }
	wants := []want{
		{"[PATCH 1/2] net: pass a kernel pointer to sk_ioctl", "git:HEAD~2..:1",
			// A body line starting with "From " survives the mbox escaping.
			"From now on karg is kernel memory.\n\nSigned-off-by: Ada Example <ada@example.org>\n---\n"},
		{"[PATCH 2/2] udp: follow the new sk_ioctl", "git:HEAD~2..:2",
			"+int udp_ioctl(struct sock *sk, int cmd, int *karg);\n"},
	}
	if len(msgs) != len(wants) {
		t.Fatalf("got %d messages, want %d", len(msgs), len(wants))
	}
	for i, w := range wants {
		m := msgs[i]
		if m.Subject != w.subject || m.Source != w.source || !strings.Contains(m.Body, w.bodyHas) {
			t.Errorf("message %d: subject %q source %q body\n%s\nwant subject %q source %q body containing %q",
				i+1, m.Subject, m.Source, m.Body, w.subject, w.source, w.bodyHas)
		}
		if m.From != (Address{Name: "Ada Example", Email: "ada@example.org"}) || m.MessageID != "" {
			t.Errorf("message %d: From %+v MessageID %q, want Ada and no Message-ID", i+1, m.From, m.MessageID)
		}
	}
}

func TestReadGitRangeErrors(t *testing.T) {
	dir := gitRepo(t)
	tests := []struct {
		name    string
		spec    string
		wantMsg []string
	}{
		{"range taken for an option is refused", "--output=/tmp/x", []string{`refusing "--output=/tmp/x"`, "option"}},
		{"empty range", " ", []string{"empty range"}},
		{"unknown revision: git's stderr is in the error", "no-such-branch..", []string{"git format-patch in " + dir, "no-such-branch"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			_, err := (&Reader{GitDir: dir}).ReadGitRange(context.Background(), tc.spec, func(*Message) error {
				called = true
				return nil
			})
			if err == nil {
				t.Fatal("ReadGitRange succeeded, want an error")
			}
			for _, w := range tc.wantMsg {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if called {
				t.Error("callback ran for a failed range")
			}
		})
	}
}
