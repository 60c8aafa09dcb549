package main

import (
	"fmt"
	"io"

	"github.com/patchbot/patchbot/series"
)

// spilledAssembly is how check and triage assemble what they read: patch
// bodies past series.DefaultSpillKeep wait on disk for their review, so
// that a list archive costs the memory of the series under review.
type spilledAssembly struct {
	*series.Assembler
	spill *series.Spill
}

func newSpilledAssembly() *spilledAssembly {
	spill := series.NewSpill("", series.DefaultSpillKeep)
	return &spilledAssembly{Assembler: series.NewAssembler(series.AssembleOptions{Spill: spill}), spill: spill}
}

// result assembles what was added; a spill that could not write (the
// mail was kept in memory) is noted on w, unless w is nil.
func (a *spilledAssembly) result(w io.Writer) *series.Result {
	res := a.Result()
	if err := a.spill.Err(); err != nil && w != nil {
		fmt.Fprintf(w, "patchbot: note: %v; the mail is kept in memory instead\n", err)
	}
	return res
}

// close frees the spill, once the review is done.
func (a *spilledAssembly) close() { a.spill.Close() }
