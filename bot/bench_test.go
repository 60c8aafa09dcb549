package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/internal/imaptest"
	"github.com/patchbot/patchbot/mail"
)

// BenchmarkAppendToReply measures one IMAP APPEND of a one-patch series
// with a finding to the reply arriving at the SMTP server, through the
// whole watch pipeline on the in-process servers, grace 0.
func BenchmarkAppendToReply(b *testing.B) {
	srv := imaptest.Start(b)
	tb := newTestBot(b, srv.Addr, srv.User, srv.Password, 0)
	tb.cfg.Log.Level = "warn"
	tb.start()
	patch := demoSeries(b, "2-dropped-user")[0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		raw := bytes.Replace(patch, []byte("Message-Id: <"), []byte(fmt.Sprintf("Message-Id: <bench%d.", i)), 1)
		srv.Append("INBOX", raw, time.Time{})
		tb.waitReplies(i + 1)
	}
	b.StopTimer()
	tb.stop()
}

// BenchmarkReplayIouring replays the corpus's iouring-2023.mbox (3,981
// mails of the io-uring list, 2023) through the whole pipeline: spool
// (synced as the list bot syncs it: before each commit), store, assembly,
// the checks without a tree, replies to the dry-run outbox. It reports the
// replies, the store's commits after Open (bbolt syncs the file twice per
// commit), the spool's segment files, the Go heap and the process's peak
// RSS (getrusage maxrss). The spool appends to a few segments: a file per
// mail, as it was, cost 1.2 s more here (on ext4 without a journal a file
// created soon after many were deleted costs up to half a millisecond of
// kernel CPU).
func BenchmarkReplayIouring(b *testing.B) {
	b.Run("disk", func(b *testing.B) { benchmarkReplay(b, b.TempDir) })
	// On tmpfs fsync costs nothing: what is left is the pipeline's CPU.
	b.Run("tmpfs", func(b *testing.B) {
		if st, err := os.Stat("/dev/shm"); err != nil || !st.IsDir() {
			b.Skip("no /dev/shm")
		}
		benchmarkReplay(b, func() string {
			d, err := os.MkdirTemp("/dev/shm", "patchbot-bench-")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { os.RemoveAll(d) })
			return d
		})
	})
}

func benchmarkReplay(b *testing.B, tempDir func() string) {
	path := corpus.Path(b, "iouring-2023.mbox")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var st bot.PipelineStats
	var replies, commits, segments int
	var before syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := tempDir()
		store, err := bot.Open(filepath.Join(dir, "state", "patchbot.db"))
		if err != nil {
			b.Fatal(err)
		}
		first := bot.StoreTxID(b, store)
		outDir := filepath.Join(dir, "outbox")
		spool := &bot.Spool{Dir: filepath.Join(dir, "spool"), Sync: true}
		p, err := bot.NewPipeline(store, spool,
			&mail.DirOutbox{Dir: outDir, Log: slog.New(slog.DiscardHandler)},
			bot.PipelineOptions{From: mail.Address{Name: "patchbot", Email: "bot@patchbot.test"}, BotDomain: "patchbot.test"})
		if err != nil {
			b.Fatal(err)
		}
		err = p.AddAll(ctx, func(add func(raw []byte, source string) error) error {
			return mail.ReadMbox(ctx, bytes.NewReader(data), path, add)
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Process(ctx); err != nil {
			b.Fatal(err)
		}
		st = p.Stats()
		ents, _ := os.ReadDir(outDir)
		replies = len(ents)
		commits = bot.StoreTxID(b, store) - first
		if err := errors.Join(spool.Close(), store.Close()); err != nil {
			b.Fatal(err)
		}
		segments = countFiles(b, spool.Dir, ".mbox")
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	// CPU time is what the pipeline costs whatever else the machine runs.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(st.Mails), "mails")
	b.ReportMetric(float64(st.SeriesReviewed), "series")
	b.ReportMetric(float64(replies), "replies")
	b.ReportMetric(float64(commits), "commits")
	b.ReportMetric(float64(segments), "segments")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
}

// countFiles counts the files under dir whose names end in suffix.
func countFiles(b *testing.B, dir, suffix string) int {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, suffix) {
			n++
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
