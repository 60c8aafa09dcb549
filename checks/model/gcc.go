package model

import (
	"regexp"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/checks/cfront"
)

// GCCCompatible compares two function types the way gcc would, as far as
// the text shows: it returns equal=false only when the types certainly
// differ. A parameter spelled with a typedef name on one side and another
// type on the other (poll_table against struct poll_table_struct, u32
// against unsigned int) may be the same type: that is not a certain
// difference, and precision matters more than recall here.
func GCCCompatible(a, b cfront.FuncType) bool {
	if a.Equal(b) {
		return true
	}
	if len(a.Params) != len(b.Params) || a.Variadic != b.Variadic {
		return false
	}
	types := func(f cfront.FuncType) []cfront.Type {
		ts := []cfront.Type{f.Ret}
		for _, p := range f.Params {
			ts = append(ts, p.Type)
		}
		return ts
	}
	ta, tb := types(a), types(b)
	for i := range ta {
		x, y := canonType(ta[i], i == 0), canonType(tb[i], i == 0)
		if i == 0 {
			// A section or attribute macro the front end does not know
			// (`unsigned long __head __startup_64(...)`) sits in front of
			// the name on one side only: it is no part of the type.
			x, y = dropAttributeWords(x), dropAttributeWords(y)
		}
		if x == y {
			continue
		}
		if ta[i].Pointer() != tb[i].Pointer() || !typedefAmbiguous(x, y) {
			return false
		}
	}
	return true
}

// canonType is the canonical spelling of a return (ret) or parameter type.
func canonType(t cfront.Type, ret bool) string {
	if ret {
		s := cfront.FuncType{Ret: t}.String()
		return strings.TrimSuffix(s, " ()")
	}
	s := cfront.FuncType{Params: []cfront.Param{{Type: t}}}.String()
	if i := strings.Index(s, "("); i >= 0 {
		s = strings.TrimSuffix(s[i+1:], ")")
	}
	return s
}

// attributeWord matches a word that reads as a kernel attribute macro
// (`__head`, `__init_or_acpilib`); typeNamed lists the "__" words that
// are types, which stay.
var (
	attributeWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^__[a-z][a-z0-9_]*$`) })
	typeNamed     = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^__(?:[us]\d+|[lb]e\d+|kernel_\w+|poll_t|wsum|sum16|aligned_[a-z]*\d+|bitwise)$`)
	})
)

// dropAttributeWords removes the attribute-like words of a canonical type
// spelling (which has no address-space annotations left).
func dropAttributeWords(s string) string {
	words := strings.Fields(s)
	out := words[:0]
	for _, w := range words {
		if strings.HasPrefix(w, "__") && attributeWord().MatchString(w) && !typeNamed().MatchString(w) {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// builtinWords are the words of C's own type names.
var builtinWords = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true, "unsigned": true, "signed": true,
	"float": true, "double": true, "_Bool": true, "bool": true, "const": true, "volatile": true,
	"struct": true, "union": true, "enum": true,
}

// typedefAmbiguous reports whether two differing type spellings could name
// the same type through a typedef: one of them has a base type that is a
// single non-builtin identifier.
func typedefAmbiguous(x, y string) bool {
	base := func(s string) (string, bool) {
		var words []string
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '*' || r == '(' || r == ')' }) {
			if w != "const" && w != "volatile" {
				words = append(words, w)
			}
		}
		return strings.Join(words, " "), len(words) == 1 && !builtinWords[words[0]]
	}
	bx, tx := base(x)
	by, ty := base(y)
	return bx != by && (tx || ty)
}
