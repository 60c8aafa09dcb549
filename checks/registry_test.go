package checks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// fixtureDir is where the fixture series written for these tests live.
const fixtureDir = "../testdata/checks"

// loadSeries reads the mails of one series (cover letter and patches, in
// file-name order) and assembles them by their "k/n" counters.
func loadSeries(tb testing.TB, paths ...string) *series.Series {
	tb.Helper()
	var msgs []*mail.Message
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("read %s: %v", p, err)
		}
		// git format-patch output starts with an mbox "From <sha>" line.
		if strings.HasPrefix(string(raw), "From ") {
			if i := strings.IndexByte(string(raw), '\n'); i >= 0 {
				raw = raw[i+1:]
			}
		}
		m, err := mail.Parse(raw, p)
		if m == nil {
			tb.Fatalf("parse %s: %v", p, err)
		}
		msgs = append(msgs, m)
	}
	return seriesOf(tb, msgs)
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
		s.ID = s.Patches[0].Msg.MessageID
	}
	if s.Cover != nil {
		s.ID = s.Cover.MessageID
	}
	return s
}

// loadFixture reads every mail of a fixture series directory.
func loadFixture(tb testing.TB, name string) *series.Series {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, name, "*.patch"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("fixture %s: no mails (%v)", name, err)
	}
	sort.Strings(paths)
	return loadSeries(tb, paths...)
}

// fixtureTree indexes the small kernel tree the fixtures apply to.
func fixtureTree(tb testing.TB) *TreeIndex {
	tb.Helper()
	x, err := BuildIndex(context.Background(), filepath.Join(fixtureDir, "tree"), IndexOptions{CacheDir: tb.TempDir(), Workers: 1})
	if err != nil {
		tb.Fatalf("index fixture tree: %v", err)
	}
	return x
}

// brief renders findings one a line for failure messages.
func brief(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Check + " " + f.File + ":" + itoa(f.Line) + " " + f.Symbol + ": " + f.Message + "\n")
	}
	return b.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b []byte
	for i > 0 {
		b = append([]byte{digits[i%10]}, b...)
		i /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

func TestDebugFixtures(t *testing.T) {
	if os.Getenv("PATCHBOT_DEBUG") == "" {
		t.Skip("debug dump")
	}
	for _, name := range []string{"bad-user", "good-user", "conv", "cb"} {
		for _, withTree := range []bool{false, true} {
			env := &Env{Note: func(s string) { t.Logf("NOTE %s", s) }}
			if withTree {
				env.Tree = fixtureTree(t)
			}
			fs, err := Run(context.Background(), loadFixture(t, name), env)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s tree=%v:\n%s", name, withTree, brief(fs))
		}
	}
}
