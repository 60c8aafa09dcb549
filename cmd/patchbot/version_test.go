package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/version"
)

// TestVersionMatchesGoVersion builds patchbot as a user does in a checkout
// and checks that --version says what `go version -m` reads from the
// binary: the module version and the revision it was built from.
func TestVersionMatchesGoVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	bin := filepath.Join(t.TempDir(), "patchbot")
	if out, err := exec.Command(goTool, "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	got, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	meta, err := exec.Command(goTool, "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	field := func(re string) string {
		if m := regexp.MustCompile(re).FindSubmatch(meta); m != nil {
			return string(m[1])
		}
		return ""
	}
	modVersion := field(`(?m)^\s+mod\s+github.com/patchbot/patchbot\s+(\S+)`)
	rev := field(`(?m)^\s+build\s+vcs\.revision=(\S+)`)
	line := strings.TrimSpace(string(got))
	if modVersion == "" {
		t.Fatalf("go version -m names no module version:\n%s", meta)
	}
	want := modVersion
	if rev != "" && !strings.Contains(modVersion, rev[:12]) {
		want = rev[:12]
		if modVersion != "(devel)" {
			want = modVersion + " " + rev[:12]
		}
	}
	if !strings.HasPrefix(line, "patchbot "+want) {
		t.Errorf("--version says %q; go version -m says module %s, revision %q", line, modVersion, rev)
	}
	// The subcommand says the same, and as JSON.
	var in version.Info
	js, err := exec.Command(bin, "version", "--json").Output()
	if err != nil || json.Unmarshal(js, &in) != nil {
		t.Fatalf("version --json: %v\n%s", err, js)
	}
	if in.Version != modVersion || in.Revision != rev {
		t.Errorf("version --json %+v; go version -m says %s %s", in, modVersion, rev)
	}
}

func TestVersionCommand(t *testing.T) {
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, strings.NewReader(""), &out, &errw); code != exitClean || !strings.HasPrefix(out.String(), "patchbot ") {
		t.Errorf("--version: exit %d, %q %q", code, out.String(), errw.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"version", "extra"}, strings.NewReader(""), &out, &errw); code != exitUsage {
		t.Errorf("version with an argument: exit %d", code)
	}
}
