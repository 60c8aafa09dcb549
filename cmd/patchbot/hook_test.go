package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// builtPatchbot is the patchbot binary the hook tests put on $PATH, built
// once per test run.
var builtPatchbot struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtPatchbot.dir != "" {
		_ = os.RemoveAll(builtPatchbot.dir)
	}
	os.Exit(code)
}

// patchbotBinary builds ./cmd/patchbot with `go build` into a temporary
// directory and returns that directory (for $PATH).
func patchbotBinary(t testing.TB) string {
	t.Helper()
	builtPatchbot.once.Do(func() {
		dir, err := os.MkdirTemp("", "patchbot-bin-")
		if err != nil {
			builtPatchbot.err = err
			return
		}
		builtPatchbot.dir = dir
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "patchbot"), ".").CombinedOutput()
		if err != nil {
			builtPatchbot.err = &buildError{out: string(out), err: err}
		}
	})
	if builtPatchbot.err != nil {
		t.Fatalf("go build patchbot: %v", builtPatchbot.err)
	}
	return builtPatchbot.dir
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// Files of the scratch kernel checkout: enough of a tree for --tree auto
// to recognise it and for the checks to see a prototype, a definition and
// a user pointer.
var scratchTree = map[string]string{
	"Kbuild":                   "# SPDX-License-Identifier: GPL-2.0\nobj-y += net/\n",
	"MAINTAINERS":              "FOO PROTOCOL\nM:\tAda Lovelace <ada@example.org>\nF:\tnet/foo/\n",
	"include/linux/kernel.h":   "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _LINUX_KERNEL_H\n#define _LINUX_KERNEL_H\n#endif\n",
	"include/net/foo.h":        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _NET_FOO_H\n#define _NET_FOO_H\n\nstruct sock;\n\nint foo_probe(struct sock *sk, unsigned long flags);\nint foo_ioctl(struct sock *sk, int cmd, unsigned long arg);\n\n#endif\n",
	"net/foo/af_foo.c":         afFooC,
	"Documentation/foo.rst":    "The foo protocol\n================\n\nfoo moves bytes.\n",
	"net/foo/Makefile":         "obj-$(CONFIG_FOO) += af_foo.o\n",
	"include/uapi/linux/foo.h": "/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */\n#define SIOCFOOREQ 0x89f0\n",
}

const afFooC = `// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <net/foo.h>

struct foo_req {
	int	len;
};

static int foo_get_req(struct sock *sk, void __user *argp)
{
	struct foo_req req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return req.len;
}

int foo_probe(struct sock *sk, unsigned long flags)
{
	return flags ? 0 : -EINVAL;
}

int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCFOOREQ:
		return foo_get_req(sk, (void __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}
`

// scratchCommit is one commit on top of the scratch tree: a subject and
// the replacements it makes (file → old → new).
type scratchCommit struct {
	subject string
	edits   []scratchEdit
}

type scratchEdit struct{ file, old, new string }

var (
	cleanCommit = scratchCommit{"foo: say EOPNOTSUPP for an unknown probe", []scratchEdit{
		{"net/foo/af_foo.c", "return flags ? 0 : -EINVAL;", "return flags ? 0 : -EOPNOTSUPP;"},
		{"Documentation/foo.rst", "foo moves bytes.", "foo moves bytes, and probes say EOPNOTSUPP."},
	}}
	errorCommit = scratchCommit{"foo: take the probe flags as unsigned int", []scratchEdit{
		{"include/net/foo.h", "int foo_probe(struct sock *sk, unsigned long flags);", "int foo_probe(struct sock *sk, unsigned int flags);"},
		{"net/foo/af_foo.c", "int foo_probe(struct sock *sk, unsigned long flags)\n{\n\treturn flags ? 0 : -EINVAL;", "int foo_probe(struct sock *sk, unsigned long mask)\n{\n\treturn mask ? 0 : -EINVAL;"},
	}}
	warningCommit = scratchCommit{"foo: pass a kernel pointer to foo_get_req()", []scratchEdit{
		{"net/foo/af_foo.c", "static int foo_get_req(struct sock *sk, void __user *argp)", "static int foo_get_req(struct sock *sk, void *argp)"},
		{"net/foo/af_foo.c", "return foo_get_req(sk, (void __user *)arg);", "return foo_get_req(sk, (void *)arg);"},
	}}
)

// scratchRepo makes a git repository holding the scratch tree with the
// sendemail-validate hook of contrib/ installed as its comment says (into
// `git rev-parse --git-path hooks`), and one branch per commit named
// after its key.
func scratchRepo(t *testing.T, branches map[string]scratchCommit) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := filepath.Join(t.TempDir(), "linux")
	for name, body := range scratchTree {
		writeFile(t, filepath.Join(dir, name), body)
	}
	hook, err := os.ReadFile("../../contrib/sendemail-validate")
	if err != nil {
		t.Fatal(err)
	}
	git(t, dir, "init", "-q", "-b", "master")
	git(t, dir, "config", "user.name", "Ada Lovelace")
	git(t, dir, "config", "user.email", "ada@example.org")
	hooks := strings.TrimSpace(git(t, dir, "rev-parse", "--git-path", "hooks"))
	if !filepath.IsAbs(hooks) {
		hooks = filepath.Join(dir, hooks)
	}
	writeFile(t, filepath.Join(hooks, "sendemail-validate"), string(hook))
	if err := os.Chmod(filepath.Join(hooks, "sendemail-validate"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "foo: the foo protocol")
	for name, c := range branches {
		git(t, dir, "checkout", "-q", "-b", name, "master")
		commitEdits(t, dir, c)
	}
	git(t, dir, "checkout", "-q", "master")
	return dir
}

// commitEdits makes the edits of c in the checkout dir and commits them.
func commitEdits(t *testing.T, dir string, c scratchCommit) {
	t.Helper()
	for _, e := range c.edits {
		p := filepath.Join(dir, e.file)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), e.old) {
			t.Fatalf("%s: %q not found", e.file, e.old)
		}
		writeFile(t, p, strings.Replace(string(b), e.old, e.new, 1))
	}
	git(t, dir, "commit", "-q", "-a", "-m", c.subject+"\n\nSigned-off-by: Ada Lovelace <ada@example.org>")
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestSendEmailValidateHook runs the real `git send-email --dry-run` in a
// scratch kernel checkout with contrib/sendemail-validate installed: the
// hook must refuse a patch with an error, let a clean one through, let a
// warning through by default and refuse it with patchbot.failOn=warning.
func TestSendEmailValidateHook(t *testing.T) {
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git unavailable: %v", err)
	}
	if _, err := os.Stat(filepath.Join(strings.TrimSpace(string(execPath)), "git-send-email")); err != nil {
		t.Skipf("git send-email unavailable (install the Debian package git-email): %v", err)
	}
	// git send-email loads Perl's Mail::Address before it does anything
	// and dies with "BUG: The 'Mail::Address' module is not here" without
	// it: name the missing package instead of failing on git's error.
	if out, err := exec.Command("perl", "-MMail::Address", "-e", "1").CombinedOutput(); err != nil {
		t.Skipf("git send-email cannot run: Perl's Mail::Address is missing (install the Debian package libmailtools-perl; `make deps` does): %v\n%s", err, out)
	}
	bin := patchbotBinary(t)
	repo := scratchRepo(t, map[string]scratchCommit{"clean": cleanCommit, "error": errorCommit, "warning": warningCommit})
	tests := []struct {
		name    string
		branch  string
		failOn  string
		refused bool
		want    string
	}{
		{"clean patch is sent, with one line", "clean", "", false, "no findings"},
		{"error refuses the send", "error", "", true, "error: conflicting types for 'foo_probe'"},
		{"warning passes by default", "warning", "", false, "warning:"},
		{"warning refuses with failOn=warning", "warning", "warning", true, "warning:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.failOn != "" {
				git(t, repo, "config", "patchbot.failOn", tt.failOn)
				defer git(t, repo, "config", "--unset", "patchbot.failOn")
			}
			cmd := exec.Command("git", "send-email", "--dry-run", "--confirm=never", "--no-annotate",
				"--from", "Ada Lovelace <ada@example.org>", "--to", "x@example.org",
				"--smtp-server=/bin/true", "master.."+tt.branch)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo,
				"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			t.Logf("git send-email:\n%s", out)
			refused := err != nil
			if refused != tt.refused {
				t.Fatalf("refused = %v (err %v), want %v", refused, err, tt.refused)
			}
			if refused && !strings.Contains(string(out), "rejected by sendemail-validate hook") {
				t.Errorf("the refusal does not come from the hook")
			}
			// git 2.39 says "Dry-OK", later ones "Dry-Sent".
			if !refused && !strings.Contains(string(out), "Dry-OK") && !strings.Contains(string(out), "Dry-Sent") {
				t.Errorf("the patch was not (dry-)sent")
			}
			if tt.want != "" && !strings.Contains(string(out), tt.want) {
				t.Errorf("output lacks %q", tt.want)
			}
			if !tt.refused && tt.want == "no findings" {
				if n := strings.Count(string(out), "patchbot: "); n != 1 || strings.Contains(string(out), "[dropped-user]") {
					t.Errorf("a clean patch printed %d patchbot lines, want 1", n)
				}
			}
		})
	}
	// From a worktree: its hooks are the main checkout's, where the
	// install line put the hook.
	wt := filepath.Join(t.TempDir(), "wt")
	git(t, repo, "worktree", "add", "-q", wt, "error")
	cmd := exec.Command("git", "send-email", "--dry-run", "--confirm=never", "--no-annotate",
		"--from", "Ada Lovelace <ada@example.org>", "--to", "x@example.org", "--smtp-server=/bin/true", "master..HEAD")
	cmd.Dir = wt
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "rejected by sendemail-validate hook") {
		t.Errorf("from a worktree the hook did not run (err %v):\n%s", err, out)
	}
}

// TestSendEmailValidateWithoutPatchbot runs the hook where patchbot is not
// on PATH: it says so and how to go on, rather than failing with the
// shell's 127.
func TestSendEmailValidateWithoutPatchbot(t *testing.T) {
	hook, err := filepath.Abs("../../contrib/sendemail-validate")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", hook, "0001-x.patch")
	cmd.Env = []string{"PATH=" + t.TempDir(), "PATCHBOT=patchbot-not-installed"}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1:\n%s", err, out)
	}
	for _, want := range []string{"patchbot-not-installed is not on PATH", "go install github.com/patchbot/patchbot/cmd/patchbot@latest", "--no-validate"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
}

func TestIsKernelTree(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  bool
	}{
		{"kernel.h and Kbuild", []string{"include/linux/kernel.h", "Kbuild"}, true},
		{"kernel.h and MAINTAINERS", []string{"include/linux/kernel.h", "MAINTAINERS"}, true},
		{"Kbuild alone", []string{"Kbuild", "MAINTAINERS"}, false},
		{"kernel.h alone", []string{"include/linux/kernel.h"}, false},
		{"an unrelated project", []string{"go.mod", "README.md"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				writeFile(t, filepath.Join(dir, f), "x\n")
			}
			if got := isKernelTree(dir); got != tt.want {
				t.Errorf("isKernelTree = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckTreeAuto runs `check --tree auto` from inside a subdirectory of
// the scratch kernel checkout (it must find the top) and from outside any
// kernel tree (it must say so and check the patch alone).
func TestCheckTreeAuto(t *testing.T) {
	repo := scratchRepo(t, map[string]scratchCommit{"error": errorCommit})
	patch := filepath.Join(t.TempDir(), "p.patch")
	writeFile(t, patch, git(t, repo, "format-patch", "--stdout", "master..error"))
	t.Chdir(filepath.Join(repo, "net", "foo"))
	if got := detectKernelTree(context.Background()); got != repo {
		t.Errorf("detectKernelTree in net/foo = %q, want %q", got, repo)
	}
	code, out, errOut := runCmd(t, runCheck, "--tree", "auto", "--fail-on", "error", patch)
	if code != exitFindings || !strings.Contains(out, "[callback-signature]") {
		t.Errorf("inside the tree: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if strings.Contains(errOut, "not inside a kernel checkout") {
		t.Errorf("inside the tree, check says it is not: %q", errOut)
	}
	t.Chdir(t.TempDir())
	code, _, errOut = runCmd(t, runCheck, "--tree", "auto", patch)
	if code != exitFindings || !strings.Contains(errOut, "not inside a kernel checkout") {
		t.Errorf("outside a tree: exit %d, stderr %q", code, errOut)
	}
}

// TestCheckGitRange reviews the author's branch of a scratch checkout with
// --git, as one would before git send-email.
func TestCheckGitRange(t *testing.T) {
	repo := scratchRepo(t, map[string]scratchCommit{"clean": cleanCommit, "error": errorCommit})
	git(t, repo, "checkout", "-q", "error")
	t.Chdir(repo)
	tests := []struct {
		name     string
		rangeArg string
		exit     int
		want     string
	}{
		{"clean branch", "master..clean", exitClean, "findings: none"},
		{"branch with an error", "master..error", exitFindings, "include/net/foo.h:7: error: conflicting types for 'foo_probe'"},
		{"the checked-out branch, as master..", "master..", exitFindings, "[callback-signature]"},
		{"an empty range is nothing to check", "error..error", exitClean, "patchbot: --git error..error: no commits in the range, nothing to check\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, runCheck, "--git", tt.rangeArg)
			if code != tt.exit || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s%s", code, tt.exit, tt.want, out, errOut)
			}
			if tt.rangeArg == "error..error" && (out != "" || strings.Count(errOut, "\n") != 1) {
				t.Errorf("an empty range must say one line and nothing else; stdout %q, stderr %q", out, errOut)
			}
		})
	}
}
