package cfront

import (
	"context"
	"regexp"
	"strings"
)

// bodyName names the function ParseFragment wraps around the inside of a
// function body whose header is outside the hunk.
const bodyName = "patchbot_hunk_body__"

// funcHeader matches a hunk header (git's function context, the last line
// at column 0 above the hunk) that opens a function: words, then a name
// and "(". A header ending in ";" is a prototype or a macro statement, one
// ending in "{" after "=" an initializer; neither encloses the hunk's code
// as a body.
var funcHeader = regexp.MustCompile(`^[A-Za-z_][\w \t*]*?\b[A-Za-z_]\w*\s*\(`)

// ParseFragment parses a hunk's pre- or post-image (src) knowing the
// function context git printed after its "@@" (header). A hunk that
// starts inside a function body shows statements without their function:
// parsed at file scope, a call becomes a prototype (`kfree(p->key);` reads
// as a declaration of kfree), an iterator macro followed by a call a
// function header, and the tail of a call or condition cut by the hunk a
// parameter list. When header opens a function and the fragment's first
// code line is indented (kernel style indents bodies, not file-scope
// code), the fragment is parsed inside a function body, with a cut
// argument tail blanked; what the body holds has InFunc "" (the function
// is the one header names). Otherwise it is Parse.
func (p *Parser) ParseFragment(ctx context.Context, src []byte, header string) (*Unit, error) {
	pre, err := p.prepareChecked(ctx, src)
	if err != nil {
		return nil, err
	}
	h := strings.TrimSpace(header)
	if !funcHeader.MatchString(h) || strings.HasSuffix(h, ";") || strings.Contains(h, "=") {
		return p.parseAsIs(ctx, src, pre)
	}
	start := 0
	if c := cutTail(pre.parse); c >= 0 {
		if u, ok, err := p.parseOrphan(ctx, src, pre); ok {
			// The header's own parameter list continues into the hunk.
			return u, err
		}
		start = c
	}
	first := skipSpace(pre.parse, start)
	if first >= len(pre.parse) || pre.lineColumn(first) == 0 {
		return p.parsePrepared(src, pre)
	}
	// Enough open braces in front that the fragment never closes more
	// than were opened: a hunk inside a switch in a loop closes several.
	depth, low := 0, 0
	for i := start; i < len(pre.parse); i++ {
		switch pre.parse[i] {
		case '{':
			depth++
		case '}':
			depth--
			low = min(low, depth)
		case '"', '\'':
			i = skipQuoted(pre.parse, i) - 1
		}
	}
	open := max(1, 1-low)
	body := make([]byte, len(src))
	copy(body, src)
	for i := 0; i < start; i++ {
		if body[i] != '\n' {
			body[i] = ' '
		}
	}
	head := "void " + bodyName + "(void) {" + strings.Repeat("{", open-1)
	tail := ""
	if left := open + depth; left > 0 {
		tail = "\n" + strings.Repeat("}", left) + "\n"
	}
	return p.parseInside(ctx, head, body, tail, bodyName)
}

// cutTail finds the end of a statement's tail that a hunk cut from its
// beginning: the `b, c);` of a call, the `b) {` of a condition. It returns
// the offset after the unmatched ")" (and after the ";" that follows it),
// or -1 when the fragment does not start inside parentheses.
func cutTail(src []byte) int {
	c := unmatchedClose(src, ";{}")
	if c < 0 {
		return -1
	}
	if j := skipSpace(src, c+1); j < len(src) && src[j] == ';' {
		return j + 1
	}
	return c + 1
}
