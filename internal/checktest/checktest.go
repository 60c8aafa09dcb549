// Package checktest is what the tests of the checks share: the fixture
// series of testdata/checks and their small kernel tree, linux 6.1 indexed
// once per test binary, the 2023 struct proto ioctl conversion rule, and
// matching findings against what a test wants.
package checktest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/internal/kerneltree"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// FixtureDir is where the fixture series written for the checks' tests
// live (testdata/checks of the module), wherever the test runs from.
func FixtureDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "checks")
}

// IoctlRule is the 2023 conversion of struct proto's ioctl callback
// (e1d001fa5b47).
var IoctlRule = model.Rule{Struct: "proto", Member: "ioctl",
	Old: "int (struct sock *, int, unsigned long)", New: "int (struct sock *, int, int *)"}

// LoadSeries reads the mails of one series (cover letter and patches, in
// file-name order) and assembles them by their "k/n" counters.
func LoadSeries(tb testing.TB, paths ...string) *series.Series {
	tb.Helper()
	var msgs []*mail.Message
	for _, p := range paths {
		// git format-patch output starts with an mbox "From <sha>" line.
		msgs = append(msgs, readMail(tb, p, true))
	}
	return seriesOf(tb, msgs)
}

// readMail parses the mail file at p, without its mbox "From " line when
// fromLine says it may have one.
func readMail(tb testing.TB, p string, fromLine bool) *mail.Message {
	tb.Helper()
	raw, err := os.ReadFile(p)
	if err != nil {
		tb.Fatalf("read %s: %v", p, err)
	}
	if fromLine && strings.HasPrefix(string(raw), "From ") {
		if i := strings.IndexByte(string(raw), '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	m, err := mail.Parse(raw, p)
	if m == nil {
		tb.Fatalf("parse %s: %v", p, err)
	}
	return m
}

// seriesOf turns messages into one series: mails with a diff become
// patches (ordered by counter), the first diff-less one the cover letter.
func seriesOf(tb testing.TB, msgs []*mail.Message) *series.Series {
	tb.Helper()
	s := &series.Series{}
	for _, m := range msgs {
		p, err := series.ParsePatch(m)
		if errors.Is(err, series.ErrNoDiff) {
			if s.Cover == nil {
				s.Cover = m
			}
			continue
		}
		if err != nil {
			tb.Fatalf("parse patch %s: %v", m.Source, err)
		}
		s.Patches = append(s.Patches, p)
	}
	sort.SliceStable(s.Patches, func(i, j int) bool { return s.Patches[i].Index < s.Patches[j].Index })
	if len(s.Patches) > 0 {
		s.Title = s.Patches[0].Subject.Title
		s.Total = len(s.Patches)
		s.Complete = true
		s.ID = s.Patches[0].Msg.MessageID
	}
	if s.Cover != nil {
		s.ID = s.Cover.MessageID
	}
	return s
}

// LoadFixture reads every mail of a fixture series directory.
func LoadFixture(tb testing.TB, name string) *series.Series {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(FixtureDir(), name, "*.patch"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("fixture %s: no mails (%v)", name, err)
	}
	sort.Strings(paths)
	return LoadSeries(tb, paths...)
}

// FixtureTree indexes the small kernel tree the fixtures apply to.
func FixtureTree(tb testing.TB) *tree.Index {
	tb.Helper()
	return IndexFixtureTree(tb, "tree")
}

// IndexFixtureTree indexes the tree at dir under the fixtures
// (testdata/checks/DIR).
func IndexFixtureTree(tb testing.TB, dir string) *tree.Index {
	tb.Helper()
	x, err := tree.BuildIndex(context.Background(), filepath.Join(FixtureDir(), dir), tree.IndexOptions{CacheDir: tb.TempDir(), Workers: 1})
	if err != nil {
		tb.Fatalf("index fixture tree %s: %v", dir, err)
	}
	return x
}

// Run runs one check on s with its own model, as the registry would.
func Run(ctx context.Context, c checks.Check, s *series.Series, env *model.Env) ([]checks.Finding, error) {
	m, err := model.New(ctx, s, env)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return c.Run(ctx, m)
}

var (
	l61Once sync.Once
	l61     *tree.Index
	l61Err  error
)

// Linux61Index indexes net/ and include/ of linux 6.1 once per test
// binary, restricted to the files that mention struct proto or __user
// (what the checks look up in a tree). It skips without the Debian package
// linux-source-6.1.
func Linux61Index(t *testing.T) *tree.Index {
	t.Helper()
	root := kerneltree.Linux61(t)
	l61Once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		l61, l61Err = tree.BuildIndex(context.Background(), root, tree.IndexOptions{
			Dirs:     []string{"net", "include"},
			Needles:  []string{"struct proto", "__user"},
			CacheDir: filepath.Join(cache, "patchbot-test", "index-checks"),
			Workers:  2,
		})
	})
	if l61Err != nil {
		t.Fatalf("index linux 6.1: %v", l61Err)
	}
	return l61
}

// ReadMails parses the mail files at paths.
func ReadMails(t *testing.T, paths []string) []*mail.Message {
	t.Helper()
	var msgs []*mail.Message
	for _, p := range paths {
		msgs = append(msgs, readMail(t, p, false))
	}
	return msgs
}

// LeitaoVersion lists the mails of version v of "net: ioctl: Use kernel
// memory on protocol ioctl callbacks" (v1 has a cover letter).
func LeitaoVersion(t *testing.T, v int) []string {
	t.Helper()
	dir := corpus.Path(t, "leitao-ioctl")
	paths, err := filepath.Glob(filepath.Join(dir, "v"+strconv.Itoa(v)+"-[01]-*.eml"))
	if err != nil || len(paths) == 0 {
		t.Skipf("leitao-ioctl v%d not in corpus", v)
	}
	sort.Strings(paths)
	return paths
}
