package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/report"
)

// screen runs patchbot with args in a detached tmux pane of cols×rows (a
// real terminal: width and colours as a user gets them) and returns the
// screen once the triage's count line is there.
func screen(t *testing.T, cols, rows string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed (Debian package tmux; `make deps` installs it)")
	}
	bin := filepath.Join(patchbotBinary(t), "patchbot")
	sock := "patchbot-test-" + strings.ReplaceAll(t.Name(), "/", "-")
	tmux := func(a ...string) ([]byte, error) {
		return exec.Command("tmux", append([]string{"-L", sock}, a...)...).CombinedOutput()
	}
	t.Cleanup(func() { _, _ = tmux("kill-server") })
	quoted := make([]string, 0, len(args)+1)
	for _, a := range append([]string{bin}, args...) {
		quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	cache := t.TempDir()
	cmd := "env XDG_CACHE_HOME=" + cache + " " + strings.Join(quoted, " ") + "; echo '[exit '$?']'; sleep 600"
	if out, err := tmux("-f", os.DevNull, "new-session", "-d", "-x", cols, "-y", rows, cmd); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, err := tmux("capture-pane", "-p")
		if err != nil {
			t.Fatalf("tmux capture-pane: %v\n%s", err, out)
		}
		if strings.Contains(string(out), "[exit ") {
			return string(out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("triage did not finish in the pane:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var tableRow = regexp.MustCompile(`(?m)^[0-9a-f]{6} (errors|warnings|incomplete|clean|superseded) `)

// TestTriageInTmux: the io-uring 2023 mbox triaged in a 120×40 pane, ten
// rows: the table fits the pane, the series with findings are the last
// rows on screen, the count line is there, and no progress bar is left
// half drawn.
func TestTriageInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("triages a year of list mail in a terminal")
	}
	mbox := corpus.Path(t, "iouring-2023.mbox")
	out := screen(t, "120", "40", "triage", "--limit", "10", mbox)
	rows := tableRow.FindAllStringIndex(out, -1)
	if len(rows) != 10 {
		t.Errorf("%d table rows on screen, want 10:\n%s", len(rows), out)
	}
	lines := strings.Split(out, "\n")
	var states []string
	for _, l := range lines {
		if m := tableRow.FindStringSubmatch(l); m != nil {
			states = append(states, m[1])
		}
		if report.Cells(l) > 120 {
			t.Errorf("a line wider than the pane: %q", l)
		}
		if strings.Contains(l, "reviewing series") || strings.Contains(l, "reading mail") || strings.Contains(l, "fetching") || strings.Contains(l, "indexing") {
			t.Errorf("a progress bar was left on screen: %q", l)
		}
	}
	if n := len(states); n == 0 || states[n-1] != "errors" {
		t.Errorf("the series with findings are not the last rows: %v\n%s", states, out)
	}
	for _, want := range []string{"ID     STATE", "; 10 shown (--limit)", "with errors", "b4 am '", "[exit 0]"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
}

// TestTriageWideNamesInTmux: authors and titles in CJK and emoji keep the
// columns aligned on a real terminal (each row is one screen line, and
// the title starts in the same cell on every row).
func TestTriageWideNamesInTmux(t *testing.T) {
	out := screen(t, "120", "40", "triage", "../../testdata/triage/wide-names.mbox")
	lines := strings.Split(out, "\n")
	titleAt := -1
	seen := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "ID ") {
			titleAt = report.Cells(l[:strings.Index(l, "TITLE")])
		}
		if !tableRow.MatchString(l) {
			continue
		}
		seen++
		for _, title := range []string{"net: foo: 修复初始化顺序", "net: foo: register with a flag 🚀", "net: foo: plain ASCII title"} {
			if i := strings.Index(l, title); i >= 0 && report.Cells(l[:i]) != titleAt {
				t.Errorf("title at cell %d, header at %d: %q", report.Cells(l[:i]), titleAt, l)
			}
		}
	}
	if seen != 3 || titleAt < 0 {
		t.Errorf("%d rows (want 3), header found %v:\n%s", seen, titleAt >= 0, out)
	}
	for _, name := range []string{"王小明", "Zoë Ünicode 🐧", "Ada Lovelace"} {
		if !strings.Contains(out, name) {
			t.Errorf("screen lacks %q:\n%s", name, out)
		}
	}
}
