package cfront

import (
	"errors"
	"fmt"
	"strings"
)

// String is the canonical gcc view of the function type, names and
// annotations dropped: "int (struct sock *, int, unsigned long)". Top-level
// parameter qualifiers (ignored by gcc for compatibility) are dropped,
// array parameters decay to pointers, and integer type names are canonical.
func (f FuncType) String() string {
	var b strings.Builder
	b.WriteString(canonRet(f.Ret))
	b.WriteString(" (")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(canonParam(p.Type))
	}
	if f.Variadic {
		if len(f.Params) > 0 {
			b.WriteString(", ")
		}
		b.WriteString("...")
	}
	b.WriteString(")")
	return b.String()
}

// Equal reports whether two function types are the same for gcc: it
// compares String().
func (f FuncType) Equal(o FuncType) bool { return f.String() == o.String() }

// pointerText is the function-pointer type text with annotations kept and
// parameter names dropped: "int (*)(struct sock *, int, int __user *)".
func (f FuncType) pointerText() string {
	var b strings.Builder
	b.WriteString(f.Ret.Text)
	b.WriteString(" (*)(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Type.Text)
	}
	if f.Variadic {
		if len(f.Params) > 0 {
			b.WriteString(", ")
		}
		b.WriteString("...")
	}
	if len(f.Params) == 0 && !f.Variadic {
		b.WriteString("void")
	}
	b.WriteString(")")
	return b.String()
}

// errFuncType is returned for text that is no function type.
var errFuncType = errors.New("not a function type; want the form \"int (struct sock *, int, unsigned long)\"")

// ParseFuncType parses a function type in the canonical form String
// produces, as written in config rules. It also accepts parameter names,
// annotations and the pointer form "int (*)(struct sock *, int)".
func ParseFuncType(s string) (FuncType, error) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return FuncType{}, fmt.Errorf("parse function type %q: %w", s, errFuncType)
	}
	// Find the parameter list: the last balanced group.
	depth, open := 0, -1
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
		}
		if depth == 0 {
			open = i
			break
		}
	}
	if open <= 0 {
		return FuncType{}, fmt.Errorf("parse function type %q: %w", s, errFuncType)
	}
	ret := strings.TrimSpace(s[:open])
	if strings.HasSuffix(ret, ")") {
		// The pointer form: "int (*)(...)" or "int (*name)(...)".
		i := strings.LastIndex(ret, "(")
		inner := strings.TrimSpace(ret[i+1 : len(ret)-1])
		if i < 0 || !strings.HasPrefix(inner, "*") {
			return FuncType{}, fmt.Errorf("parse function type %q: %w", s, errFuncType)
		}
		ret = strings.TrimSpace(ret[:i])
	}
	if ret == "" {
		return FuncType{}, fmt.Errorf("parse function type %q: no return type: %w", s, errFuncType)
	}
	const name = "patchbot_functype__"
	src := ret + " " + name + s[open:] + ";\n"
	u, err := Parse([]byte(src))
	if err != nil {
		return FuncType{}, fmt.Errorf("parse function type %q: %w", s, err)
	}
	if len(u.Funcs) != 1 || u.Funcs[0].Name != name {
		return FuncType{}, fmt.Errorf("parse function type %q: %w", s, errFuncType)
	}
	ft := u.Funcs[0].Type
	for i := range ft.Params {
		ft.Params[i].Line = 0
	}
	return ft, nil
}
