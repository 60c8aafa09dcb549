package series

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"

	"github.com/patchbot/patchbot/mail"
)

// ErrNoDiff is returned by ParsePatch for a mail whose body carries no
// diff: a cover letter, a reply, a pull request.
var ErrNoDiff = errors.New("no diff in message body")

// ParsePatch parses a patch mail: the subject prefixes, the commit message
// with its in-body From:/Subject:/Date: pseudo-headers and trailers, the
// diffstat, the diff itself (through go-gitdiff) with old and new line
// numbers on every hunk line, and a trailing "base-commit:". A body without
// a diff yields ErrNoDiff.
func ParsePatch(m *mail.Message) (*Patch, error) {
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	parts, ok := splitBody(body)
	if !ok {
		return nil, fmt.Errorf("parse patch %q: %w", m.Subject, ErrNoDiff)
	}
	files, _, err := gitdiff.Parse(strings.NewReader(parts.diff))
	if err != nil {
		return nil, fmt.Errorf("parse diff of %q: %w", m.Subject, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("parse patch %q: %w", m.Subject, ErrNoDiff)
	}
	p := &Patch{
		Msg:        m,
		Subject:    ParseSubject(m.Subject),
		Author:     m.From,
		Diffstat:   parts.diffstat,
		BaseCommit: parts.baseCommit,
		DiffText:   parts.diff,
		Files:      make([]*File, 0, len(files)),
	}
	p.Index, p.Total = p.Subject.Index, p.Subject.Total
	if p.Total == 0 {
		p.Index, p.Total = 1, 1
	}
	msg := parseCommitMessage(parts.message)
	if msg.from != nil {
		p.Author = *msg.from
	}
	p.CommitMessage = msg.text
	p.Trailers = msg.trailers
	for _, f := range files {
		p.Files = append(p.Files, convertFile(f))
	}
	return p, nil
}

// bodyParts are the pieces of a patch mail body.
type bodyParts struct {
	message    string // before the "---" line (or the diff)
	diffstat   string // between "---" and the diff
	diff       string // from the first diff header to the signature
	baseCommit string
}

// splitBody cuts a patch body into commit message, diffstat and diff. It
// reports false when there is no diff. git format-patch writes:
//
//	commit message
//	---
//	 diffstat
//
//	diff --git a/x b/x
//	...
//	base-commit: <sha>      (optional)
//	--
//	2.39.2
func splitBody(body string) (bodyParts, bool) {
	start := diffStart(body)
	if start < 0 {
		return bodyParts{}, false
	}
	var bp bodyParts
	head := body[:start]
	// The last "---" line before the diff ends the commit message: an
	// earlier one may belong to the message (a quoted changelog).
	if sep := lastLine(head, func(l string) bool { return strings.TrimRight(l, " \t") == "---" }); sep >= 0 {
		bp.message = head[:sep]
		after := head[sep:]
		if nl := strings.IndexByte(after, '\n'); nl >= 0 {
			after = after[nl+1:]
		} else {
			after = ""
		}
		bp.diffstat = strings.Trim(after, "\n")
	} else {
		bp.message = head
	}
	diff := body[start:]
	bp.diff, bp.baseCommit = trimDiffTail(diff)
	return bp, true
}

// diffStart returns the offset of the first line that starts a diff: a
// "diff --git " header, or a traditional "--- a\n+++ b" pair, or -1.
func diffStart(body string) int {
	off := 0
	for off < len(body) {
		end := strings.IndexByte(body[off:], '\n')
		line := body[off:]
		next := len(body)
		if end >= 0 {
			line = body[off : off+end]
			next = off + end + 1
		}
		if strings.HasPrefix(line, "diff --git ") {
			return off
		}
		if strings.HasPrefix(line, "--- ") && strings.HasPrefix(body[next:], "+++ ") {
			// A traditional unified diff; a "@@" must follow for it to be
			// one rather than a quoted "--- " line.
			rest := body[next:]
			if nl := strings.IndexByte(rest, '\n'); nl >= 0 && strings.HasPrefix(rest[nl+1:], "@@ ") {
				return off
			}
		}
		off = next
	}
	return -1
}

// trimDiffTail removes what follows the last hunk that is not diff: the
// "-- " mail signature with git's version, and the "base-commit:" and
// "prerequisite-patch-id:" lines format-patch appends, returning the diff
// and the base commit. A line that is exactly "-- " can also be a deleted
// line reading "- ", so only the last one, followed by lines that are no
// hunk lines, counts as the signature.
func trimDiffTail(diff string) (string, string) {
	base := ""
	lines := strings.SplitAfter(diff, "\n")
	cut := len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimRight(lines[i], "\n")
		if l == "-- " || l == "--" {
			cut = i
			break
		}
	}
	if cut < len(lines) {
		// Everything after the signature line must look like a signature,
		// not like diff lines, for the cut to hold.
		for _, l := range lines[cut+1:] {
			if l != "" && strings.ContainsRune(" +-\\@", rune(l[0])) || strings.HasPrefix(l, "diff --git ") {
				cut = len(lines)
				break
			}
		}
	}
	kept := lines[:cut]
	for _, l := range kept {
		if v, ok := strings.CutPrefix(l, "base-commit:"); ok && base == "" {
			base = strings.TrimSpace(v)
		}
	}
	// Drop the format-patch footer lines (and the blank lines around them)
	// but keep trailing blank lines otherwise: "\n" is a context line to
	// git when a mailer stripped its leading space.
	for end := len(kept); end > 0; {
		i := end - 1
		for i >= 0 && kept[i] == "\n" {
			i--
		}
		if i < 0 || !isFooterLine(kept[i]) {
			break
		}
		kept = kept[:i]
		end = i
	}
	return strings.Join(kept, ""), base
}

// lastLine returns the offset of the last line of s for which match holds,
// or -1.
func lastLine(s string, match func(string) bool) int {
	found := -1
	off := 0
	for off < len(s) {
		end := strings.IndexByte(s[off:], '\n')
		line := s[off:]
		next := len(s)
		if end >= 0 {
			line = s[off : off+end]
			next = off + end + 1
		}
		if match(line) {
			found = off
		}
		off = next
	}
	return found
}

// convertFile maps a go-gitdiff file onto our File, numbering every hunk
// line in the pre-image and post-image.
func convertFile(f *gitdiff.File) *File {
	out := &File{
		OldName:  f.OldName,
		NewName:  f.NewName,
		IsNew:    f.IsNew,
		IsDelete: f.IsDelete,
		IsRename: f.IsRename,
		IsCopy:   f.IsCopy,
		IsBinary: f.IsBinary,
		OldMode:  uint32(f.OldMode),
		NewMode:  uint32(f.NewMode),
		OldOID:   f.OldOIDPrefix,
		NewOID:   f.NewOIDPrefix,
		Hunks:    make([]Hunk, 0, len(f.TextFragments)),
	}
	// "index a..b 100644" gives the mode of both sides; go-gitdiff puts
	// it in OldMode only.
	if out.NewMode == 0 && !out.IsDelete {
		out.NewMode = out.OldMode
	}
	for _, frag := range f.TextFragments {
		h := Hunk{
			OldStart: int(frag.OldPosition),
			OldLines: int(frag.OldLines),
			NewStart: int(frag.NewPosition),
			NewLines: int(frag.NewLines),
			Function: frag.Comment,
			Lines:    make([]Line, 0, len(frag.Lines)),
		}
		oldNo, newNo := h.OldStart, h.NewStart
		for _, l := range frag.Lines {
			line := Line{Text: strings.TrimSuffix(l.Line, "\n")}
			switch l.Op {
			case gitdiff.OpAdd:
				line.Op, line.NewLine = OpAdd, newNo
				newNo++
			case gitdiff.OpDelete:
				line.Op, line.OldLine = OpDelete, oldNo
				oldNo++
			default:
				line.Op, line.OldLine, line.NewLine = OpContext, oldNo, newNo
				oldNo++
				newNo++
			}
			h.Lines = append(h.Lines, line)
		}
		out.Added += int(frag.LinesAdded)
		out.Deleted += int(frag.LinesDeleted)
		out.Hunks = append(out.Hunks, h)
	}
	return out
}

// isFooterLine reports whether l is one of the lines git format-patch
// appends after the diff.
func isFooterLine(l string) bool {
	return strings.HasPrefix(l, "base-commit:") || strings.HasPrefix(l, "prerequisite-patch-id:") ||
		strings.HasPrefix(l, "change-id:")
}
