package model

import (
	"regexp"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/series"
)

// structOpen matches a hunk header that leaves the hunk inside a struct
// definition ("struct proto {") or a struct initializer ("static const
// struct proto_ops inet_stream_ops = {").
var structOpen = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:[A-Za-z_]\w*\s+)*struct\s+([A-Za-z_]\w*)\s*(?:([A-Za-z_]\w*)\s*(?:\[\s*\w*\s*\]\s*)?=\s*)?\{\s*$`)
})

// reSpace are the bytes of \s in Go's regexp syntax.
const reSpace = " \t\n\f\r"

// structHeader is structOpen's submatches of a hunk header, nil when it
// does not match; a header that does not say "struct" and end in "{"
// cannot.
func structHeader(h string) []string {
	if !strings.Contains(h, "struct") || !strings.HasSuffix(strings.TrimRight(h, reSpace), "{") {
		return nil
	}
	return structOpen().FindStringSubmatch(h)
}

// opensStruct reports whether a hunk header matches structOpen.
func opensStruct(h string) bool { return structHeader(h) != nil }

// newHunkImage builds the pre-image (post=false) or post-image of a hunk.
// When the hunk header says the hunk starts inside a struct definition or
// initializer, the header line is put back in front (and the braces it
// opens closed at the end) so that the fragment parses as what it is.
func newHunkImage(file string, h *series.Hunk, post bool) *Image {
	im := &Image{File: file, header: h.Function}
	body := make([]series.Line, 0, len(h.Lines))
	size := len(h.Function) + 1
	for _, l := range h.Lines {
		switch {
		case l.Op == series.OpContext:
			body = append(body, l)
		case l.Op == series.OpAdd && post, l.Op == series.OpDelete && !post:
			body = append(body, l)
		default:
			continue
		}
		size += len(l.Text) + 1
	}
	// At most a header line in front and a closing line behind.
	im.text = make([]string, 0, len(body)+2)
	im.fileLine = make([]int, 0, len(body)+2)
	im.changed = make([]bool, 0, len(body)+2)
	src := make([]byte, 0, size+16)
	add := func(text string, fileLine int, changed bool) {
		src = append(append(src, text...), '\n')
		im.text = append(im.text, text)
		im.fileLine = append(im.fileLine, fileLine)
		im.changed = append(im.changed, changed)
	}
	wrap := false
	if opensStruct(h.Function) {
		// git names the last struct opened above the hunk even when the hunk
		// lies after its closing brace: the hunk is inside when it closes the
		// struct, or when its first code line is indented (kernel style puts
		// members and initializer fields one tab in, file-scope code at
		// column 0).
		depth, minDepth, closes := 1, 1, false
		for _, l := range body {
			depth += strings.Count(l.Text, "{") - strings.Count(l.Text, "}")
			minDepth = min(minDepth, depth)
			closes = closes || depth == 0
		}
		wrap = minDepth >= 0 && (closes || firstCodeIndented(body))
	}
	if wrap {
		add(h.Function, 0, false)
	}
	// A hunk that starts inside a block comment would feed the comment's
	// words to the parser as code: blank them, keeping the lines.
	inComment := leadingCommentLines(body)
	depth := 1
	for i, l := range body {
		line := l.NewLine
		if !post {
			line = l.OldLine
		}
		text := l.Text
		if i < inComment {
			text = ""
		}
		add(text, line, l.Op != series.OpContext)
		depth += strings.Count(l.Text, "{") - strings.Count(l.Text, "}")
	}
	if wrap && depth > 0 {
		add(strings.Repeat("}", depth)+";", 0, false)
	}
	im.src = src
	return im
}

// leadingCommentLines returns how many leading lines of a hunk lie inside
// a block comment opened above the hunk: the lines up to the first "*/"
// that comes before any "/*", or, when the hunk ends (or 40 lines pass)
// before any comment marker, the leading lines written as comment
// continuations (" * text", kernel style) — example code in a comment
// must not be read as code.
func leadingCommentLines(body []series.Line) int {
	for i, l := range body {
		open, end := strings.Index(l.Text, "/*"), strings.Index(l.Text, "*/")
		switch {
		case end >= 0 && (open < 0 || end < open):
			return i + 1
		case open >= 0:
			return continuationLines(body[:i])
		}
		if i > 40 {
			break
		}
	}
	return continuationLines(body)
}

// commentContinuation matches a line inside a kernel-style block comment:
// " * text" or a lone " *"; a dereference such as "*p = 0;" has no blank
// after its star.
var commentContinuation = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\*(\s|$)`) })

// continuationLines counts the leading lines that are comment
// continuations; blank lines count only between them.
func continuationLines(body []series.Line) int {
	n := 0
	for i, l := range body {
		switch {
		case strings.HasPrefix(strings.TrimLeft(l.Text, reSpace), "*") && commentContinuation().MatchString(l.Text):
			n = i + 1
		case strings.TrimSpace(l.Text) == "" && n > 0:
		default:
			return n
		}
	}
	return n
}

// firstCodeIndented reports whether the first line of code (not blank, not
// a preprocessor line or comment) starts with white space.
func firstCodeIndented(body []series.Line) bool {
	for _, l := range body {
		t := strings.TrimSpace(l.Text)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "//") {
			continue
		}
		return l.Text[0] == ' ' || l.Text[0] == '\t'
	}
	return false
}
