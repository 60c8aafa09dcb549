package model

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/patchbot/patchbot/checks/cfront"
)

// The cache keeps the parses of at most its budget of source, dropping
// the least recently used first.
func TestParseCacheBudget(t *testing.T) {
	c := NewParseCacheOn(nil, 10)
	ctx := context.Background()
	parsed := 0
	parse := func(name string) func() (*cfront.Unit, error) {
		return func() (*cfront.Unit, error) {
			parsed++
			return &cfront.Unit{Funcs: []cfront.Func{{Name: name}}}, nil
		}
	}
	get := func(src string) string {
		u, err := c.parse(ctx, "", []byte(src), false, parse(src))
		if err != nil {
			t.Fatal(err)
		}
		return u.Funcs[0].Name
	}
	steps := []struct {
		src        string
		wantParsed int
	}{
		{"aaaa", 1},
		{"bbbb", 2},
		{"aaaa", 2}, // cached; now the most recently used
		{"cccc", 3}, // 12 bytes: bbbb, the least recently used, goes
		{"aaaa", 3},
		{"bbbb", 4},
	}
	for i, st := range steps {
		if got := get(st.src); got != st.src {
			t.Fatalf("step %d: unit of %q, want %q's", i, got, st.src)
		}
		if parsed != st.wantParsed {
			t.Fatalf("step %d (%s): %d parses, want %d", i, st.src, parsed, st.wantParsed)
		}
		if c.bytes > 10 && c.Len() > 1 {
			t.Fatalf("step %d: %d bytes kept, budget 10", i, c.bytes)
		}
	}
}

// What a run parsed of tree files is there for the next run, and a failed
// parse is never stored.
func TestParseStoreKeepsParsesBetweenRuns(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	want := &cfront.Unit{Funcs: []cfront.Func{{Name: "raw_ioctl", Line: 3, EndLine: 9, Definition: true}}}
	run := func(parse func() (*cfront.Unit, error)) (*cfront.Unit, error) {
		st, err := OpenParseStore(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := st.Close(); err != nil {
				t.Error(err)
			}
		}()
		c := NewParseCacheOn(st, DefaultParseBudget)
		return c.parse(ctx, "", []byte("int raw_ioctl(void) { }\n"), true, parse)
	}
	if _, err := run(func() (*cfront.Unit, error) { return nil, errors.New("broken") }); err == nil {
		t.Fatal("the failed parse's error was lost")
	}
	if _, err := run(func() (*cfront.Unit, error) { return want, nil }); err != nil {
		t.Fatal(err)
	}
	got, err := run(func() (*cfront.Unit, error) { return nil, errors.New("parsed again: the store did not answer") })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored parse %+v, want %+v", got, want)
	}
}

// A cache directory keeps the store of this build and of the builds used
// last, keepStores in all; older builds' stores go.
func TestParseStoreKeepsTheBuildsUsedLast(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	names := []string{"parses-a.db", "parses-b.db", "parses-c.db", "parses-d.db", "parses-mine.db"}
	for i, n := range names {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		at := base.Add(time.Duration(i) * time.Minute) // a oldest, d newest
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	removeOtherBuilds(dir, "parses-mine.db", slog.New(slog.DiscardHandler))
	left, _ := filepath.Glob(filepath.Join(dir, "parses-*.db"))
	var got []string
	for _, p := range left {
		got = append(got, filepath.Base(p))
	}
	want := []string{"parses-c.db", "parses-d.db", "parses-mine.db"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}

func TestParseStoreDirectoriesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "patchbot", "parses")
	s, err := OpenParseStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", d, st.Mode().Perm(), err)
		}
	}
}
