package all_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/all"
	"github.com/patchbot/patchbot/checks/callbacksig"
	"github.com/patchbot/patchbot/checks/droppeduser"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/checks/unconverted"
	"github.com/patchbot/patchbot/internal/checktest"
	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

func TestChecksRegistry(t *testing.T) {
	reg, err := all.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := reg.IDs()
	if want := "dropped-user callback-signature unconverted-implementer karg-type"; strings.Join(ids, " ") != want {
		t.Errorf("checks %q, want %q", ids, want)
	}
	// Run gives the union of the checks' own findings.
	s := checktest.LoadFixture(t, "cb")
	union, err := reg.Run(context.Background(), s, &model.Env{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range []checks.Check{droppeduser.Check{}, callbacksig.Check{}, unconverted.Check{}} {
		fs, err := checktest.Run(context.Background(), c, s, &model.Env{})
		if err != nil {
			t.Fatal(err)
		}
		n += len(fs)
	}
	if len(union) != n || n == 0 {
		t.Errorf("Run gave %d findings, the checks one by one %d", len(union), n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := reg.Run(ctx, s, &model.Env{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context: %v", err)
	}
}

func TestTreeStats(t *testing.T) {
	// The fixture tree is the base of every fixture series: all hunks
	// apply and nothing is said; a tree that lacks the context says so once.
	var notes []string
	env := &model.Env{Tree: checktest.FixtureTree(t), Note: func(s string) { notes = append(notes, s) }, Stats: model.NewStats()}
	if _, err := runChecks(t, checktest.LoadFixture(t, "good-user"), env); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 || len(env.Stats.Summary()) != 0 {
		t.Errorf("notes on a tree the series applies to: %q, summary %q", notes, env.Stats.Summary())
	}
	s := checktest.LoadFixture(t, "good-user")
	for _, p := range s.Patches {
		for _, f := range p.Files {
			for i := range f.Hunks {
				for j := range f.Hunks[i].Lines {
					if f.Hunks[i].Lines[j].Op == series.OpContext {
						f.Hunks[i].Lines[j].Text += " /* drifted */"
						break
					}
				}
			}
		}
	}
	if _, err := runChecks(t, s, env); err != nil {
		t.Fatal(err)
	}
	want := "tree: 1 of 2 series are not based on the tree (their files differ from the patches' index lines); 1 series has files whose hunks do not apply to the tree: those files were read from the diff alone"
	if sum := env.Stats.Summary(); len(sum) != 1 || sum[0] != want {
		t.Errorf("summary %q, want %q", sum, want)
	}
}

func TestUnconvertedNotReportedTwice(t *testing.T) {
	fs, err := runChecks(t, checktest.LoadFixture(t, "conv"), &model.Env{Tree: checktest.FixtureTree(t)})
	if err != nil {
		t.Fatal(err)
	}
	quotes := map[string][]string{
		"baz_ioctl": {"net/baz/baz.c:4: static int baz_ioctl(struct sock *sk, int cmd, unsigned long arg)", "net/baz/baz.c:11: .baz_prot.ioctl = baz_ioctl"},
		"qux_ioctl": {"net/qux/qux.c:6: static int qux_ioctl(struct sock *sk, int cmd, unsigned long arg)", "net/qux/qux.c:21: .qux_prot.ioctl = qux_ioctl"},
	}
	for _, f := range fs {
		if f.Check != unconverted.ID {
			t.Errorf("only unconverted-implementer should report on this series, got %s %s:%d %s", f.Check, f.File, f.Line, f.Symbol)
		}
		if want := quotes[f.Symbol]; !slices.Equal(f.Quote, want) {
			t.Errorf("%s quote %q, want %q", f.Symbol, f.Quote, want)
		}
	}
	if len(fs) != len(quotes) {
		t.Errorf("%d findings, want %d:\n%s", len(fs), len(quotes), checktest.Brief(fs))
	}
}

// BenchmarkChecksNoTree runs all checks without a tree on the accepted
// netdev series of the corpus (netdev-clean/, 29 patches) and the seven
// versions of the struct proto ioctl conversion (leitao-ioctl/, each a
// single ~1,000-line patch), and reports the median time per patch.
func BenchmarkChecksNoTree(b *testing.B) {
	var ss []*series.Series
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
	ss = append(ss, series.Assemble(msgs).Series...)
	for v := 1; v <= 7; v++ {
		vp, _ := filepath.Glob(filepath.Join(corpus.Path(b, "leitao-ioctl"), "v"+strconv.Itoa(v)+"-[01]-*.eml"))
		ss = append(ss, checktest.LoadSeries(b, vp...))
	}
	// Wall time per patch, and CPU time per patch: the machine the
	// benchmark runs on may be shared, and CPU time does not count the
	// time other processes take.
	var wall, cpu []float64
	reg, err := all.New()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range ss {
			if len(s.Patches) == 0 {
				continue
			}
			start, startCPU := time.Now(), cpuTime()
			if _, err := reg.Run(context.Background(), s, &model.Env{}, nil); err != nil {
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
