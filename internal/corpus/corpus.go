// Package corpus locates the shared list-mail corpus (../shared/corpus
// beside the project checkout) for tests, and skips them with a clear
// message where it is absent, as on a user's clone.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides where the corpus is looked for.
const EnvVar = "PATCHBOT_CORPUS"

// Find returns the corpus directory, or "" when it cannot be found. It
// honours $PATCHBOT_CORPUS, then walks up from the working directory
// looking for shared/corpus.
func Find() string {
	if d := os.Getenv(EnvVar); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Dir returns the corpus directory or skips the test, naming what is
// missing and how to provide it.
func Dir(tb testing.TB) string {
	tb.Helper()
	d := Find()
	if d == "" {
		tb.Skipf("list-mail corpus not found (no shared/corpus above %s and $%s unset): skipping real-mail test", mustWd(), EnvVar)
	}
	return d
}

// Path returns a path inside the corpus, skipping the test when that file
// or folder is absent.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("corpus entry %s not present: %v", p, err)
	}
	return p
}

func mustWd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}
