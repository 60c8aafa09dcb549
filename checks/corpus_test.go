package checks

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/internal/kerneltree"
)

var (
	l61Once sync.Once
	l61     *TreeIndex
	l61Err  error
)

// linux61Index indexes net/ and include/ of linux 6.1 once per test binary,
// restricted to the files that mention struct proto or __user (what the
// checks look up in a tree). It skips without the Debian package
// linux-source-6.1.
func linux61Index(t *testing.T) *TreeIndex {
	t.Helper()
	root := kerneltree.Linux61(t)
	l61Once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		l61, l61Err = BuildIndex(context.Background(), root, IndexOptions{
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

// leitaoVersion lists the mails of version v of "net: ioctl: Use kernel
// memory on protocol ioctl callbacks" (v1 has a cover letter).
func leitaoVersion(t *testing.T, v int) []string {
	t.Helper()
	dir := corpus.Path(t, "leitao-ioctl")
	paths, err := filepath.Glob(filepath.Join(dir, "v"+itoa(v)+"-[01]-*.eml"))
	if err != nil || len(paths) == 0 {
		t.Skipf("leitao-ioctl v%d not in corpus", v)
	}
	sort.Strings(paths)
	return paths
}

func TestDebugLeitao(t *testing.T) {
	if os.Getenv("PATCHBOT_DEBUG") == "" {
		t.Skip("debug dump")
	}
	var tree *TreeIndex
	if os.Getenv("PATCHBOT_DEBUG_TREE") != "" {
		tree = linux61Index(t)
	}
	for v := 1; v <= 7; v++ {
		s := loadSeries(t, leitaoVersion(t, v)...)
		env := &Env{Tree: tree, Note: func(s string) { t.Logf("NOTE %s", s) }}
		fs, err := Run(context.Background(), s, env)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("v%d (%d patches):\n%s", v, len(s.Patches), brief(fs))
	}
}

// readMails parses every .eml file matching pattern in the corpus.
func readMails(t *testing.T, paths []string) []*mail.Message {
	t.Helper()
	var msgs []*mail.Message
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		m, err := mail.Parse(raw, p)
		if m == nil {
			t.Fatalf("parse %s: %v", p, err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// readMbox parses every message of an mbox in the corpus.
func readMbox(t *testing.T, path string) []*mail.Message {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var msgs []*mail.Message
	err = mail.ReadMbox(context.Background(), f, path, func(raw []byte, source string) error {
		if m, _ := mail.Parse(raw, source); m != nil {
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read mbox %s: %v", path, err)
	}
	return msgs
}

// runAll assembles msgs into series and runs every check on each.
func runAll(t *testing.T, msgs []*mail.Message, env *Env) (map[*series.Series][]Finding, int) {
	t.Helper()
	res := series.Assemble(msgs)
	out := map[*series.Series][]Finding{}
	patches := 0
	for _, s := range res.Series {
		patches += len(s.Patches)
		fs, err := Run(context.Background(), s, env)
		if err != nil {
			t.Fatalf("run checks on %q: %v", s.Title, err)
		}
		out[s] = fs
	}
	return out, patches
}

func TestDebugCorpora(t *testing.T) {
	if os.Getenv("PATCHBOT_DEBUG") == "" {
		t.Skip("debug dump")
	}
	var tree *TreeIndex
	if os.Getenv("PATCHBOT_DEBUG_TREE") != "" {
		tree = linux61Index(t)
	}
	env := &Env{Tree: tree}
	for _, dir := range []string{"sparse-found", "netdev-clean"} {
		paths, _ := filepath.Glob(filepath.Join(corpus.Path(t, dir), "*.eml"))
		res, n := runAll(t, readMails(t, paths), env)
		t.Logf("%s: %d series, %d patches", dir, len(res), n)
		for s, fs := range res {
			if len(fs) > 0 {
				t.Logf("  %s <%s>:\n%s", s.Title, s.ID, brief(fs))
			}
		}
	}
	if os.Getenv("PATCHBOT_DEBUG_MBOX") != "" {
		start := time.Now()
		res, n := runAll(t, readMbox(t, corpus.Path(t, "iouring-2023.mbox")), env)
		t.Logf("iouring: %d series, %d patches in %v", len(res), n, time.Since(start))
		for s, fs := range res {
			for _, f := range fs {
				t.Logf("  <%s> %s %s:%d %s: %s", f.MessageID, f.Check, f.File, f.Line, f.Symbol, f.Message)
			}
			_ = s
		}
	}
}
