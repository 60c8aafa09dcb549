package cfront

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
	var out []Chunk
	from, start := 0, 1
	depth := 0
	last := byte(0) // the last code byte seen
	line, lineFrom := 1, 0
	lineBlank := true
	// atLineStart: only whitespace and comments since the last newline
	// outside a comment (where a '#' starts a directive).
	atLineStart := true
	// newline ends line `line` at the '\n' at i.
	newline := func(i int) {
		if lineBlank && depth == 0 && (last == ';' || last == '}') && line > start {
			// Line `line` is blank: the chunk ends before it.
			out = append(out, Chunk{Start: start, End: line - 1, From: from, To: lineFrom})
			from, start = lineFrom, line
			last = 0
		}
		line++
		lineFrom = i + 1
		lineBlank = true
	}
	// blanked passes over src[i:j], which the parser sees blank.
	blanked := func(i, j int) {
		for k := i; k < j; k++ {
			if src[k] == '\n' {
				newline(k)
			}
		}
	}
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '\n':
			newline(i)
			atLineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '#' && atLineStart:
			j := directiveEnd(src, i)
			blanked(i, j)
			i = j
			continue
		case c == '/':
			if j := commentEnd(src, i); j > i {
				blanked(i, j)
				i = j
				continue
			}
		}
		atLineStart = false
		lineBlank = false
		switch c {
		case '"', '\'':
			// A quote can go on past escaped newlines (the strings of
			// inline assembly): they are lines all the same.
			j := skipQuoted(src, i)
			for k := i; k < j; k++ {
				if src[k] == '\n' {
					line++
					lineFrom = k + 1
				}
			}
			i = j
			last = '"'
			continue
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
		last = c
		i++
	}
	out = append(out, Chunk{Start: start, End: line, From: from, To: len(src)})
	return out
}

// directiveEnd returns the offset after the preprocessor line starting at
// i, with its backslash continuations (the '\n' that ends it is not
// part of it).
func directiveEnd(src []byte, i int) int {
	j := i
	for j < len(src) {
		if src[j] == '\n' {
			k := j - 1
			for k > i && (src[k] == ' ' || src[k] == '\t' || src[k] == '\r') {
				k--
			}
			if src[k] != '\\' {
				break
			}
		}
		j++
	}
	return j
}
