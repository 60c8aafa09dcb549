package model

import (
	"fmt"
	"strings"
	"sync"
)

// Stats counts, over one run (a `patchbot check`, a triage, a bot pass),
// what the checks left unread or read from the diff alone, so that a door
// can say it once at the end instead of once per series. It is safe for
// concurrent use.
type Stats struct {
	mu sync.Mutex
	// series reviewed with a tree, and the ones not based on it.
	treeSeries, elsewhere int
	// series with files taken from the diff, by reason.
	diverged map[string]int
	// userSeries are series of userspace projects; userFiles the
	// userspace files of kernel series.
	userSeries, userFiles int
	// staleDropped counts findings left out because they rested only on
	// tree files the series does not touch, in a tree it is not based on.
	staleDropped int
}

// NewStats returns empty run statistics.
func NewStats() *Stats { return &Stats{diverged: map[string]int{}} }

func (st *Stats) add(f func(*Stats)) {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	f(st)
}

// Summary is what the run should tell its user, one sentence a line;
// nil when there is nothing to say.
func (st *Stats) Summary() []string {
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []string
	if st.userSeries > 0 || st.userFiles > 0 {
		out = append(out, fmt.Sprintf("kernel rules apply to kernel code only: %s of userspace projects and %s of userspace code in kernel series (tools/, samples/, selftests, ...) were not reviewed",
			plural(st.userSeries, "series", "series"), plural(st.userFiles, "file", "files")))
	}
	if st.treeSeries > 0 && (st.elsewhere > 0 || len(st.diverged) > 0) {
		s := fmt.Sprintf("tree: %d of %s are not based on the tree (their files differ from the patches' index lines)",
			st.elsewhere, plural(st.treeSeries, "series", "series"))
		var read []string
		if n := st.diverged[divergedHunks]; n > 0 {
			read = append(read, fmt.Sprintf("%s files whose hunks do not apply to the tree", plural(n, "series has", "series have")))
		}
		if n := st.diverged[divergedMissing]; n > 0 {
			read = append(read, fmt.Sprintf("%s files the tree lacks (renamed or moved since)", plural(n, "series has", "series have")))
		}
		if len(read) > 0 {
			s += "; " + strings.Join(read, " and ") + ": those files were read from the diff alone"
		}
		if st.staleDropped > 0 {
			s += fmt.Sprintf("; %s resting only on tree files those series do not touch left out", plural(st.staleDropped, "finding", "findings"))
		}
		out = append(out, s)
	}
	return out
}

// Reasons a series' file is read from the diff instead of the tree.
const (
	divergedHunks   = "hunks do not apply"
	divergedMissing = "not in the tree"
)

// plural renders "1 file" or "3 files".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
