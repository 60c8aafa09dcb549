package cfront

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// MaxSource is the largest source Parse accepts (the largest C file of
// linux 6.1 net/ and include/ is 0.55 MiB).
const MaxSource = 1 << 20

// ParseTimeout bounds the time tree-sitter may spend on one source, plus
// ParseTimeoutPerMiB per MiB of source. The largest file of linux 6.1 net/
// (0.55 MiB) parses in about 0.2 s; the margin is for loaded machines.
const (
	ParseTimeout       = 5 * time.Second
	ParseTimeoutPerMiB = 30 * time.Second
)

// ErrTooLarge is returned for sources over MaxSource bytes.
var ErrTooLarge = errors.New("C source too large")

// MaxTokens is the most tokens (identifiers, numbers, literals and
// punctuation, outside comments and preprocessor lines) a source may hold
// to be parsed. What a parse costs grows with its tokens, about 1 KB each
// in tree-sitter's tree and ours: a hostile 1 MB expression would cost
// 500 MB. 100,000 tokens is 100 MB at the most. Of the 1,078,379
// chunks of linux 6.1 (see Chunks) six hold more, all of them data tables
// no check reads (rtw89's register tables, ipu3's, nm256's coefficients,
// two of tools/'s test data); a chunk of 100 KB of code holds about
// 25,000.
const MaxTokens = 100_000

// ErrTooComplex is returned for sources over MaxTokens tokens.
var ErrTooComplex = errors.New("C source too complex")

// errInternal marks a bug of the extractor caught by Parse.
var errInternal = errors.New("internal error")

// Parser parses C sources. It holds a tree-sitter parser, created on its
// first parse, and is not safe for concurrent use: use one Parser per
// goroutine.
type Parser struct {
	ts tsParser
	// DeclarationsOnly skips the inside of function bodies, except bodies
	// that hold an initializer list: the Unit then has no Calls, Casts or
	// locals. The tree index needs only signatures, structs and
	// initializers, and walking bodies is most of the extraction time.
	DeclarationsOnly bool
	// MaxTokens bounds the tokens of a source (see Tokens): MaxTokens
	// when zero, none when negative. The tree index, which parses whole
	// files of the user's own tree, lifts it; mail does not get to.
	MaxTokens int
}

func (p *Parser) tokenLimit() int {
	if p.MaxTokens == 0 {
		return MaxTokens
	}
	return p.MaxTokens
}

// NewParser returns a Parser for C. Close it when done.
func NewParser() *Parser { return &Parser{} }

// Close frees the tree-sitter parser.
func (p *Parser) Close() { p.ts.close() }

// Parse parses C source: a whole file or a fragment (a hunk's pre- or
// post-image). It never panics, tolerates syntax errors and gives up after
// ParseTimeout or when ctx is done. Lines in the Unit are 1-based lines of
// src.
func (p *Parser) Parse(ctx context.Context, src []byte) (*Unit, error) {
	pre, err := p.prepareChecked(ctx, src)
	if err != nil {
		return nil, err
	}
	return p.parseAsIs(ctx, src, pre)
}

// parseAsIs parses prepared src as the code it is: a parameter-list tail
// as such (see parseOrphan), anything else plainly.
func (p *Parser) parseAsIs(ctx context.Context, src []byte, pre *prepared) (*Unit, error) {
	if u, ok, err := p.parseOrphan(ctx, src, pre); ok {
		return u, err
	}
	return p.parsePrepared(src, pre)
}

// parseOrphan parses a fragment that starts inside the parameter list of a
// function whose name is in the hunk's context (ok is false for any
// other): with the head of a declarator in front, so that the parameters
// and the body that follows parse as what they are. The head adds no
// newline, so lines stay those of src.
func (p *Parser) parseOrphan(ctx context.Context, src []byte, pre *prepared) (u *Unit, ok bool, err error) {
	c := orphanTail(pre)
	if c < 0 || p.orphanParams(ctx, pre, c) == nil {
		return nil, false, nil
	}
	u, err = p.parseInside(ctx, "int "+orphanName+"(", src, "", orphanName)
	return u, true, err
}

// parseInside parses head + src + tail, where head and tail wrap the
// fragment src into the function named name (head holds no newline, so
// lines stay those of src), and gives what lies inside that function back
// to the fragment: the function itself is dropped and InFunc is "" (its
// name is in the hunk's context) for what it holds.
func (p *Parser) parseInside(ctx context.Context, head string, src []byte, tail, name string) (*Unit, error) {
	text := make([]byte, 0, len(head)+len(src)+len(tail))
	text = append(append(append(text, head...), src...), tail...)
	u, _, err := p.parsePlain(ctx, text)
	if err != nil {
		return nil, err
	}
	u.Funcs = slices.DeleteFunc(u.Funcs, func(f Func) bool { return f.Name == name })
	// What the tail closes ends, for the fragment, on its last line.
	last := bytes.Count(src, []byte("\n")) + 1
	for i := range u.Funcs {
		u.Funcs[i].EndLine = min(u.Funcs[i].EndLine, last)
	}
	for i := range u.Structs {
		u.Structs[i].EndLine = min(u.Structs[i].EndLine, last)
	}
	for i := range u.Calls {
		if u.Calls[i].InFunc == name {
			u.Calls[i].InFunc = ""
		}
	}
	for i := range u.Casts {
		if u.Casts[i].InFunc == name {
			u.Casts[i].InFunc = ""
		}
	}
	for i := range u.Decls {
		if u.Decls[i].InFunc == name {
			u.Decls[i].InFunc = ""
		}
	}
	return u, nil
}

// parsePlain parses src as it is and returns the Unit and the prepared
// views it was read from.
func (p *Parser) parsePlain(ctx context.Context, src []byte) (*Unit, *prepared, error) {
	pre, err := p.prepareChecked(ctx, src)
	if err != nil {
		return nil, nil, err
	}
	u, err := p.parsePrepared(src, pre)
	return u, pre, err
}

// prepareChecked blanks src for parsing (see prepare), refusing what Parse
// refuses: a source over MaxSource bytes or over the Parser's token bound,
// a context that is done.
func (p *Parser) prepareChecked(ctx context.Context, src []byte) (pre *prepared, err error) {
	if len(src) > MaxSource {
		return nil, fmt.Errorf("parse C: %d bytes: %w (limit %d)", len(src), ErrTooLarge, MaxSource)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parse C: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			pre, err = nil, fmt.Errorf("parse C: %w: %v", errInternal, r)
		}
	}()
	pre = prepare(src)
	if limit := p.tokenLimit(); limit > 0 {
		if n := Tokens(pre.parse); n > limit {
			return nil, fmt.Errorf("parse C: %d tokens: %w (limit %d)", n, ErrTooComplex, limit)
		}
	}
	return pre, nil
}

// Tokens counts the tokens of src roughly, as a measure of what parsing it
// costs: every run of identifier or number characters, every literal and
// every other byte that is not white space. Comments count as their words:
// src is best blanked first.
func Tokens(src []byte) int {
	n := 0
	word := false
	for _, b := range src {
		switch {
		case b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9':
			if !word {
				n++
				word = true
			}
			continue
		case b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v':
		default:
			n++
		}
		word = false
	}
	return n
}

// parsePrepared runs tree-sitter on the prepared views of src and
// extracts the Unit.
func (p *Parser) parsePrepared(src []byte, pre *prepared) (u *Unit, err error) {
	defer func() {
		// Extraction walks trees of arbitrary broken code; a bug there must
		// cost one fragment, not the bot.
		if r := recover(); r != nil {
			u, err = nil, fmt.Errorf("parse C: %w: %v", errInternal, r)
		}
	}()
	// The parser's own timeout bounds the time, not a cancellable context,
	// which would cost a goroutine per parse.
	limit := ParseTimeout + time.Duration(int64(ParseTimeoutPerMiB)*int64(len(src))>>20)
	root, err := p.ts.parse(pre.parse, limit.Microseconds())
	if err != nil {
		return nil, fmt.Errorf("parse C (%d bytes): %w", len(src), err)
	}
	defer p.ts.release()
	x := newExtractor(pre)
	x.declsOnly = p.DeclarationsOnly
	x.walk(root, scope{top: true})
	x.finish()
	x.u.Recovered = p.ts.recovered()
	return x.u, nil
}

// Parse parses C source with a fresh Parser; see Parser.Parse.
func Parse(src []byte) (*Unit, error) {
	p := NewParser()
	defer p.Close()
	return p.Parse(context.Background(), src)
}
