package checks

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// image is one piece of C source the checks parse: a hunk's pre- or
// post-image, or a whole file after a patch was applied to the tree. Lines
// of the image map back to lines of the file on its side of the diff.
type image struct {
	// File is the path of the file the image belongs to.
	File string
	src  []byte
	// fileLine[i] is the file line of image line i+1 (0 for lines we
	// synthesised, such as a struct header recovered from the hunk header).
	fileLine []int
	// changed[i] is true when image line i+1 was added (post-image) or
	// removed (pre-image) by the patch.
	changed []bool
	// text[i] is image line i+1 as written.
	text []string
	// header is the hunk header's function context, for recovering the
	// enclosing function or initializer of a fragment.
	header string
	// whole is true for a whole-file image.
	whole bool
	// patch is the index of the patch the image belongs to.
	patch int
	unit  *cfront.Unit
	// conds caches conditions().
	conds [][]condLevel
	// hdr caches the parse of header.
	hdr *cfront.Func
}

// FileLine maps an image line to its file line (0 when out of range or
// synthetic).
func (im *image) FileLine(l int) int {
	if l < 1 || l > len(im.fileLine) {
		return 0
	}
	return im.fileLine[l-1]
}

// Changed reports whether image line l was added or removed by the patch.
func (im *image) Changed(l int) bool {
	if l < 1 || l > len(im.changed) {
		return false
	}
	return im.changed[l-1]
}

// Text returns image line l.
func (im *image) Text(l int) string {
	if l < 1 || l > len(im.text) {
		return ""
	}
	return im.text[l-1]
}

// ChangedIn reports whether any line in [from, to] was changed.
func (im *image) ChangedIn(from, to int) bool {
	for l := from; l <= to; l++ {
		if im.Changed(l) {
			return true
		}
	}
	return false
}

// quote renders image lines [from, to] as "file:line: text" for a finding.
func (im *image) quote(from, to int) []string {
	if to < from {
		to = from
	}
	if to-from > 6 {
		to = from + 6
	}
	var q []string
	for l := from; l <= to; l++ {
		fl := im.FileLine(l)
		if fl == 0 {
			continue
		}
		q = append(q, fmt.Sprintf("%s:%d: %s", im.File, fl, strings.TrimRight(im.Text(l), " \t")))
	}
	return q
}

// structOpen matches a hunk header that leaves the hunk inside a struct
// definition ("struct proto {") or a struct initializer ("static const
// struct proto_ops inet_stream_ops = {").
var structOpen = regexp.MustCompile(`^\s*(?:[A-Za-z_]\w*\s+)*struct\s+([A-Za-z_]\w*)\s*(?:([A-Za-z_]\w*)\s*(?:\[\s*\w*\s*\]\s*)?=\s*)?\{\s*$`)

// newHunkImage builds the pre-image (post=false) or post-image of a hunk.
// When the hunk header says the hunk starts inside a struct definition or
// initializer, the header line is put back in front (and the braces it
// opens closed at the end) so that the fragment parses as what it is.
func newHunkImage(file string, h *series.Hunk, post bool) *image {
	im := &image{File: file, header: h.Function}
	var b strings.Builder
	add := func(text string, fileLine int, changed bool) {
		b.WriteString(text)
		b.WriteByte('\n')
		im.text = append(im.text, text)
		im.fileLine = append(im.fileLine, fileLine)
		im.changed = append(im.changed, changed)
	}
	var body []series.Line
	for _, l := range h.Lines {
		switch {
		case l.Op == series.OpContext:
			body = append(body, l)
		case l.Op == series.OpAdd && post, l.Op == series.OpDelete && !post:
			body = append(body, l)
		}
	}
	wrap := false
	if structOpen.MatchString(h.Function) {
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
	im.src = []byte(b.String())
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
var commentContinuation = regexp.MustCompile(`^\s*\*(\s|$)`)

// continuationLines counts the leading lines that are comment
// continuations; blank lines count only between them.
func continuationLines(body []series.Line) int {
	n := 0
	for i, l := range body {
		switch {
		case commentContinuation.MatchString(l.Text):
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

// parse parses the image once; a front-end failure leaves an empty unit
// (logged), since one unparsable fragment must not stop the review.
func (im *image) parse(ctx context.Context) *cfront.Unit {
	if im.unit != nil {
		return im.unit
	}
	u, err := cachedParse(ctx, im.header, im.src, func() (*cfront.Unit, error) {
		p, ok := ctx.Value(parserKey{}).(*cfront.Parser)
		if !ok {
			p = cfront.NewParser()
			defer p.Close()
		}
		return p.ParseFragment(ctx, im.src, im.header)
	})
	if err != nil || u == nil {
		slog.DebugContext(ctx, "C front end could not parse image", "file", im.File, "err", err)
		u = &cfront.Unit{}
	}
	im.unit = u
	return u
}

// headerFunc parses the function named by a hunk header ("int
// ipmr_ioctl(struct sock *sk, int cmd, void __user *arg)"), which git cuts
// at the end of the line: a cut parameter list is closed before parsing.
// It returns nil when the header names no function.
func (im *image) headerFunc() *cfront.Func {
	if im.hdr != nil {
		if im.hdr.Name == "" {
			return nil
		}
		return im.hdr
	}
	im.hdr = &cfront.Func{}
	h := strings.TrimSpace(im.header)
	if h == "" || !strings.Contains(h, "(") || structOpen.MatchString(h) {
		return nil
	}
	h = strings.TrimSuffix(strings.TrimSuffix(h, "{"), " ")
	if open := strings.Count(h, "(") - strings.Count(h, ")"); open > 0 {
		h = strings.TrimRight(h, ", \t") + strings.Repeat(")", open)
	}
	u, err := cfront.Parse([]byte(h + ";\n"))
	if err != nil || u == nil || len(u.Funcs) == 0 {
		return nil
	}
	f := u.Funcs[0]
	im.hdr = &f
	return im.hdr
}

// enclosing returns the function an entity at image line l with front-end
// context inFunc belongs to: inFunc when known, else (for a hunk starting
// inside a function) the function of the hunk header, provided no
// function of the fragment starts before l.
func (im *image) enclosing(inFunc string, l int) string {
	if inFunc != "" || im.whole {
		return inFunc
	}
	u := im.unit
	if u != nil {
		for _, f := range u.Funcs {
			if f.Definition && f.Line <= l {
				return ""
			}
		}
	}
	if hf := im.headerFunc(); hf != nil {
		return hf.Name
	}
	return ""
}
