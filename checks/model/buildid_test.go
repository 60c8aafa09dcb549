package model

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The build ID read from the executable's ELF note is the one cmd/go
// stamped (go tool buildid), and it identifies the build without reading
// the whole executable.
func TestGoBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, ok := goBuildID(exe)
	if !ok {
		t.Skipf("no Go build ID note in %s (not ELF?)", exe)
	}
	if out, err := exec.Command("go", "tool", "buildid", exe).Output(); err == nil {
		if want := strings.TrimSpace(string(out)); id != want {
			t.Errorf("build ID %q, go tool buildid says %q", id, want)
		}
	}
	a, err := buildID()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := buildID(); a != b || len(a) != 64 {
		t.Errorf("buildID %q then %q", a, b)
	}
	if _, ok := goBuildID("testdata/no-such-file"); ok {
		t.Error("a build ID read from a missing file")
	}
}
