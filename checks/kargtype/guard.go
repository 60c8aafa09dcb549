package kargtype

import (
	"context"
	"regexp"
	"strings"
)

// guardKind is what the check makes of the condition under which a
// dispatcher prepares a command's buffer.
type guardKind int

const (
	// guardSocket tests what kind of socket it is (family, type, the
	// protocol ops themselves): what chooses the struct proto whose
	// callbacks the buffer reaches, so the condition covers them.
	guardSocket guardKind = iota
	// guardProtocol tests the socket's protocol number (inet_num,
	// sk_protocol): narrower than the struct proto, which for raw
	// sockets serves every protocol number, so sockets the test leaves
	// out reach the same callbacks on the generic path.
	guardProtocol
	// guardUnknown is a condition the check cannot read.
	guardUnknown
)

// protocolWords name a socket's protocol number.
var protocolWords = map[string]bool{"inet_num": true, "sk_protocol": true, "skc_num": true, "protocol": true}

// socketWords name what chooses a socket's struct proto, or are the
// plumbing of such a test.
var socketWords = map[string]bool{
	"sk": true, "sock": true, "sk_family": true, "sk_type": true, "skc_family": true, "sk_prot": true,
	"skc_prot": true, "name": true, "strcmp": true, "return": true, "READ_ONCE": true, "inet_sk": true,
	"true": true, "false": true, "static": true, "inline": true, "int": true, "bool": true, "struct": true,
}

var (
	identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(\s*\()?`)
	// literalRE matches string literals and comments, which name nothing.
	literalRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|/\*(?s:.*?)\*/|//[^\n]*`)
)

// maxGuardDepth bounds the predicates read inside a condition.
const maxGuardDepth = 3

// classify reads a condition, and the bodies of the predicates it calls
// (sk_is_ipmr(sk)), as a test of the socket's kind or of its protocol
// number.
// from is the file the condition is in.
func (r *review) classify(ctx context.Context, cond, from string, depth int) guardKind {
	key := from + "|" + cond
	if v, ok := r.guards[key]; ok {
		return v
	}
	v := r.classifyText(ctx, cond, from, depth)
	r.guards[key] = v
	return v
}

func (r *review) classifyText(ctx context.Context, cond, from string, depth int) guardKind {
	kind := guardSocket
	for _, m := range identRE.FindAllString(literalRE.ReplaceAllString(cond, " "), -1) {
		word := strings.TrimRight(m, " \t(")
		call := strings.HasSuffix(m, "(")
		switch {
		case protocolWords[word]:
			return guardProtocol
		case socketWords[word], strings.HasPrefix(word, "AF_"), strings.HasPrefix(word, "PF_"), strings.HasPrefix(word, "SOCK_"):
		case call && depth < maxGuardDepth:
			k := r.predicate(ctx, word, from, depth+1)
			if k == guardProtocol {
				return guardProtocol
			}
			if k == guardUnknown {
				kind = guardUnknown
			}
		default:
			kind = guardUnknown
		}
	}
	return kind
}

// predicate classifies a function a condition calls by its definitions'
// text (all of them: a stub under #else as well as the real one); its
// own name and parameters are not part of the test.
func (r *review) predicate(ctx context.Context, name, from string, depth int) guardKind {
	kind, found := guardSocket, false
	for _, fs := range r.m.Definitions(ctx, name, from, r.k) {
		text := strings.Join(r.m.DefinitionText(fs), "\n")
		if i := strings.Index(text, "{"); i >= 0 {
			text = text[i:]
		} else {
			continue
		}
		found = true
		switch r.classify(ctx, text, fs.File, depth) {
		case guardProtocol:
			return guardProtocol
		case guardUnknown:
			kind = guardUnknown
		}
	}
	if !found {
		return guardUnknown
	}
	return kind
}
