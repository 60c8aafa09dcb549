package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnitVerifies runs systemd-analyze verify on the unit as the
// README installs it (with ExecStart pointing at a built patchbot): it
// must be a valid Type=notify unit with a watchdog.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	unit, err := os.ReadFile("../../deploy/patchbot.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Type=notify", "WatchdogSec=", "StateDirectory=patchbot", "CacheDirectory=patchbot", "DynamicUser=yes"} {
		if !strings.Contains(string(unit), "\n"+want) {
			t.Errorf("the unit lacks %s", want)
		}
	}
	bin := filepath.Join(patchbotBinary(t), "patchbot")
	path := filepath.Join(t.TempDir(), "patchbot.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/patchbot", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	if strings.TrimSpace(string(out)) != "" {
		t.Errorf("systemd-analyze verify said:\n%s", out)
	}
}

// With LogsDirectory= (systemd sets $LOGS_DIRECTORY) watch logs to
// patchbot.log there as well as to the journal.
func TestLogsDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LOGS_DIRECTORY", dir)
	var stderr strings.Builder
	w, closeLog, err := logDestination(&stderr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("level=INFO msg=watching\n"))
	closeLog()
	b, err := os.ReadFile(filepath.Join(dir, "patchbot.log"))
	if err != nil || string(b) != stderr.String() || stderr.Len() == 0 {
		t.Errorf("log file %q (%v), stderr %q: want the same line in both", b, err, stderr.String())
	}
	t.Setenv("LOGS_DIRECTORY", "")
	if w, _, _ := logDestination(&stderr); w != &stderr {
		t.Error("without LOGS_DIRECTORY watch logs to stderr alone")
	}
}
