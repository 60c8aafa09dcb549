package kargtype

import (
	"context"
	"strconv"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// normType is a type's text without qualifiers, spaces collapsed.
func normType(s string) string {
	var out []string
	for _, w := range strings.Fields(strings.ReplaceAll(s, "*", " * ")) {
		switch w {
		case "const", "volatile", "restrict", "__restrict":
			continue
		}
		out = append(out, w)
	}
	return strings.ReplaceAll(strings.Join(out, " "), "* *", "**")
}

// castTarget is U of a cast to U * (one level of pointer), normalised.
func castTarget(t cfront.Type) (string, bool) {
	s := normType(t.Plain())
	if !strings.HasSuffix(s, " *") {
		return "", false
	}
	u := strings.TrimSuffix(s, " *")
	if u == "" || strings.ContainsAny(u, "*[(") {
		return "", false
	}
	return u, true
}

// scalarSizes are the sizes of the kernel's scalar types on 64-bit
// targets (LP64).
var scalarSizes = map[string]int{
	"char": 1, "signed char": 1, "unsigned char": 1, "u8": 1, "__u8": 1, "s8": 1, "__s8": 1, "bool": 1, "_Bool": 1,
	"short": 2, "unsigned short": 2, "short int": 2, "u16": 2, "__u16": 2, "s16": 2, "__s16": 2, "__be16": 2, "__le16": 2,
	"int": 4, "unsigned int": 4, "unsigned": 4, "signed int": 4, "u32": 4, "__u32": 4, "s32": 4, "__s32": 4,
	"__be32": 4, "__le32": 4, "float": 4, "__wsum": 4, "__sum16": 2,
	"long": 8, "unsigned long": 8, "long int": 8, "long long": 8, "unsigned long long": 8, "u64": 8, "__u64": 8,
	"s64": 8, "__s64": 8, "__be64": 8, "__le64": 8, "size_t": 8, "ssize_t": 8, "loff_t": 8, "double": 8,
	"uintptr_t": 8, "__kernel_size_t": 8, "__kernel_long_t": 8, "__kernel_ulong_t": 8,
}

// byteTypes are what a function that reads any buffer byte by byte casts
// it to.
var byteTypes = map[string]bool{"void": true, "char": true, "unsigned char": true, "u8": true, "__u8": true, "signed char": true}

// known reports whether the check can read type t: a scalar, or a struct
// or union by tag (a typedef name could be anything).
func known(t string) bool {
	if _, ok := scalarSizes[t]; ok {
		return true
	}
	return strings.HasPrefix(t, "struct ") || strings.HasPrefix(t, "union ") || strings.HasPrefix(t, "enum ")
}

// layout is a type's size and alignment.
type layout struct{ size, align int }

// maxLayoutDepth bounds nested structs.
const maxLayoutDepth = 6

// layoutOf computes t's size from the struct definitions the model has
// (the series, then the tree), false when any part of it is unknown. A
// struct whose definition holds a union is unknown: the front end
// flattens anonymous unions into their struct.
func (r *review) layoutOf(ctx context.Context, t string, depth int) (layout, bool) {
	if n, ok := scalarSizes[t]; ok {
		return layout{n, n}, true
	}
	if strings.HasSuffix(t, "*") {
		return layout{8, 8}, true
	}
	if strings.HasPrefix(t, "enum ") {
		return layout{4, 4}, true
	}
	if i := strings.LastIndex(t, "["); i > 0 && strings.HasSuffix(t, "]") {
		n, err := strconv.Atoi(strings.TrimSpace(t[i+1 : len(t)-1]))
		if err != nil || n < 0 {
			return layout{}, false
		}
		el, ok := r.layoutOf(ctx, strings.TrimSpace(t[:i]), depth)
		return layout{el.size * n, el.align}, ok
	}
	name, ok := strings.CutPrefix(t, "struct ")
	if !ok || depth >= maxLayoutDepth {
		return layout{}, false
	}
	st, ok := r.m.StructDef(ctx, name, r.k)
	if !ok || len(st.Members) == 0 {
		return layout{}, false
	}
	off, align := 0, 1
	for _, mem := range st.Members {
		var l layout
		if mem.Func != nil {
			l = layout{8, 8}
		} else {
			mt := normType(mem.Type.Plain())
			if strings.Contains(mt, "union") || strings.Contains(mt, ":") {
				return layout{}, false
			}
			l, ok = r.layoutOf(ctx, mt, depth+1)
			if !ok {
				return layout{}, false
			}
		}
		off = (off + l.align - 1) / l.align * l.align
		off += l.size
		align = max(align, l.align)
	}
	return layout{(off + align - 1) / align * align, align}, true
}

// agree reports whether a buffer of type have may be read as want: the
// same type, a byte view, a type the check cannot read (a typedef, a
// union, whose member the command may choose), or want known to be no
// larger.
func (r *review) agree(ctx context.Context, have, want string) bool {
	if have == want || byteTypes[want] || !known(have) || !known(want) {
		return true
	}
	if strings.HasPrefix(have, "union ") || strings.HasPrefix(want, "union ") {
		return true
	}
	h, ok1 := r.layoutOf(ctx, have, 0)
	w, ok2 := r.layoutOf(ctx, want, 0)
	return ok1 && ok2 && w.size <= h.size
}

// isIntegral reports whether a parameter type is an integer (a command).
func isIntegral(t cfront.Type) bool {
	s := normType(t.Plain())
	n, ok := scalarSizes[s]
	return ok && n >= 2 && s != "float" && s != "double"
}
