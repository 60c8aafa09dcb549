package main

import (
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
)

// runFigures is what `--stats` says of a run: what was read and reviewed,
// how the parses were answered, and what the process cost.
type runFigures struct {
	start time.Time
	mails int
	run   *review.Run
}

// write prints the figures as one line on w.
func (f runFigures) write(w io.Writer) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	var st review.RunStats
	tree := "no tree"
	if f.run != nil {
		st = f.run.Stats
		if f.run.Tree {
			tree = "tree"
		}
	}
	p := st.Parses
	// Maxrss is in KiB on Linux.
	fmt.Fprintf(w, "patchbot: stats: %s, %d series reviewed (%s); parses: %d from memory, %d from the store, %d parsed (%.1f MB of C); %.2fs wall, %.2fs CPU, peak RSS %d MB\n",
		report.Plural(f.mails, "mail", "mails"), st.Series, tree, p.Hits, p.StoreHits, p.Parsed, float64(p.ParsedBytes)/1e6,
		time.Since(f.start).Seconds(), cpu.Seconds(), ru.Maxrss/1024)
}
