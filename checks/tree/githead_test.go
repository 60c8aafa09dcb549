package tree

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitHead(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.org")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := GitHead(dir); got != "" {
		t.Errorf("not a checkout: %q", got)
	}
	git("init", "-q", "-b", "master")
	if got := GitHead(dir); got != "" {
		t.Errorf("no commit yet: %q", got)
	}
	git("commit", "-q", "--allow-empty", "-m", "one")
	want := git("rev-parse", "HEAD")
	if got := GitHead(dir); got != want {
		t.Errorf("loose ref: %q, want %s", got, want)
	}
	git("pack-refs", "--all")
	if got := GitHead(dir); got != want {
		t.Errorf("packed ref: %q, want %s", got, want)
	}
	wt := filepath.Join(t.TempDir(), "wt")
	git("worktree", "add", "-q", "--detach", wt)
	if got := GitHead(wt); got != want {
		t.Errorf("worktree: %q, want %s", got, want)
	}
	git("checkout", "-q", "--detach")
	if got := GitHead(dir); got != want {
		t.Errorf("detached: %q, want %s", got, want)
	}
}
