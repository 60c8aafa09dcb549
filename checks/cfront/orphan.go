package cfront

import (
	"context"
	"strings"
)

// orphanName names the function wrapped around a parameter-list tail.
const orphanName = "patchbot_orphan_params__"

// orphanTail finds a fragment that starts inside a parameter list, as a
// hunk does when a function header spans more lines than the hunk's
// context shows:
//
//	     int cmd, void __user *karg)
//	{
//
// It returns the offset of the unmatched ")" or -1.
func orphanTail(p *prepared) int {
	// A parameter list holds no initializer and no string.
	c := unmatchedClose(p.parse, ";{}=\"'")
	if c < 0 {
		return -1
	}
	return orphanFollow(p.parse, c)
}

// unmatchedClose returns the offset of the first ")" that closes a
// parenthesis opened before src, or -1 when a byte of stop comes first
// outside parentheses (or inside none, for a quote in stop).
func unmatchedClose(src []byte, stop string) int {
	depth := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return i
			}
			depth--
		case (c == '"' || c == '\'') && strings.IndexByte(stop, c) >= 0:
			return -1
		case c == '"' || c == '\'':
			i = skipQuoted(src, i) - 1
		case depth == 0 && strings.IndexByte(stop, c) >= 0:
			return -1
		}
	}
	return -1
}

// orphanFollow accepts the ")" at c when a body or the end of a
// prototype follows it.
func orphanFollow(src []byte, c int) int {
	j := skipSpace(src, c+1)
	if j < len(src) && (src[j] == '{' || src[j] == ';') {
		return c
	}
	return -1
}

// orphanParams parses the parameter-list tail src[:c+1] by wrapping it in
// a prototype, and returns its parameters when every one of them is a
// declaration with a name (a call's argument tail is not).
func (p *Parser) orphanParams(ctx context.Context, pre *prepared, c int) []Param {
	// The wrapper adds no newline, so lines stay those of the fragment.
	src := "int " + orphanName + "(" + string(pre.keep[:c+1]) + ";"
	u, _, err := p.parsePlain(ctx, []byte(src))
	if err != nil || len(u.Funcs) != 1 || u.Funcs[0].Name != orphanName {
		return nil
	}
	params := u.Funcs[0].Type.Params
	if len(params) == 0 {
		return nil
	}
	for _, prm := range params {
		if prm.Name == "" || len(tokenizeType(prm.Type.Text)) < 1 || strings.ContainsAny(prm.Type.Text, "=+-/%&|<>!?:") {
			return nil
		}
	}
	return params
}
