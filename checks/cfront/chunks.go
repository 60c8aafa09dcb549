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
	// One pass over src sees comments and preprocessor lines as the
	// parser does once they are blanked (prepare's blanking, without a
	// copy): their bytes count as spaces, their newlines as newlines.
	c := chunker{start: 1, line: 1, lineBlank: true}
	// atLineStart: only whitespace and comments since the last newline
	// outside a comment (where a '#' starts a directive).
	atLineStart := true
	n := len(src)
	for i := 0; i < n; {
		b := src[i]
		switch chunkClass[b] {
		case chunkCode:
			// A run of identifier, number and operator bytes: only the
			// last of them matters.
			j := i + 1
			for j < n && chunkClass[src[j]] == chunkCode {
				j++
			}
			c.last = src[j-1]
			atLineStart, c.lineBlank = false, false
			i = j
			continue
		case chunkSpace:
			i++
			continue
		case chunkNewline:
			c.newline(i)
			atLineStart = true
			i++
			continue
		case chunkHash:
			if atLineStart {
				j := directiveEnd(src, i)
				c.blanked(src, i, j)
				i = j
				continue
			}
		case chunkSlash:
			if j := commentEnd(src, i); j > i {
				c.blanked(src, i, j)
				i = j
				continue
			}
		case chunkQuote:
			// A quote can go on past escaped newlines (the strings of
			// inline assembly): they are lines all the same.
			j := skipQuoted(src, i)
			for k := i; k < j; k++ {
				if src[k] == '\n' {
					c.line++
					c.lineFrom = k + 1
				}
			}
			atLineStart, c.lineBlank = false, false
			c.last = '"'
			i = j
			continue
		case chunkOpen:
			if c.depth >= 0 {
				c.depth++
			}
		case chunkClose:
			if c.depth > 0 {
				c.depth--
			} else {
				// More closed than opened: never balanced again.
				c.depth = -1
			}
		}
		atLineStart, c.lineBlank = false, false
		c.last = b
		i++
	}
	return append(c.out, Chunk{Start: c.start, End: c.line, From: c.from, To: len(src)})
}

// chunker is the state of Chunks between bytes.
type chunker struct {
	out         []Chunk
	from, start int
	depth       int
	last        byte // the last code byte seen
	line        int
	lineFrom    int
	lineBlank   bool
}

// newline ends line c.line at the '\n' at i.
func (c *chunker) newline(i int) {
	if c.lineBlank && c.depth == 0 && (c.last == ';' || c.last == '}') && c.line > c.start {
		// Line c.line is blank: the chunk ends before it.
		c.out = append(c.out, Chunk{Start: c.start, End: c.line - 1, From: c.from, To: c.lineFrom})
		c.from, c.start = c.lineFrom, c.line
		c.last = 0
	}
	c.line++
	c.lineFrom = i + 1
	c.lineBlank = true
}

// blanked passes over src[i:j], which the parser sees blank.
func (c *chunker) blanked(src []byte, i, j int) {
	for {
		k := bytes.IndexByte(src[i:j], '\n')
		if k < 0 {
			return
		}
		c.newline(i + k)
		i += k + 1
	}
}

// The classes of bytes Chunks tells apart.
const (
	chunkCode = iota // identifiers, numbers, operators, ';' and anything else
	chunkSpace
	chunkNewline
	chunkHash
	chunkSlash
	chunkQuote
	chunkOpen
	chunkClose
)

// chunkClass is each byte's class for Chunks. ';' and '}' end a
// construct only as the last code byte, which a run keeps.
var chunkClass = func() (t [256]uint8) {
	for _, b := range []byte(" \t\r\f\v") {
		t[b] = chunkSpace
	}
	t['\n'] = chunkNewline
	t['#'] = chunkHash
	t['/'] = chunkSlash
	t['"'], t['\''] = chunkQuote, chunkQuote
	t['{'], t['('], t['['] = chunkOpen, chunkOpen, chunkOpen
	t['}'], t[')'], t[']'] = chunkClose, chunkClose, chunkClose
	return t
}()

// directiveEnd returns the offset after the preprocessor line starting at
// i, with its backslash continuations (the '\n' that ends it is not
// part of it).
func directiveEnd(src []byte, i int) int {
	j := i
	for {
		k := bytes.IndexByte(src[j:], '\n')
		if k < 0 {
			return len(src)
		}
		j += k
		b := j - 1
		for b > i && (src[b] == ' ' || src[b] == '\t' || src[b] == '\r') {
			b--
		}
		if src[b] != '\\' {
			return j
		}
		j++
	}
}
