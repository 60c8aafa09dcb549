// Package series turns decoded mail into patch series: it parses subject
// prefixes, assembles cover letters and patches into series the way b4 and
// maintainers do, and parses each patch's diff with go-gitdiff.
package series

import (
	"time"

	"github.com/patchbot/patchbot/mail"
)

// Subject is a parsed subject line such as
// "[RFC PATCH net-next v3 2/5] net: foo: bar".
type Subject struct {
	// Raw is the subject as it came.
	Raw string
	// Title is the subject with all prefixes (brackets, Re:) removed.
	Title string
	// Prefixes are the words found inside the leading bracket groups, in
	// order, e.g. ["RFC", "PATCH", "net-next", "v3", "2/5"].
	Prefixes []string
	// Tree is the tree tag ("net-next", "bpf", "iwl-next"), if any.
	Tree string
	// Version is the series version (1 when none is given).
	Version int
	// Index and Total come from the "k/n" counter; both 0 when absent.
	Index, Total int
	RFC          bool
	Resend       bool
	// IsPatch is true when a bracket group says PATCH (or the subject has
	// a counter in a patch-like group), and the mail is not a reply.
	IsPatch bool
	// IsReply is true for Re:/RE:/Aw:/Fwd: style subjects.
	IsReply bool
}

// LineOp is the kind of a diff line.
type LineOp int

// Diff line kinds.
const (
	OpContext LineOp = iota
	OpAdd
	OpDelete
)

// Line is one line of a hunk with its position in the pre-image (OldLine)
// and post-image (NewLine); the number is 0 on the side the line is not in.
type Line struct {
	Op      LineOp
	Text    string // without the trailing newline
	OldLine int
	NewLine int
}

// Hunk is one "@@ -a,b +c,d @@ function" fragment.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Function is the function context git printed after the @@.
	Function string
	Lines    []Line
}

// File is one file a patch touches.
type File struct {
	OldName, NewName string
	IsNew, IsDelete  bool
	IsRename, IsCopy bool
	IsBinary         bool
	OldMode, NewMode uint32
	// OldOID and NewOID are the abbreviated git blob ids of the file
	// before and after the patch, from its "index a..b" line ("" when the
	// patch has none): they tell whether a tree holds the file the patch
	// was made against.
	OldOID, NewOID string
	Hunks          []Hunk
	// Added and Deleted count lines for the diffstat.
	Added, Deleted int
}

// Name is the path the file has after the patch (the old path for a
// deletion).
func (f *File) Name() string {
	if f.IsDelete || f.NewName == "" {
		return f.OldName
	}
	return f.NewName
}

// Trailer is one "Key: value" line of the commit message tail
// (Signed-off-by, Fixes, Reviewed-by, Link, ...).
type Trailer struct {
	Key   string
	Value string
}

// Patch is one mail of a series that carries a diff.
type Patch struct {
	Msg     *mail.Message
	Subject Subject
	// Index and Total from the subject counter (1/1 for a lone patch).
	Index, Total int
	// Author is the patch author: the in-body From: when present, else
	// the mail's From.
	Author mail.Address
	// CommitMessage is the log message without the subject line and
	// without the trailers.
	CommitMessage string
	Trailers      []Trailer
	// Diffstat is the diffstat block as sent (may be empty).
	Diffstat string
	// BaseCommit is the "base-commit:" value, if any.
	BaseCommit string
	Files      []*File
	// DiffText is the raw diff part of the body (from the first "diff --git"
	// or "--- " line), kept for applying the patch to a tree.
	DiffText string

	// spilled is set when the assembler wrote the body to a Spill: the
	// body, diff and commit message are there only between Series.Load
	// and Series.Release.
	spilled *spilled
}

// Series is one version of a patch series: a cover letter (optional) and
// its patches placed by counter.
type Series struct {
	// ID is the Message-ID the series is known by: the cover letter's, or
	// the first patch's when there is no cover.
	ID      string
	Title   string
	Version int
	Tree    string
	RFC     bool
	Resend  bool
	Author  mail.Address
	Date    time.Time
	// Cover is the cover letter (0/N or a naked cover), nil when none.
	Cover *mail.Message
	// Total is the number of patches announced.
	Total int
	// Patches holds the patches in order of index; a missing patch leaves
	// no entry (see Missing).
	Patches  []*Patch
	Complete bool
	// Missing lists the 1-based indices that did not arrive.
	Missing []int
	// Versions links the other versions of the same series (same title
	// and author), oldest first; it does not include this series.
	Versions []*Series
	// Problems lists assembly notes (duplicates dropped, patch without
	// parsable diff, ...), for the user to read.
	Problems []string
}
