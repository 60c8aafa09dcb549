package tree

import (
	"path/filepath"
	"testing"
)

// Under systemd (CacheDirectory=) tree indexes and parses go to
// $CACHE_DIRECTORY, which a DynamicUser=yes unit keeps across restarts.
func TestCacheDir(t *testing.T) {
	t.Setenv("CACHE_DIRECTORY", "/var/cache/patchbot")
	if d, err := CacheDir(); err != nil || d != "/var/cache/patchbot" {
		t.Errorf("CacheDir() = %q, %v", d, err)
	}
	t.Setenv("CACHE_DIRECTORY", "")
	t.Setenv("XDG_CACHE_HOME", "/home/u/.cache")
	if d, err := CacheDir(); err != nil || d != filepath.Join("/home/u/.cache", "patchbot") {
		t.Errorf("CacheDir() = %q, %v without systemd", d, err)
	}
}
