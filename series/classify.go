package series

import (
	"errors"
	"strings"

	"github.com/patchbot/patchbot/mail"
)

// kind is what one mail is to the assembler.
type kind int

const (
	kindOther kind = iota // skipped: reply, pull request, discussion
	kindPatch             // carries a diff (and is no reply or pull request)
	kindCover             // "[PATCH 0/N]"
	kindNaked             // no diff, has a diffstat: a naked cover if a patch replies to it
)

// node is one mail as the assembler sees it.
type node struct {
	msg     *mail.Message
	subj    Subject
	kind    kind
	patch   *Patch
	diffErr error  // diff present but go-gitdiff refused it
	reason  string // why a kindOther mail is skipped
	// explicitVersion and explicitCounter say whether the subject wrote
	// "vN" and "k/n"; b4 calls the opposite "inferred".
	explicitVersion bool
	explicitCounter bool
	index, total    int // 1/1 for a lone patch
	parent          *node
	version         int // effective version (inherited from a cover, as b4 does)
	versionDone     bool
	key             *groupKey // memo of anchorKey
	keyBusy         bool      // anchorKey is walking through this node
	// seq is the order the mail was added in, the last tie-break of the
	// canonical order.
	seq int
	// hasDiff says the body has a diff (kept for dedupe once the body is
	// let go); base is the "base-commit:" of a mail without a patch.
	hasDiff bool
	base    string
}

// classifyOne decides what one message is.
func classifyOne(m *mail.Message) *node {
	n := &node{msg: m, subj: ParseSubject(m.Subject)}
	for _, w := range n.subj.Prefixes {
		if isVersion(w) || isPatchVersion(w) {
			n.explicitVersion = true
		}
		if isCounter(w) {
			n.explicitCounter = true
		}
	}
	n.explicitCounter = n.explicitCounter && n.subj.Total > 0
	n.index, n.total = n.subj.Index, n.subj.Total
	if !n.explicitCounter {
		n.index, n.total = 1, 1
	}
	switch {
	case n.subj.IsReply:
		n.reason = "reply"
		return n
	case isPullRequest(n.subj):
		n.reason = "pull request"
		return n
	}
	if n.explicitCounter && n.subj.Index == 0 && n.subj.IsPatch {
		// b4: counter 0 with an explicit counter is a cover letter, diff
		// or not.
		n.kind = kindCover
		return n
	}
	// Like b4, any other mail that carries a diff is a patch, whatever
	// its tags say ("[UBLKSRV] Add ebpf support.", a bare subject).
	p, err := ParsePatch(m)
	switch {
	case err == nil:
		n.kind, n.patch = kindPatch, p
	case errors.Is(err, ErrNoDiff):
		if hasDiffstat(m.Body) {
			n.kind = kindNaked
		}
		n.reason = "no diff"
		if !n.subj.IsPatch && len(n.subj.Prefixes) > 0 {
			n.reason = "no diff, no patch subject"
		}
	default:
		// A diff go-gitdiff cannot read is still a patch to b4 and to the
		// maintainer; keep its place in the series and say what is wrong.
		n.kind, n.diffErr = kindPatch, err
		n.patch = &Patch{Msg: m, Subject: n.subj, Author: m.From, Index: n.index, Total: n.total}
	}
	return n
}

// isPatchVersion reports whether w is "PATCHv3" or "RFCv2".
func isPatchVersion(w string) bool {
	lw := strings.ToLower(w)
	for _, p := range []string{"patch", "rfc"} {
		if rest, ok := strings.CutPrefix(lw, p); ok && isVersion(rest) {
			return true
		}
	}
	return false
}

// isPullRequest reports whether the subject is a "[GIT PULL]" request.
func isPullRequest(s Subject) bool {
	for _, w := range s.Prefixes {
		if strings.EqualFold(w, "pull") {
			return true
		}
	}
	return false
}

// hasDiffstat reports whether body has a diffstat summary line such as
// " 3 files changed, 10 insertions(+), 2 deletions(-)" (b4's DIFFSTAT_RE).
func hasDiffstat(body string) bool {
	for off := 0; ; {
		i := strings.Index(body[off:], " changed, ")
		if i < 0 {
			return false
		}
		i += off
		ls := strings.LastIndexByte(body[:i], '\n') + 1
		le := strings.IndexByte(body[i:], '\n')
		line := body[ls:]
		if le >= 0 {
			line = body[ls : i+le]
		}
		t := strings.TrimSpace(line)
		digits := len(t) - len(strings.TrimLeft(t, "0123456789"))
		if digits > 0 && strings.HasPrefix(t[digits:], " file") &&
			(strings.Contains(t, "insertion") || strings.Contains(t, "deletion")) {
			return true
		}
		off = i + 1
	}
}
