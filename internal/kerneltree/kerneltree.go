// Package kerneltree gives tests a real kernel tree: net/ and include/ of
// linux 6.1, unpacked once from Debian's linux-source-6.1 package into the
// user cache directory and reused between runs.
package kerneltree

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Tarball61 is where Debian's linux-source-6.1 package installs the source.
const Tarball61 = "/usr/src/linux-source-6.1.tar.xz"

// Linux61 returns the root of a linux 6.1 tree holding net/ and include/,
// unpacking them from Tarball61 on first use into
// os.UserCacheDir()/patchbot-test/linux-6.1. It skips the test when the
// tarball is absent (install the Debian package linux-source-6.1).
func Linux61(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(Tarball61); err != nil {
		tb.Skipf("kernel tree unavailable: %s missing (install the Debian package linux-source-6.1): %v", Tarball61, err)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		tb.Skipf("kernel tree unavailable: no user cache directory: %v", err)
	}
	dir := filepath.Join(base, "patchbot-test")
	root := filepath.Join(dir, "linux-6.1")
	if complete(root) {
		return root
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("create %s: %v", dir, err)
	}
	tmp, err := os.MkdirTemp(dir, ".unpack-*")
	if err != nil {
		tb.Fatalf("create unpack directory: %v", err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "tar", "-xJf", Tarball61, "-C", tmp, "--wildcards",
		"linux-source-6.1/net/*", "linux-source-6.1/include/*")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("unpack %s: %v\n%s", Tarball61, err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, "linux-source-6.1", ".patchbot-complete"), nil, 0o644); err != nil {
		tb.Fatalf("mark unpacked tree: %v", err)
	}
	// Rename is atomic: a concurrent or interrupted run never sees half a
	// tree. Test packages run in parallel and may all unpack at once: if
	// another run won the race, use its tree. Only a tree without the
	// completion mark (an older layout) is replaced, and only after our own
	// copy is ready, so a tree another package is reading is never removed.
	unpacked := filepath.Join(tmp, "linux-source-6.1")
	if err := os.Rename(unpacked, root); err != nil && !complete(root) {
		if err := os.RemoveAll(root); err != nil {
			tb.Fatalf("remove incomplete tree %s: %v", root, err)
		}
		if err := os.Rename(unpacked, root); err != nil && !complete(root) {
			tb.Fatalf("install unpacked tree at %s: %v", root, err)
		}
	}
	tb.Logf("unpacked linux 6.1 net/ and include/ into %s in %v", root, time.Since(start).Round(time.Millisecond))
	return root
}

func complete(root string) bool {
	_, err := os.Stat(filepath.Join(root, ".patchbot-complete"))
	return err == nil
}

// Path joins elements onto the linux 6.1 root; see Linux61.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Linux61(tb)}, elem...)...)
}
