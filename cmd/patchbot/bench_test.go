package main

import (
	"path/filepath"
	"syscall"
	"testing"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/internal/kerneltree"
)

// onePatch is the merged 2023 conversion: 39 KB, 30 files, the patch the
// sendemail-validate hook and b4's per-patch check see.
const onePatch = "leitao-ioctl/v7-1-net-ioctl-use-kernel-memory-on-protocol-ioctl-callbacks.eml"

// The figures of issue 10, in-process (a process adds its start-up, ~3 ms
// here). Corpus: iouring-2023.mbox (3,981 mails, 419 series) and the merged
// ioctl conversion; tree: linux 6.1's net/ and include/ (kerneltree), its
// index and parses warm after the first iteration. peak-RSS-MB is the
// process's high-water mark so far, so run one benchmark at a time
// (-bench 'CheckIouring/tree$') to read it for that case.
func BenchmarkCheckIouring(b *testing.B) {
	mbox := corpus.Path(b, "iouring-2023.mbox")
	b.Run("no-tree", func(b *testing.B) { benchCheck(b, "--format", "json", "--fail-on", "never", mbox) })
	b.Run("tree", func(b *testing.B) {
		tree := kerneltree.Linux61(b)
		b.Setenv("XDG_CACHE_HOME", filepath.Join(b.TempDir(), "cache"))
		// The first run indexes the tree and fills the parse store.
		runCmd(b, runCheck, "--format", "json", "--fail-on", "never", "--tree", tree, mbox)
		b.ResetTimer()
		benchCheck(b, "--format", "json", "--fail-on", "never", "--tree", tree, mbox)
	})
}

// BenchmarkCheckOnePatch is `patchbot check` of one patch, without and
// with a warm tree (goals: 6 ms and 150 ms per process).
func BenchmarkCheckOnePatch(b *testing.B) {
	patch := corpus.Path(b, onePatch)
	b.Run("no-tree", func(b *testing.B) { benchCheck(b, "--fail-on", "never", patch) })
	b.Run("tree", func(b *testing.B) {
		tree := kerneltree.Linux61(b)
		b.Setenv("XDG_CACHE_HOME", filepath.Join(b.TempDir(), "cache"))
		// The first run indexes the tree and fills the parse store.
		runCmd(b, runCheck, "--fail-on", "never", "--tree", tree, patch)
		b.ResetTimer()
		benchCheck(b, "--fail-on", "never", "--tree", tree, patch)
	})
}

func benchCheck(b *testing.B, args ...string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if code, _, errOut := runCmd(b, runCheck, args...); code != exitClean {
			b.Fatalf("exit %d: %s", code, tail(errOut))
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
}
