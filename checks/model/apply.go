package model

import (
	"strings"

	"github.com/patchbot/patchbot/series"
)

// splitLines splits file content into lines without their newlines.
func splitLines(b []byte) []string {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// hunkPre returns the hunk's pre-image lines (context and removed).
func hunkPre(h *series.Hunk) []string {
	var pre []string
	for _, l := range h.Lines {
		if l.Op != series.OpAdd {
			pre = append(pre, l.Text)
		}
	}
	return pre
}

// locate finds where the pre-image pre starts in lines, searching outwards
// from the expected 0-based position want, the way `patch` and `git apply`
// tolerate offsets; -1 when it is nowhere (the tree lags or leads).
func locate(lines, pre []string, want int) int {
	match := func(at int) bool {
		if at < 0 || at+len(pre) > len(lines) {
			return false
		}
		for i, p := range pre {
			if strings.TrimRight(lines[at+i], " \t") != strings.TrimRight(p, " \t") {
				return false
			}
		}
		return true
	}
	if len(pre) == 0 {
		if want >= 0 && want <= len(lines) {
			return want
		}
		return -1
	}
	for d := 0; d <= len(lines); d++ {
		if match(want - d) {
			return want - d
		}
		if d > 0 && match(want+d) {
			return want + d
		}
		if want-d < 0 && want+d > len(lines) {
			break
		}
	}
	return -1
}

// wholeLine is one line of a file being patched in memory: its text, the
// patch's new line number when the line lies in an applied hunk (or was
// shifted along with one), and whether the patch added it.
type wholeLine struct {
	text    string
	newLine int
	added   bool
}

// applyFile applies the hunks of one file of a patch to the file's current
// content in memory. Line numbers of the result are the patch's new line
// numbers: inside an applied hunk they come from the hunk, elsewhere they
// are shifted by the offset of the nearest hunk above. It returns the new
// content and the hunks that did not apply.
func applyFile(cur []string, f *series.File) ([]wholeLine, []*series.Hunk) {
	n := len(cur)
	for _, h := range f.Hunks {
		n += h.NewLines
	}
	out := make([]wholeLine, 0, n)
	var failed []*series.Hunk
	pos := 0 // next unconsumed line of cur
	// copyTo copies unchanged lines, numbering them so that they line up
	// with the hunk they lead to (shift = patch new line - 1-based index).
	copyTo := func(end, shift int) {
		for ; pos < end && pos < len(cur); pos++ {
			out = append(out, wholeLine{text: cur[pos], newLine: pos + 1 + shift})
		}
	}
	shift := 0
	for i := range f.Hunks {
		h := &f.Hunks[i]
		pre := hunkPre(h)
		want := h.OldStart - 1
		if h.OldLines == 0 {
			want = h.OldStart // "@@ -k,0" inserts after line k
		}
		at := locate(cur[pos:], pre, want-pos)
		if at < 0 {
			failed = append(failed, h)
			continue
		}
		at += pos
		copyTo(at, h.NewStart-1-at)
		for _, l := range h.Lines {
			switch l.Op {
			case series.OpContext:
				out = append(out, wholeLine{text: l.Text, newLine: l.NewLine})
				pos++
			case series.OpDelete:
				pos++
			case series.OpAdd:
				out = append(out, wholeLine{text: l.Text, newLine: l.NewLine, added: true})
			}
		}
		// Lines after the last hunk continue its numbering.
		shift = h.NewStart + h.NewLines - 1 - pos
		if h.NewLines == 0 {
			shift = h.NewStart - pos
		}
	}
	copyTo(len(cur), shift)
	return out, failed
}

// wholeImage turns patched lines into a parseable image.
func wholeImage(file string, lines []wholeLine) *Image {
	im := &Image{File: file, whole: true}
	size := 0
	for _, l := range lines {
		size += len(l.text) + 1
	}
	src := make([]byte, 0, size)
	if len(lines) > 0 {
		im.text = make([]string, 0, len(lines))
		im.fileLine = make([]int, 0, len(lines))
		im.changed = make([]bool, 0, len(lines))
	}
	for _, l := range lines {
		src = append(append(src, l.text...), '\n')
		im.text = append(im.text, l.text)
		im.fileLine = append(im.fileLine, l.newLine)
		im.changed = append(im.changed, l.added)
	}
	im.src = src
	return im
}
