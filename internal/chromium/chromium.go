// Package chromium runs headless Chromium (the Debian package chromium)
// for the tests that check the triage page as a browser renders it.
package chromium

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
)

// Find returns the Chromium binary on PATH, "" when there is none.
func Find() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Run runs bin headless on the page url (a file path, possibly with a
// fragment) with extra flags (--dump-dom, --screenshot=...) and a profile
// under dir, and returns what it printed.
func Run(ctx context.Context, bin, dir, url string, extra ...string) ([]byte, error) {
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile")}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+url)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %v: %w\n%s", bin, extra, err, stderr.String())
	}
	return out, nil
}
