package cfront

import (
	"strings"
)

// textInits recovers designated fields tree-sitter could not place: in a
// hunk that starts inside an initializer list, lines such as
// `.ioctl = raw_ioctl,` come without their `struct proto x = {` header and
// parse as ERROR nodes. They are reported as an Init with Struct and Var
// empty; the caller recovers the struct from the hunk's context.
func (x *extractor) textInits(funcs *spanIndex) {
	src := x.p.parse
	inits := newSpanIndex(x.inits)
	covered := func(off int) bool {
		if inits.covers(off) {
			return true
		}
		_, ok := funcs.inside(off)
		return ok
	}
	var cur *Init
	flush := func() {
		if cur != nil && len(cur.Fields) > 0 {
			x.u.Inits = append(x.u.Inits, *cur)
		}
		cur = nil
	}
	for i := 0; i < len(src); {
		lineEnd := i
		for lineEnd < len(src) && src[lineEnd] != '\n' {
			lineEnd++
		}
		k := i
		for k < lineEnd && (src[k] == ' ' || src[k] == '\t' || src[k] == '\r') {
			k++
		}
		switch {
		case k < lineEnd && src[k] == '.' && !covered(k):
			if cur == nil {
				cur = &Init{Line: x.p.line(k)}
			}
			if e := x.textField(cur, "", k); e > k {
				i = e
				continue
			}
		case k < lineEnd && (src[k] == '}' || src[k] == ';' || src[k] == '{' || src[k] == '#'):
			flush()
		case k < lineEnd:
			if cur != nil && !covered(k) {
				flush()
			}
		}
		i = lineEnd + 1
	}
	flush()
}

// textField parses `.a.b = value` starting at src[k] == '.', appends the
// field (or, for a nested `{ ... }` value, its fields) to in, and returns
// the offset after the value and its comma, or k when there is no field.
func (x *extractor) textField(in *Init, prefix string, k int) int {
	src := x.p.parse
	j := k
	var path []string
	for j < len(src) && src[j] == '.' {
		e := j + 1
		for e < len(src) && isIdentByte(src[e]) {
			e++
		}
		if e == j+1 {
			return k
		}
		path = append(path, string(src[j+1:e]))
		j = skipBlank(src, e)
	}
	if len(path) == 0 || j >= len(src) || src[j] != '=' || (j+1 < len(src) && src[j+1] == '=') {
		return k
	}
	name := prefix + strings.Join(path, ".")
	v := skipSpace(src, j+1)
	if v < len(src) && src[v] == '{' {
		end := x.p.closeBrace(v)
		for p := v + 1; p < end; {
			p = skipSpace(src, p)
			if p >= end {
				break
			}
			if src[p] == '.' {
				if e := x.textField(in, name+".", p); e > p {
					p = e
					continue
				}
			}
			p++
		}
		return skipComma(src, min(end+1, len(src)))
	}
	end := valueEnd(src, v)
	val := collapse(x.p.keep[v:end])
	if val == "" {
		return k
	}
	in.Fields = append(in.Fields, Field{Member: name, Value: val, Ident: identOf(string(src[v:end])), Line: x.p.line(k)})
	return skipComma(src, end)
}

func skipBlank(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
}

func skipComma(src []byte, i int) int {
	j := skipSpace(src, i)
	if j < len(src) && src[j] == ',' {
		return j + 1
	}
	return i
}

// valueEnd is where an initializer value starting at v ends: the first
// depth-0 ',', '}' or ';'.
func valueEnd(src []byte, v int) int {
	depth := 0
	for i := v; i < len(src); i++ {
		switch src[i] {
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				return trimEnd(src, v, i)
			}
			depth--
		case ',', ';':
			if depth == 0 {
				return trimEnd(src, v, i)
			}
		case '"', '\'':
			i = skipQuoted(src, i) - 1
		}
	}
	return trimEnd(src, v, len(src))
}

func trimEnd(src []byte, v, i int) int {
	for i > v && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n' || src[i-1] == '\r') {
		i--
	}
	return i
}

// identOf is the identifier an expression text names, possibly under &,
// parentheses or casts: "raw_ioctl", "&raw_ioctl", "(void *)raw_ioctl".
func identOf(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 256 {
		return "" // no plain name under casts is that long
	}
	for {
		switch {
		case strings.HasPrefix(s, "&"):
			s = strings.TrimSpace(s[1:])
		case strings.HasPrefix(s, "("):
			e := matchParen([]byte(s), 0)
			inner := strings.TrimSpace(s[1:max(1, e-1)])
			rest := strings.TrimSpace(s[e:])
			if rest == "" {
				s = inner // parenthesised expression
			} else if isTypeText(inner) {
				s = rest // a cast
			} else {
				return ""
			}
		default:
			for i := 0; i < len(s); i++ {
				if !isIdentByte(s[i]) {
					return ""
				}
			}
			if s == "" || s[0] >= '0' && s[0] <= '9' {
				return ""
			}
			return s
		}
	}
}

// isTypeText reports whether s looks like a type name: words and stars,
// or a function-pointer type "int (*)(struct sock *, int)".
func isTypeText(s string) bool {
	if s == "" {
		return false
	}
	fnptr := strings.Contains(strings.ReplaceAll(s, " ", ""), "(*)(")
	for _, t := range tokenizeType(s) {
		switch {
		case t == "*" || isIdentByte(t[0]):
		case fnptr && (t == "(" || t == ")" || t == "," || t == "..."):
		default:
			return false
		}
	}
	return true
}
