package series

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// replyPrefixes are the "reply" and "forward" markers mail clients put in
// front of a subject (lower case, without the colon), as b4 reads them
// (Re, Aw, Fwd) plus Fw and the Chinese clients' markers.
var replyPrefixes = []string{"re", "aw", "fwd", "fw", "回复", "答复", "转发"}

// weakReplyPrefixes are the Nordic, Dutch, Polish, French and Portuguese
// markers; they look like subsystem tags ("tr:", "res:"), so like b4's
// `^\w{2,3}:\s*\[` they only count before a bracket.
var weakReplyPrefixes = []string{"sv", "vs", "antw", "odp", "wg", "tr", "res"}

// maxCounter bounds the numbers accepted in "k/n" and "vN" tokens: b4 takes
// at most four digits for a counter, and no series has more versions.
const maxCounter = 9999

// ParseSubject parses a patch mail subject: reply markers ("Re:", "AW:",
// "Re[2]:"), the leading bracket groups ("[RFC PATCH net-next v3 2/5]",
// "[PATCHv2]", "[PATCH] [net]") and the title after them. It never fails:
// a subject without prefixes is a title alone (Version 1, no counter).
func ParseSubject(s string) Subject {
	sub := Subject{Raw: s, Version: 1}
	rest := strings.Join(strings.Fields(s), " ")

	var (
		sawPatchGroup bool // a bracket group that says PATCH, RFC, RESEND or has a counter
		isPull        bool
		laterTree     string // tree from a one-word group after the patch group ("[PATCH] [net]")
	)
	for {
		rest = strings.TrimLeft(rest, " ")
		if n := replyPrefixLen(rest); n > 0 {
			sub.IsReply = true
			rest = rest[n:]
			continue
		}
		if !strings.HasPrefix(rest, "[") {
			break
		}
		group, n := bracketGroup(rest)
		if n == 0 {
			break
		}
		rest = rest[n:]
		g := parseGroup(group)
		sub.Prefixes = append(sub.Prefixes, g.words...)
		if g.pull {
			isPull = true
		}
		if !g.patchLike {
			// A one-word tag after the PATCH group names the tree
			// ("[PATCH] [net] x"); one before it is a list or mail
			// gateway tag such as "[External]" and says nothing.
			if sawPatchGroup && laterTree == "" && len(g.others) == 1 {
				laterTree = g.others[0]
			}
			continue
		}
		sawPatchGroup = true
		sub.applyGroup(g)
	}
	if !sawPatchGroup && !isPull {
		// "PATCH v2 1/3: title", the bracketless form some scripts send.
		if g, n := bracketlessGroup(rest); n > 0 {
			rest = rest[n:]
			sub.Prefixes = append(sub.Prefixes, g.words...)
			sawPatchGroup = true
			sub.applyGroup(g)
		}
	}
	if sub.Tree == "" {
		sub.Tree = laterTree
	}
	sub.Title = strings.TrimSpace(rest)
	sub.IsPatch = sawPatchGroup && !isPull && !sub.IsReply
	return sub
}

// applyGroup folds the facts of one patch-like bracket group into sub.
func (sub *Subject) applyGroup(g group) {
	if g.version > 0 {
		sub.Version = g.version
	}
	if g.total > 0 || g.index > 0 {
		sub.Index, sub.Total = g.index, g.total
		// b4: "Handle [PATCH 6/5]" — a counter above the total raises it.
		if sub.Index > sub.Total {
			sub.Total = sub.Index
		}
	}
	sub.RFC = sub.RFC || g.rfc
	sub.Resend = sub.Resend || g.resend
	if sub.Tree == "" && len(g.others) > 0 {
		sub.Tree = g.others[0]
	}
}

// replyPrefixLen returns the length of a leading reply marker such as
// "Re: ", "RE:", "Re[2]: " or "Fwd: ", or 0 when s does not start with one.
func replyPrefixLen(s string) int {
	colon := strings.IndexAny(s, ":：")
	if colon <= 0 || colon > 12 {
		return 0
	}
	word := s[:colon]
	// "Re[2]:" and "Re(2):" count the replies.
	if i := strings.IndexAny(word, "[("); i > 0 && (strings.HasSuffix(word, "]") || strings.HasSuffix(word, ")")) {
		if _, err := strconv.Atoi(word[i+1 : len(word)-1]); err != nil {
			return 0
		}
		word = word[:i]
	}
	n := colon + 1
	if strings.HasPrefix(s[colon:], "：") {
		n = colon + len("：")
	}
	lw := strings.ToLower(word)
	if slices.Contains(replyPrefixes, lw) {
		return n
	}
	if slices.Contains(weakReplyPrefixes, lw) && strings.HasPrefix(strings.TrimLeft(s[n:], " "), "[") {
		return n
	}
	return 0
}

// bracketGroup returns the contents of the bracket group s starts with and
// the number of bytes it spans; nested brackets are flattened the way b4
// does ("[PATCH [net] 1/2]" reads as "PATCH net 1/2"). It returns n == 0
// when the bracket is never closed.
func bracketGroup(s string) (string, int) {
	depth := 0
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '[':
			depth++
			if depth > 1 {
				b.WriteByte(' ')
			}
			continue
		case ']':
			depth--
			if depth == 0 {
				return b.String(), i + 1
			}
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return "", 0
}

// group is what one bracket group says.
type group struct {
	words        []string
	others       []string // words that are no keyword: tree candidates
	patchLike    bool
	patchWord    bool
	pull         bool
	rfc, resend  bool
	version      int
	index, total int
}

// parseGroup classifies the words of one bracket group.
func parseGroup(text string) group {
	var g group
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';'
	})
	for i, w := range fields {
		g.words = append(g.words, w)
		lw := strings.ToLower(w)
		switch {
		case lw == "patch" || lw == "patchset" || lw == "patches":
			g.patchWord = true
		case strings.HasPrefix(lw, "patch") && isVersion(lw[len("patch"):]):
			// "[PATCHv2]", "[PATCHV3]".
			g.patchWord = true
			g.version = versionOf(lw[len("patch"):])
		case lw == "rfc" || strings.HasPrefix(lw, "rfc") && isVersion(lw[3:]):
			g.rfc = true
			g.patchWord = true
			if len(lw) > 3 {
				g.version = versionOf(lw[3:])
			}
		case lw == "resend" || lw == "repost":
			g.resend = true
			g.patchWord = true
		case isVersion(lw):
			g.version = versionOf(lw)
		case isCounter(w):
			g.index, g.total = counterOf(w)
		case lw == "pull" || lw == "git" && i+1 < len(fields) && strings.EqualFold(fields[i+1], "pull"):
			g.pull = true
		case lw == "autosel" || lw == "rebase":
			// Markers that name no tree: AUTOSEL (the stable bot), REBASE.
		default:
			g.others = append(g.others, w)
		}
	}
	hasCounter := g.total > 0 || g.index > 0
	switch {
	case g.pull:
		g.patchLike = false
	case g.patchWord:
		g.patchLike = true
	case hasCounter || g.version > 0:
		// "[1/3]", "[v2 3/4]", "[net-next v2 1/2]": a counter or version
		// with at most one tree word beside it.
		g.patchLike = len(g.others) <= 1
	}
	return g
}

// bracketlessGroup recognises "PATCH v2 1/3: title" and "PATCH: title"
// (no brackets) and returns the group and the bytes it spans, up to and
// including the colon.
func bracketlessGroup(s string) (group, int) {
	colon := strings.IndexByte(s, ':')
	if colon < len("patch") || !strings.EqualFold(s[:len("patch")], "patch") {
		return group{}, 0
	}
	g := parseGroup(s[:colon])
	// Every word must be a keyword: "PATCH tests: fix" is a title.
	if !g.patchWord || len(g.others) > 0 || g.pull {
		return group{}, 0
	}
	return g, colon + 1
}

// isVersion reports whether w is "v<digits>" (any case), the version token.
func isVersion(w string) bool {
	if len(w) < 2 || (w[0] != 'v' && w[0] != 'V') {
		return false
	}
	return allDigits(w[1:])
}

// versionOf returns the number of a "vN" token, at least 1.
func versionOf(w string) int {
	n, err := strconv.Atoi(w[1:])
	if err != nil || n < 1 || n > maxCounter {
		return 1
	}
	return n
}

// isCounter reports whether w is "k/n" with 1-4 digits on each side (b4's
// rule; longer numbers are dates or versions, not counters).
func isCounter(w string) bool {
	k, n, ok := strings.Cut(w, "/")
	return ok && len(k) >= 1 && len(k) <= 4 && len(n) >= 1 && len(n) <= 4 && allDigits(k) && allDigits(n)
}

// counterOf returns k and n of a "k/n" token.
func counterOf(w string) (int, int) {
	k, n, _ := strings.Cut(w, "/")
	ki, _ := strconv.Atoi(k)
	ni, _ := strconv.Atoi(n)
	return ki, ni
}

// allDigits reports whether s is non-empty and all ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
