package cfront

import "bytes"

// Chunk is a run of whole lines of a C file, [Start, End] (1-based,
// inclusive), and their bytes [From, To) in the file: one or more complete
// file-scope constructs, so that the file's parse is the parses of its
// chunks one after the other (see Chunks).
type Chunk struct {
	Start, End int
	From, To   int
}

// Chunks splits a whole C file into chunks at the blank lines between
// file-scope constructs, for parsing a file piece by piece and reusing
// the parses of the pieces a patch leaves alone: the functions of a 4,000
// line file that one hunk touches once. A split point is a line that is
// blank once comments and preprocessor lines are blanked (as the parser
// sees the file), with every brace, parenthesis and bracket before it
// closed, right after a ';' or '}' (the end of a declaration, definition
// or initializer). Code whose brackets never balance again (a function
// header repeated in #if/#else branches) is not split after that point;
// the last chunk ends at the end of src. A file without a split point is
// one chunk.
func Chunks(src []byte) []Chunk {
	// Only comments and directives need blanking to see the brackets as
	// the parser does; the rest of prepare's work is the parser's, and
	// no keep view is needed.
	pre := &prepared{parse: bytes.Clone(src)}
	pre.blankCommentsAndDirectives()
	buf := pre.parse
	var out []Chunk
	from, start := 0, 1
	depth := 0
	last := byte(0) // the last code byte seen
	line, lineFrom := 1, 0
	lineBlank := true
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		switch c {
		case '\n':
			if lineBlank && depth == 0 && (last == ';' || last == '}') && line > start {
				// Line `line` is blank: the chunk ends before it.
				out = append(out, Chunk{Start: start, End: line - 1, From: from, To: lineFrom})
				from, start = lineFrom, line
				last = 0
			}
			line++
			lineFrom = i + 1
			lineBlank = true
			continue
		case ' ', '\t', '\r', '\f', '\v':
			continue
		case '"', '\'':
			i = skipQuoted(buf, i) - 1
			c = '"'
		case '{', '(', '[':
			if depth >= 0 {
				depth++
			}
		case '}', ')', ']':
			if depth > 0 {
				depth--
			} else {
				// More closed than opened: never balanced again.
				depth = -1
			}
		}
		lineBlank = false
		last = c
	}
	out = append(out, Chunk{Start: start, End: line, From: from, To: len(src)})
	return out
}
