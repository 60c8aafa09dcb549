package checks

import (
	"bytes"
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
	// stale holds, for a whole-file image, the text of the hunks that did
	// not apply: what they touch is out of date in the image.
	stale string
	unit  *cfront.Unit
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
// that comes before any "/*".
func leadingCommentLines(body []series.Line) int {
	for i, l := range body {
		open, end := strings.Index(l.Text, "/*"), strings.Index(l.Text, "*/")
		switch {
		case end >= 0 && (open < 0 || end < open):
			return i + 1
		case open >= 0:
			return 0
		}
		if i > 40 {
			break
		}
	}
	return 0
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
	var u *cfront.Unit
	var err error
	if p, ok := ctx.Value(parserKey{}).(*cfront.Parser); ok {
		u, err = p.Parse(ctx, im.src)
	} else {
		u, err = cfront.Parse(im.src)
	}
	if err != nil || u == nil {
		slog.DebugContext(ctx, "C front end could not parse image", "file", im.File, "err", err)
		u = &cfront.Unit{}
	}
	im.unit = u
	return u
}

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
	var out []wholeLine
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
func wholeImage(file string, lines []wholeLine) *image {
	im := &image{File: file, whole: true}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
		im.text = append(im.text, l.text)
		im.fileLine = append(im.fileLine, l.newLine)
		im.changed = append(im.changed, l.added)
	}
	im.src = b.Bytes()
	return im
}

// hunkImages holds one hunk's two images and whether it applied to the
// tree.
type hunkImages struct {
	h         *series.Hunk
	pre, post *image
	// applied is true when the hunk applied to the tree's file (its
	// post-image is then part of the whole-file image).
	applied bool
}

// fileImages is one file of one patch.
type fileImages struct {
	patch int
	file  *series.File
	name  string
	hunks []*hunkImages
	// whole is the whole file after this patch, nil without a tree or when
	// the tree lacks the file.
	whole *image
}

// patchImages is one patch with its files.
type patchImages struct {
	p     *series.Patch
	files []*fileImages
}

// model is the parsed view of a series (and tree) that the checks share
// within one run: every image is built and parsed at most once.
type model struct {
	ctx     context.Context
	s       *series.Series
	env     *Env
	patches []*patchImages
	// failedHunks counts hunks that did not apply to the tree.
	failedHunks int
	noted       map[string]bool
	views       map[int][]*image
	ruleCache   *[]Rule
	implCache   map[string][]Implementer
	// parser is reused for every image of the run (one goroutine).
	parser *cfront.Parser
}

// parserKey carries the run's parser in the model's context.
type parserKey struct{}

// close frees the run's parser.
func (m *model) close() {
	if m.parser != nil {
		m.parser.Close()
		m.parser = nil
	}
}

// newModel builds the images of every patch of s and, with a tree, applies
// the series to the tree's files in memory, patch by patch.
func newModel(ctx context.Context, s *series.Series, env *Env) (*model, error) {
	if env == nil {
		env = &Env{}
	}
	parser := cfront.NewParser()
	ctx = context.WithValue(ctx, parserKey{}, parser)
	m := &model{ctx: ctx, s: s, env: env, noted: map[string]bool{}, views: map[int][]*image{}, parser: parser}
	state := map[string][]string{}
	for k, p := range s.Patches {
		if err := ctx.Err(); err != nil {
			m.close()
			return nil, fmt.Errorf("build images of %q: %w", s.Title, err)
		}
		pi := &patchImages{p: p}
		for _, f := range p.Files {
			if f.IsBinary || f.IsDelete {
				continue
			}
			fi := &fileImages{patch: k, file: f, name: f.Name()}
			for i := range f.Hunks {
				h := &f.Hunks[i]
				hi := &hunkImages{h: h, pre: newHunkImage(fi.name, h, false), post: newHunkImage(fi.name, h, true)}
				hi.pre.patch, hi.post.patch = k, k
				hi.pre.File = f.OldName
				if hi.pre.File == "" {
					hi.pre.File = fi.name
				}
				fi.hunks = append(fi.hunks, hi)
			}
			if env.Tree != nil {
				m.applyToTree(state, fi)
			}
			pi.files = append(pi.files, fi)
		}
		m.patches = append(m.patches, pi)
	}
	if m.failedHunks > 0 {
		m.note(fmt.Sprintf("%d hunks did not apply to the tree, using the hunks' own post-image for them", m.failedHunks))
	}
	return m, nil
}

// applyToTree applies one file of a patch to the in-memory state of the
// tree (read on first use; the tree itself is never written).
func (m *model) applyToTree(state map[string][]string, fi *fileImages) {
	f := fi.file
	old := f.OldName
	if old == "" {
		old = fi.name
	}
	cur, ok := state[old]
	if !ok {
		switch {
		case f.IsNew:
			ok = true
		default:
			data, err := m.env.Tree.ReadFile(old)
			if err != nil {
				slog.DebugContext(m.ctx, "file not in tree", "file", old, "err", err)
				return
			}
			cur, ok = splitLines(data), true
		}
	}
	lines, failed := applyFile(cur, f)
	fi.whole = wholeImage(fi.name, lines)
	fi.whole.patch = fi.patch
	bad := map[*series.Hunk]bool{}
	for _, h := range failed {
		bad[h] = true
	}
	var stale strings.Builder
	for _, hi := range fi.hunks {
		hi.applied = !bad[hi.h]
		if !hi.applied {
			stale.Write(hi.pre.src)
			stale.Write(hi.post.src)
		}
	}
	fi.whole.stale = stale.String()
	m.failedHunks += len(failed)
	next := make([]string, len(lines))
	for i, l := range lines {
		next[i] = l.text
	}
	if old != fi.name {
		delete(state, old)
	}
	state[fi.name] = next
}

// note passes a once-per-run notice to the environment.
func (m *model) note(msg string) {
	if m.noted[msg] {
		return
	}
	m.noted[msg] = true
	if m.env.Note != nil {
		m.env.Note(msg)
	}
}

// patchView returns the images a patch shows: for every file it touches,
// the whole file after it (plus the post-images of hunks that did not
// apply), or the hunks' post-images without a tree.
func (fi *fileImages) postImages() []*image {
	var ims []*image
	for _, hi := range fi.hunks {
		if fi.whole == nil || !hi.applied {
			ims = append(ims, hi.post)
		}
	}
	// The hunks that did not apply come first: what they define supersedes
	// the stale text the whole-file image still has there.
	if fi.whole != nil {
		ims = append(ims, fi.whole)
	}
	return ims
}

// view returns the post-images of every file touched by patches 0..k as
// they stand after patch k: the latest patch's images of each file first,
// then (without a whole-file image) older patches' hunks of the same file.
func (m *model) view(k int) []*image {
	if v, ok := m.views[k]; ok {
		return v
	}
	var ims []*image
	haveWhole := map[string]bool{}
	for j := k; j >= 0 && j < len(m.patches); j-- {
		for _, fi := range m.patches[j].files {
			if haveWhole[fi.name] {
				continue
			}
			for _, im := range fi.postImages() {
				im.parse(m.ctx)
				ims = append(ims, im)
			}
			if fi.whole != nil {
				haveWhole[fi.name] = true
			}
		}
	}
	m.views[k] = ims
	return ims
}

// last is the index of the last patch.
func (m *model) last() int { return len(m.patches) - 1 }

// wholeFiles reports the files of view k that are present as whole-file
// images (the tree's copy of them is stale).
func (m *model) wholeFiles(k int) map[string]bool {
	w := map[string]bool{}
	for _, im := range m.view(k) {
		if im.whole {
			w[im.File] = true
		}
	}
	return w
}

// seriesMessageID is the Message-ID series-level findings point at: the
// cover letter, or the first patch without one.
func (m *model) seriesMessageID() string {
	if m.s.Cover != nil {
		return m.s.Cover.MessageID
	}
	for _, p := range m.s.Patches {
		if p.Msg != nil {
			return p.Msg.MessageID
		}
	}
	return m.s.ID
}

// patchMessageID is the Message-ID of patch k.
func (m *model) patchMessageID(k int) string {
	if p := m.patches[k].p; p.Msg != nil {
		return p.Msg.MessageID
	}
	return ""
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

// funcSite is a function definition or prototype found in the series'
// images or in the tree index.
type funcSite struct {
	fn cfront.Func
	// im is the image the function is in, nil for the tree.
	im   *image
	file string
	line int
}

// touched reports whether patch k changed the function's declarator or
// parameters.
func (fs funcSite) touched(k int) bool {
	if fs.im == nil || fs.im.patch != k {
		return false
	}
	if fs.im.Changed(fs.fn.Line) {
		return true
	}
	for _, p := range fs.fn.Type.Params {
		if fs.im.Changed(p.Line) {
			return true
		}
	}
	end := fs.fn.Line
	for _, p := range fs.fn.Type.Params {
		end = max(end, p.Line)
	}
	// The closing parenthesis may sit on a line of its own.
	return fs.im.ChangedIn(fs.fn.Line, end)
}

// funcs finds every definition and prototype of name as of patch k: in the
// series' post-images first, then in the tree's files the series does not
// touch.
func (m *model) funcs(name string, k int) []funcSite {
	var out []funcSite
	seen := map[string]bool{}
	// A hunk that did not apply to the tree shows the function as the
	// patch leaves it; the whole-file image still has the old text there.
	// Likewise, without a tree, the newest patch showing the function in a
	// file supersedes what older patches' hunks showed of it.
	fromHunk := map[string]bool{}
	newest := map[string]int{}
	for _, im := range m.view(k) {
		for _, f := range im.unit.Funcs {
			if f.Name != name || !plausibleType(f.Type) {
				continue
			}
			// A declarator at the end of a fragment, cut before its body,
			// looks like a prototype; a real prototype ends with ";".
			if !f.Definition && !im.whole && !strings.Contains(im.Text(f.EndLine), ";") {
				continue
			}
			fl := im.FileLine(f.Line)
			key := fmt.Sprintf("%s:%d", im.File, fl)
			kind := fmt.Sprintf("%s|%v", im.File, f.Definition)
			if fl == 0 || seen[key] || im.whole && (fromHunk[kind] || strings.Contains(im.stale, name)) {
				continue
			}
			if p, ok := newest[im.File]; ok && p != im.patch {
				continue
			}
			newest[im.File] = im.patch
			if !im.whole {
				fromHunk[kind] = true
			}
			seen[key] = true
			out = append(out, funcSite{fn: f, im: im, file: im.File, line: fl})
		}
	}
	if m.env.Tree == nil {
		return out
	}
	whole := m.wholeFiles(k)
	for _, f := range m.env.Tree.Funcs(name) {
		if whole[f.File] {
			continue
		}
		out = append(out, funcSite{fn: f.Func, file: f.File, line: f.Line})
	}
	return out
}

// plausibleType rejects function types the parser built from text that is
// not a declaration (a fragment cut inside a comment or a macro).
func plausibleType(f cfront.FuncType) bool {
	ok := func(t cfront.Type) bool {
		return t.Text != "" && strings.IndexFunc(t.Text, func(r rune) bool {
			return !(r == '_' || r == ' ' || r == '*' || r == '(' || r == ')' || r == '[' || r == ']' || r == ',' ||
				r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) < 0
	}
	if !ok(f.Ret) {
		return false
	}
	for _, p := range f.Params {
		if !ok(p.Type) {
			return false
		}
	}
	return true
}

// treeCurrent reports whether a tree site of a function can be compared
// with what patch k makes of it: the tree may be older than the series'
// base, so a tree declaration counts only when the patch's pre-image shows
// the function with the same type as the tree does.
func (m *model) treeCurrent(k int, o funcSite) bool {
	if o.im != nil {
		return true
	}
	for _, fi := range m.patches[k].files {
		for _, hi := range fi.hunks {
			for _, g := range hi.pre.parse(m.ctx).Funcs {
				if g.Name == o.fn.Name && g.Type.Equal(o.fn.Type) && userAgree(g.Type, o.fn.Type) {
					return true
				}
			}
		}
	}
	return false
}

// userAgree reports whether two function types agree on __user in every
// parameter.
func userAgree(a, b cfront.FuncType) bool {
	if len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Params {
		if a.Params[i].Type.User() != b.Params[i].Type.User() {
			return false
		}
	}
	return true
}

// memberSite is a struct member found in the series or the tree.
type memberSite struct {
	mem  cfront.Member
	im   *image // nil for the tree
	file string
	line int
}

// member finds member of struct name as of patch k: the series'
// post-images first (the latest patch first), then the tree.
func (m *model) member(structName, member string, k int) (memberSite, bool) {
	for _, im := range m.view(k) {
		for _, st := range im.unit.Structs {
			if st.Name != structName {
				continue
			}
			for _, mem := range st.Members {
				if mem.Name == member {
					return memberSite{mem: mem, im: im, file: im.File, line: im.FileLine(mem.Line)}, true
				}
			}
		}
	}
	if m.env.Tree == nil {
		return memberSite{}, false
	}
	if st, ok := m.env.Tree.Struct(structName); ok {
		for _, mem := range st.Members {
			if mem.Name == member {
				return memberSite{mem: mem, file: st.File, line: mem.Line}, true
			}
		}
	}
	return memberSite{}, false
}

// bindSite is one function bound to a struct member in an initializer.
type bindSite struct {
	Struct, Var, Member, Func string
	// im is the image, nil for the tree; line is the image line of the
	// field (the file line for the tree).
	im   *image
	line int
	file string
	// fileLine is the post-image line of the field.
	fileLine int
}

// bindings lists the initializer bindings of an image. The struct of an
// initializer cut by the hunk is recovered from the hunk header.
func (im *image) bindings() []bindSite {
	var out []bindSite
	for _, in := range im.unit.Inits {
		st, v := in.Struct, in.Var
		if st == "" {
			if mm := structOpen.FindStringSubmatch(im.header); mm != nil && mm[2] != "" {
				st, v = mm[1], mm[2]
			}
		}
		if st == "" {
			continue
		}
		for _, f := range in.Fields {
			if f.Ident == "" {
				continue
			}
			out = append(out, bindSite{Struct: st, Var: v, Member: f.Member, Func: f.Ident,
				im: im, line: f.Line, file: im.File, fileLine: im.FileLine(f.Line)})
		}
	}
	return out
}
