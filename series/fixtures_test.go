package series

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/patchbot/patchbot/mail"
)

// fixtureDir is where gen.py writes the series fixtures.
const fixtureDir = "../testdata/series"

// loadEml decodes one fixture mail.
func loadEml(tb testing.TB, path string) *mail.Message {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	m, err := mail.Parse(raw, path)
	if m == nil {
		tb.Fatalf("decode fixture %s: %v", path, err)
	}
	return m
}

// loadCase decodes every .eml file of a fixture case, in name order.
func loadCase(tb testing.TB, name string) []*mail.Message {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, name, "*.eml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("fixture case %s: no .eml files (%v)", name, err)
	}
	sort.Strings(paths)
	msgs := make([]*mail.Message, 0, len(paths))
	for _, p := range paths {
		msgs = append(msgs, loadEml(tb, p))
	}
	return msgs
}
