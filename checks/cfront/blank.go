package cfront

import (
	"bytes"
	"strings"
)

// decorations are kernel attribute macros that tree-sitter cannot parse and
// that do not change a type as gcc compares it: they are blanked before
// parsing and dropped from type text.
var decorations = map[string]bool{
	"__must_check": true, "__init": true, "__exit": true, "__net_init": true, "__net_exit": true,
	"__cold": true, "__hot": true, "__always_inline": true, "noinline": true, "noinline_for_stack": true,
	"__noinline": true, "notrace": true, "__maybe_unused": true, "__always_unused": true,
	"__used": true, "__unused": true, "__read_mostly": true, "__ro_after_init": true,
	"__lsm_ro_after_init": true, "INDIRECT_CALLABLE_SCOPE": true, "__bpf_kfunc": true,
	"asmlinkage": true, "__visible": true, "__randomize_layout": true, "__no_randomize_layout": true,
	"__packed": true, "__weak": true, "__initdata": true, "__initconst": true, "__exitdata": true,
	"__refdata": true, "__ref": true, "__refconst": true, "__meminit": true, "__meminitdata": true,
	"__init_memblock": true, "__net_initdata": true, "__net_exitdata": true, "__noreturn": true,
	"__pure": true, "__deprecated": true, "__latent_entropy": true, "__designated_init": true,
	"__nocfi": true, "__noclone": true, "__flatten": true, "__malloc": true, "__naked": true,
	"__sched": true, "__lockfunc": true, "__kprobes": true, "nokprobe_inline": true, "noinstr": true,
	"__irq_entry": true, "__softirq_entry": true, "__attribute_const__": true, "__nonstring": true,
	"__no_kcsan": true, "__no_sanitize_address": true, "__no_profile": true, "__ksym": true,
	"__init_or_module": true, "__page_aligned_data": true, "__page_aligned_bss": true,
	"__inline": true, "__inline__": true, "__nostackprotector": true, "__cpuidle": true,
	"__no_context_analysis": true, "__fix_address": true, "__cficanonical": true,
	"__initdata_or_meminfo": true, "__ro_after_init_scope": true,
}

// fnDecorations are attribute macros written with arguments:
// `__aligned(8)`, `__attribute__((packed))`, `__releases(lock)`.
var fnDecorations = map[string]bool{
	"__attribute__": true, "__attribute": true, "__aligned": true, "__printf": true,
	"__scanf": true, "__section": true, "__acquires": true, "__releases": true,
	"__must_hold": true, "__cond_acquires": true, "__cond_releases": true,
	"__alloc_size": true, "__counted_by": true, "__counted_by_le": true,
	"__counted_by_be": true, "__assume_aligned": true, "__free": true, "__cleanup": true,
	"__guarded_by": true, "__pt_guarded_by": true, "__diag_ignore_all": true,
	"__no_sanitize_or_inline": true, "__alias": true, "__copy": true,
}

func isDecoration(word string) bool {
	return decorations[word] || strings.HasPrefix(word, "____cacheline_") ||
		strings.HasPrefix(word, "__cacheline_aligned")
}

// prepared holds the two blanked views of a source: parse has every
// annotation, decoration, comment and preprocessor line replaced by spaces
// (newlines kept, so byte offsets and lines do not move) and is what
// tree-sitter reads; keep is the same but keeps the sparse annotations and
// is what type text is taken from.
type prepared struct {
	parse []byte
	keep  []byte
	// lineStart[i] is the byte offset where line i+1 starts.
	lineStart []int
	// parenEnd maps the offset of a "(" to the offset after its ")";
	// braceEnd maps the offset of a "{" to the offset of its "}". Unclosed
	// ones map to len(src). Computed once so that every lookup is O(1).
	parenEnd map[int]int
	braceEnd map[int]int
}

// prepare blanks src for parsing. SYSCALL_DEFINEn headers are rewritten in
// place, with the same length, into the function definition they expand to.
func prepare(src []byte) *prepared {
	p := &prepared{parse: make([]byte, len(src)), keep: make([]byte, len(src))}
	copy(p.parse, src)
	copy(p.keep, src)
	p.lineStart = append(p.lineStart, 0)
	for i, c := range src {
		if c == '\n' {
			p.lineStart = append(p.lineStart, i+1)
		}
	}
	p.blankCommentsAndDirectives()
	p.matchPairs()
	n := len(src)
	buf := p.parse
	for i := 0; i < n; {
		c := buf[i]
		switch {
		case c == '"' || c == '\'':
			i = skipQuoted(buf, i)
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < n && isIdentByte(buf[j]) {
				j++
			}
			i = p.word(i, j, i == 0 || buf[i-1] == '\n')
		case c >= '0' && c <= '9':
			for i < n && (isIdentByte(buf[i]) || buf[i] == '.') {
				i++
			}
		default:
			i++
		}
	}
	return p
}

// blankCommentsAndDirectives blanks comments and preprocessor lines in
// both views.
func (p *prepared) blankCommentsAndDirectives() {
	src := p.parse
	n := len(src)
	atLineStart := true // only whitespace seen since the last newline
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '\n':
			atLineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '#' && atLineStart:
			i = p.blankDirective(i)
			continue
		case c == '/':
			if j := commentEnd(src, i); j > i {
				p.blank(i, j, true)
				i = j
				continue
			}
		}
		atLineStart = false
		if c == '"' || c == '\'' {
			i = skipQuoted(src, i)
		} else {
			i++
		}
	}
}

// commentEnd returns the offset after the comment starting at i: a "//"
// one ends before its newline, a "/*" one after its "*/" (or at the end
// of src). It returns i when no comment starts there.
func commentEnd(src []byte, i int) int {
	n := len(src)
	switch {
	case i+1 < n && src[i] == '/' && src[i+1] == '/':
		if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
			return i + j
		}
		return n
	case i+1 < n && src[i] == '/' && src[i+1] == '*':
		if j := bytes.Index(src[i+2:], []byte("*/")); j >= 0 {
			return i + 2 + j + 2
		}
		return n
	}
	return i
}

// matchPairs fills parenEnd and braceEnd.
func (p *prepared) matchPairs() {
	src := p.parse
	n := len(src)
	p.parenEnd = make(map[int]int)
	p.braceEnd = make(map[int]int)
	var parens, braces []int
	for i := 0; i < n; i++ {
		switch src[i] {
		case '(':
			parens = append(parens, i)
		case ')':
			if k := len(parens); k > 0 {
				p.parenEnd[parens[k-1]] = i + 1
				parens = parens[:k-1]
			}
		case '{':
			braces = append(braces, i)
		case '}':
			if k := len(braces); k > 0 {
				p.braceEnd[braces[k-1]] = i
				braces = braces[:k-1]
			}
		case '"', '\'':
			i = skipQuoted(src, i) - 1
		}
	}
	for _, o := range parens {
		p.parenEnd[o] = n
	}
	for _, o := range braces {
		p.braceEnd[o] = n
	}
}

// closeParen returns the offset after the parenthesis matching the "(" at
// i, or len(src) when it is not closed.
func (p *prepared) closeParen(i int) int {
	if e, ok := p.parenEnd[i]; ok {
		return e
	}
	return len(p.parse)
}

// closeBrace returns the offset of the brace matching the "{" at i, or
// len(src) when the source ends first.
func (p *prepared) closeBrace(i int) int {
	if e, ok := p.braceEnd[i]; ok {
		return e
	}
	return len(p.parse)
}

// blank replaces src[i:j] with spaces in parse (and in keep when both),
// keeping newlines.
func (p *prepared) blank(i, j int, both bool) {
	for k := i; k < j; k++ {
		if p.parse[k] != '\n' {
			p.parse[k] = ' '
			if both && p.keep != nil {
				p.keep[k] = ' '
			}
		}
	}
}

// blankDirective blanks a preprocessor line starting at i, with its
// backslash continuations, and returns the offset after it.
func (p *prepared) blankDirective(i int) int {
	j := directiveEnd(p.parse, i)
	p.blank(i, j, true)
	return j
}

// word handles the identifier src[i:j] and returns where scanning resumes.
func (p *prepared) word(i, j int, lineBegin bool) int {
	w := string(p.parse[i:j])
	switch {
	case spaceAnnotations[w]:
		p.blank(i, j, false)
		return j
	case isDecoration(w):
		p.blank(i, j, true)
		return j
	case fnDecorations[w]:
		if k := skipSpace(p.parse, j); k < len(p.parse) && p.parse[k] == '(' {
			e := p.closeParen(k)
			p.blank(i, e, true)
			return e
		}
		p.blank(i, j, true)
		return j
	}
	if !lineBegin || p.lineColumn(i) != 0 {
		return j
	}
	if strings.HasPrefix(w, "SYSCALL_DEFINE") || strings.HasPrefix(w, "COMPAT_SYSCALL_DEFINE") {
		if e, ok := p.rewriteSyscall(i, j, w); ok {
			return e
		}
		return j
	}
	// A file-scope macro statement: `EXPORT_SYMBOL(x);`, `module_init(f);`,
	// `static DEFINE_MUTEX(lock);`. Without a type in front, `name(...);` at
	// column 0 cannot be a declaration, so it is a macro invocation.
	start, name, nameEnd := i, w, j
	if w == "static" {
		k := skipSpace(p.parse, j)
		e := k
		for e < len(p.parse) && isIdentByte(p.parse[e]) {
			e++
		}
		name, nameEnd = string(p.parse[k:e]), e
		if name == "" || strings.ToUpper(name) != name {
			return j
		}
	}
	k := skipSpace(p.parse, nameEnd)
	if k >= len(p.parse) || p.parse[k] != '(' || isKeyword(name) || p.continuesType(start) {
		return j
	}
	e := p.closeParen(k)
	s := skipSpace(p.parse, e)
	if s < len(p.parse) && p.parse[s] == ';' {
		p.blank(start, s+1, true)
		return s + 1
	}
	return j
}

// continuesType reports whether the code before off ends in a type — a
// word or "*", as in `struct pwrseq_device *` on the line above — so that
// a `name(...);` at off is the declarator of a declaration whose return
// type has a line of its own, not a macro statement.
func (p *prepared) continuesType(off int) bool {
	k := off - 1
	for k >= 0 && (p.parse[k] == ' ' || p.parse[k] == '\t' || p.parse[k] == '\n' || p.parse[k] == '\r') {
		k--
	}
	return k >= 0 && (isIdentByte(p.parse[k]) || p.parse[k] == '*')
}

func (p *prepared) lineColumn(off int) int {
	lo, hi := 0, len(p.lineStart)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if p.lineStart[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return off - p.lineStart[lo]
}

// line is the 1-based line of byte offset off.
func (p *prepared) line(off int) int {
	lo, hi := 0, len(p.lineStart)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if p.lineStart[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return lo + 1
}

// rewriteSyscall rewrites `SYSCALL_DEFINE3(ioctl, unsigned int, fd, ...)`
// into `long      sys_ioctl(unsigned int  fd ...)` of the same length, in
// both views, so that tree-sitter sees the definition the macro expands to.
func (p *prepared) rewriteSyscall(i, j int, w string) (int, bool) {
	prefix := "sys_"
	if strings.HasPrefix(w, "COMPAT_") {
		prefix = "compat_sys_"
	}
	src := p.parse
	if j >= len(src) || src[j] != '(' || len(w) < len("SYSCALL_DEFINE0") {
		return j, false
	}
	e := p.closeParen(j)
	if e > len(src) || src[e-1] != ')' {
		return j, false
	}
	// Split the arguments at depth-0 commas.
	var commas []int
	depth := 0
	for k := j + 1; k < e-1; k++ {
		switch src[k] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				commas = append(commas, k)
			}
		}
	}
	nameStart := skipSpace(src, j+1)
	nameEnd := nameStart
	for nameEnd < len(src) && isIdentByte(src[nameEnd]) {
		nameEnd++
	}
	if nameEnd == nameStart || len(commas)%2 != 0 {
		return j, false
	}
	if len(commas) == 0 {
		// SYSCALL_DEFINE0(name): "long  sys_name()" needs one more byte,
		// taken from the padding.
		head := "long"
		pad := nameStart - i - len(head) - len(prefix) - 1
		if pad < 1 || strings.ContainsRune(string(src[i:e]), '\n') {
			return j, false
		}
		out := head + strings.Repeat(" ", pad) + prefix + string(src[nameStart:nameEnd]) + "()"
		if len(out) > e-i {
			return j, false
		}
		out += strings.Repeat(" ", e-i-len(out))
		for _, v := range [][]byte{p.parse, p.keep} {
			copy(v[i:e], out)
		}
		return e, true
	}
	head := "long"
	pad := nameStart - i - len(head) - len(prefix)
	if pad < 1 || strings.ContainsRune(string(src[i:nameStart]), '\n') {
		return j, false
	}
	out := head + strings.Repeat(" ", pad) + prefix
	for _, v := range [][]byte{p.parse, p.keep} {
		copy(v[i:nameStart], out)
		for k := nameEnd; k < commas[0]; k++ {
			if v[k] != '\n' {
				v[k] = ' '
			}
		}
		v[commas[0]] = '('
		// type, name pairs: the comma after each type becomes a space.
		for c := 1; c < len(commas); c += 2 {
			v[commas[c]] = ' '
		}
	}
	// Scanning goes on inside the parameters, to blank their annotations.
	return commas[0] + 1, true
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}

// matchParen returns the offset after the parenthesis matching src[i]
// (which is "("), or len(src) when it is not closed.
func matchParen(src []byte, i int) int {
	depth := 0
	for k := i; k < len(src); k++ {
		switch src[k] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return k + 1
			}
		case '"', '\'':
			k = skipQuoted(src, k) - 1
		}
	}
	return len(src)
}

// skipQuoted returns the offset after the string or character literal
// starting at src[i]; an unterminated literal ends at the end of its line.
func skipQuoted(src []byte, i int) int {
	q := src[i]
	k := i + 1
	for k < len(src) {
		switch src[k] {
		case '\\':
			k += 2
			continue
		case q:
			return k + 1
		case '\n':
			return k
		}
		k++
	}
	return len(src)
}

var keywords = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "return": true, "sizeof": true,
	"do": true, "else": true, "case": true, "goto": true, "typeof": true, "__typeof__": true,
	"_Static_assert": true, "static_assert": true, "asm": true, "__asm__": true,
}

func isKeyword(w string) bool { return keywords[w] }
