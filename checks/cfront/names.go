package cfront

import (
	"bytes"
	"strings"
)

// frontEndWords are the identifiers the front end itself puts around the
// code it parses: the heads that ParseFragment and the orphan-parameter
// reading wrap a fragment in, and what rewriteSyscall writes in place of
// a SYSCALL_DEFINEn header's macro name.
var frontEndWords = []string{bodyName, orphanName, "void", "int", "long"}

// syscallMacro starts every header rewriteSyscall rewrites
// (SYSCALL_DEFINEn, COMPAT_SYSCALL_DEFINEn).
var syscallMacro = []byte("SYSCALL_DEFINE")

// MayName reports whether a parse of src — by Parse, by ParseFragment
// under any hunk header, or of any chunk of src — can give anything the
// name name: a function, parameter, declaration, struct, member,
// initializer variable or field, callee or expression identifier. It is
// false only when none can, so a query for one name may leave unparsed
// every source for which it is false.
//
// The argument: every such name is the text of a node of the tree that
// tree-sitter built of the prepared source (or of the keep view, which
// differs only in keeping annotations), so it is a substring of it.
// Preparing only blanks bytes (they become spaces), and the wrappers add
// only frontEndWords and punctuation, except where a SYSCALL_DEFINE
// header is rewritten. So a name that holds no blank, is none of
// frontEndWords and is not a substring of src cannot be the text of a
// node, unless src has a SYSCALL_DEFINE header, and a name that is not an
// identifier (such as the nested designator "ops.ioctl") is never ruled
// out.
func MayName(src []byte, name string) bool { return NamesOf(src).May(name) }

// Names answers MayName for one source and many names: it notes once
// whether the source has a SYSCALL_DEFINE header.
type Names struct {
	src     []byte
	syscall bool
}

// NamesOf returns the Names of src, which must not change afterwards.
func NamesOf(src []byte) *Names {
	return &Names{src: src, syscall: bytes.Contains(src, syscallMacro)}
}

// May is MayName(src, name) for the source of n.
func (n *Names) May(name string) bool {
	if name == "" || n.syscall {
		return true
	}
	for i := 0; i < len(name); i++ {
		if !isIdentByte(name[i]) {
			return true
		}
	}
	for _, w := range frontEndWords {
		if strings.Contains(w, name) {
			return true
		}
	}
	return bytes.Contains(n.src, []byte(name))
}
