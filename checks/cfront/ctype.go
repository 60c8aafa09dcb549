package cfront

import (
	"slices"
	"strings"
)

// Type is a C type as written, normalised: whitespace collapsed to single
// spaces, "*" attached as "T *" / "T **", names removed. Text keeps sparse
// annotations ("void __user *", "char __user * __user *"); Spaces lists the
// address-space and sparse annotations present, in order of appearance.
type Type struct {
	Text   string
	Spaces []string
}

// spaceAnnotations are the sparse address-space and type annotations kept in
// Type.Text (compiler.h / compiler_types.h of the kernel).
var spaceAnnotations = map[string]bool{
	"__user": true, "__kernel": true, "__iomem": true, "__rcu": true,
	"__percpu": true, "__force": true, "__bitwise": true, "__bitwise__": true,
	"__nocast": true, "__private": true, "__safe": true,
}

// IsAnnotation reports whether word is a sparse annotation kept in types
// ("__user", "__iomem", "__rcu", "__percpu", "__force", "__bitwise"...).
func IsAnnotation(word string) bool { return spaceAnnotations[word] }

// Plain is Text with the sparse annotations removed ("void __user *" ->
// "void *"), as gcc sees the type; const and volatile are kept.
func (t Type) Plain() string {
	toks := tokenizeType(t.Text)
	out := toks[:0:0]
	for _, tk := range toks {
		if !spaceAnnotations[tk] {
			out = append(out, tk)
		}
	}
	return joinType(out)
}

// User reports whether the type carries __user anywhere.
func (t Type) User() bool { return slices.Contains(t.Spaces, "__user") }

// Pointer is the pointer depth: 0 for "int", 2 for "char __user * __user *",
// 1 for a function pointer "int (*)(int)".
func (t Type) Pointer() int {
	text := t.Text
	if i := strings.Index(text, "(*"); i >= 0 {
		// A function pointer: count the stars of the declarator group only.
		depth, n := 0, 0
		for _, c := range text[i:] {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
			case '*':
				if depth == 1 {
					n++
				}
			}
			if depth == 0 {
				break
			}
		}
		return n
	}
	return strings.Count(text, "*")
}

// newType builds a Type from written type text (names already removed):
// tokens are normalised and annotations collected.
func newType(text string) Type {
	toks := tokenizeType(text)
	var spaces []string
	for _, tk := range toks {
		if spaceAnnotations[tk] && !slices.Contains(spaces, tk) {
			spaces = append(spaces, tk)
		}
	}
	return Type{Text: joinType(toks), Spaces: spaces}
}

// tokenizeType splits type text into words and punctuation.
func tokenizeType(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\\':
			i++
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == '.' && strings.HasPrefix(s[i:], "..."):
			toks = append(toks, "...")
			i += 3
		default:
			toks = append(toks, s[i:i+1])
			i++
		}
	}
	return toks
}

// joinType joins type tokens in the canonical spacing: "char __user * __user *",
// "int (*)(struct sock *, int)", "char [16]".
func joinType(toks []string) string {
	var b strings.Builder
	for i, tk := range toks {
		if i > 0 && needSpace(toks[i-1], tk) {
			b.WriteByte(' ')
		}
		b.WriteString(tk)
	}
	return b.String()
}

func needSpace(a, b string) bool {
	switch {
	case a == "(" || a == "[":
		return false
	case b == ")" || b == "]" || b == ",":
		return false
	case a == "*" && b == "*":
		return false
	case a == ")" && (b == "(" || b == "["):
		return false
	case a == "[" || b == "[" && a == "]":
		return false
	}
	return true
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Canon is the type as gcc compares it in a parameter list, as it appears
// in FuncType.String: annotations and top-level qualifiers dropped, arrays
// decayed to pointers, integer type names canonical ("unsigned" ->
// "unsigned int"). "const char __user *const" -> "const char *".
func (t Type) Canon() string { return canonParam(t) }

// canonParam is the type of a parameter as gcc compares it: annotations
// dropped, top-level qualifiers dropped, arrays decayed to pointers and
// integer type names canonical ("unsigned" -> "unsigned int").
func canonParam(t Type) string {
	toks := tokenizeType(t.Plain())
	toks = decayArray(toks)
	toks = dropTopQualifiers(toks)
	return joinType(canonTags(canonInts(toks)))
}

// canonRet is a return type as gcc compares it.
func canonRet(t Type) string {
	return joinType(canonTags(canonInts(dropTopQualifiers(tokenizeType(t.Plain())))))
}

// canonTags spells struct tags the way the preprocessor leaves them:
// include/linux/socket.h has `#define sockaddr_storage
// __kernel_sockaddr_storage`, so `struct sockaddr_storage` is the uapi
// `struct __kernel_sockaddr_storage`.
func canonTags(toks []string) []string {
	for i := 1; i < len(toks); i++ {
		if toks[i-1] == "struct" && toks[i] == "sockaddr_storage" {
			toks[i] = "__kernel_sockaddr_storage"
		}
	}
	return toks
}

// decayArray turns a trailing "[N]" into "*" (an array parameter is a pointer).
func decayArray(toks []string) []string {
	n := len(toks)
	if n >= 2 && toks[n-1] == "]" {
		if i := slices.Index(toks, "["); i > 0 && !slices.Contains(toks, "(") {
			return append(slices.Clone(toks[:i]), "*")
		}
	}
	return toks
}

var qualifiers = map[string]bool{"const": true, "volatile": true, "restrict": true, "__restrict": true, "__restrict__": true}

// dropTopQualifiers removes the qualifiers that apply to the outermost level
// of the type: after the last depth-0 "*", or anywhere at depth 0 when there
// is no pointer.
func dropTopQualifiers(toks []string) []string {
	last, depth := -1, 0
	for i, tk := range toks {
		switch tk {
		case "(":
			depth++
		case ")":
			depth--
		case "*":
			if depth == 0 {
				last = i
			}
		}
	}
	out := make([]string, 0, len(toks))
	depth = 0
	for i, tk := range toks {
		switch tk {
		case "(":
			depth++
		case ")":
			depth--
		}
		if depth == 0 && i > last && qualifiers[tk] {
			continue
		}
		out = append(out, tk)
	}
	return out
}

var intWords = map[string]bool{"signed": true, "unsigned": true, "short": true, "long": true, "int": true, "char": true}

// canonInts rewrites each run of integer type words in canonical form:
// "long unsigned int" -> "unsigned long", "unsigned" -> "unsigned int",
// "signed int" -> "int"; "signed char" and "char" stay distinct.
func canonInts(toks []string) []string {
	out := make([]string, 0, len(toks))
	for i := 0; i < len(toks); {
		if !intWords[toks[i]] {
			out = append(out, toks[i])
			i++
			continue
		}
		j := i
		var signed, unsigned, char bool
		short, long := 0, 0
		for j < len(toks) && intWords[toks[j]] {
			switch toks[j] {
			case "signed":
				signed = true
			case "unsigned":
				unsigned = true
			case "short":
				short++
			case "long":
				long++
			case "char":
				char = true
			}
			j++
		}
		var words []string
		switch {
		case char:
			if signed {
				words = append(words, "signed")
			}
			if unsigned {
				words = append(words, "unsigned")
			}
			words = append(words, "char")
		default:
			if unsigned {
				words = append(words, "unsigned")
			}
			for range short {
				words = append(words, "short")
			}
			for range long {
				words = append(words, "long")
			}
			if short == 0 && long == 0 {
				words = append(words, "int")
			}
		}
		out = append(out, words...)
		i = j
	}
	return out
}
