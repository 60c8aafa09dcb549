package checks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/internal/corpus"
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
		s.Complete = true
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
func fixtureTree(tb testing.TB) *tree.Index {
	tb.Helper()
	x, err := tree.BuildIndex(context.Background(), filepath.Join(fixtureDir, "tree"), tree.IndexOptions{CacheDir: tb.TempDir(), Workers: 1})
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

func TestSortFindings(t *testing.T) {
	f := func(check, file string, line int, msg string) Finding {
		return Finding{Check: check, File: file, Line: line, Symbol: "s", Message: msg, MessageID: "m"}
	}
	in := []Finding{
		f(UnconvertedID, "net/b.c", 3, "x"),
		f(DroppedUserID, "net/a.c", 9, "y"),
		f(CallbackSignatureID, "net/b.c", 3, "x"),
		f(DroppedUserID, "net/a.c", 9, "y"),
		f(DroppedUserID, "include/a.h", 100, "z"),
	}
	got := sortFindings(in)
	var keys []string
	for _, g := range got {
		keys = append(keys, g.File+":"+itoa(g.Line)+" "+g.Check)
	}
	want := []string{"include/a.h:100 dropped-user", "net/a.c:9 dropped-user", "net/b.c:3 callback-signature", "net/b.c:3 unconverted-implementer"}
	if strings.Join(keys, "|") != strings.Join(want, "|") {
		t.Errorf("sorted %q, want %q", keys, want)
	}
}

func TestChecksRegistry(t *testing.T) {
	var ids []string
	for _, c := range Checks() {
		ids = append(ids, c.ID())
	}
	if want := "dropped-user callback-signature unconverted-implementer"; strings.Join(ids, " ") != want {
		t.Errorf("checks %q, want %q", ids, want)
	}
	// Run gives the union of the checks' own findings.
	s := loadFixture(t, "cb")
	all, err := Run(context.Background(), s, &Env{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range Checks() {
		fs, err := c.Run(context.Background(), s, &Env{})
		if err != nil {
			t.Fatal(err)
		}
		n += len(fs)
	}
	if len(all) != n || n == 0 {
		t.Errorf("Run gave %d findings, the checks one by one %d", len(all), n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, s, &Env{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context: %v", err)
	}
}

// BenchmarkChecksNoTree runs all checks without a tree on the accepted
// netdev series of the corpus (netdev-clean/, 29 patches) and the seven
// versions of the struct proto ioctl conversion (leitao-ioctl/, each a
// single ~1,000-line patch), and reports the median time per patch.
func BenchmarkChecksNoTree(b *testing.B) {
	var all []*series.Series
	paths, _ := filepath.Glob(filepath.Join(corpus.Path(b, "netdev-clean"), "*.eml"))
	var msgs []*mail.Message
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if m, _ := mail.Parse(raw, p); m != nil {
			msgs = append(msgs, m)
		}
	}
	all = append(all, series.Assemble(msgs).Series...)
	for v := 1; v <= 7; v++ {
		vp, _ := filepath.Glob(filepath.Join(corpus.Path(b, "leitao-ioctl"), "v"+itoa(v)+"-[01]-*.eml"))
		all = append(all, loadSeries(b, vp...))
	}
	// Wall time per patch, and CPU time per patch: the machine the
	// benchmark runs on may be shared, and CPU time does not count the
	// time other processes take.
	var wall, cpu []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range all {
			if len(s.Patches) == 0 {
				continue
			}
			start, startCPU := time.Now(), cpuTime()
			if _, err := Run(context.Background(), s, &Env{}); err != nil {
				b.Fatal(err)
			}
			n := float64(len(s.Patches))
			wall = append(wall, float64(time.Since(start).Microseconds())/1000/n)
			cpu = append(cpu, float64((cpuTime()-startCPU).Microseconds())/1000/n)
		}
	}
	b.StopTimer()
	sort.Float64s(wall)
	sort.Float64s(cpu)
	b.ReportMetric(wall[len(wall)/2], "ms/patch-median")
	b.ReportMetric(wall[len(wall)*9/10], "ms/patch-p90")
	b.ReportMetric(cpu[len(cpu)/2], "cpu-ms/patch-median")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
