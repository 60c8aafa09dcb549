package series

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/patchbot/patchbot/mail"
)

// Result is the outcome of assembling a set of mails: the series found and
// the mails that belong to none, each with the reason.
type Result struct {
	// Series are sorted by Date, then ID.
	Series []*Series
	// Skipped lists replies, pull requests, discussion mail, covers whose
	// patches never arrived and dropped duplicates.
	Skipped []Skip
}

// Skip names one mail Assemble left out and why.
type Skip struct {
	// MessageID and Source identify the mail (Source as mail.Message has it).
	MessageID string
	Source    string
	// Reason says why, in a few words: "reply", "pull request", "no diff".
	Reason string
}

// Assemble groups mails into patch series the way b4 does, for any number
// of series and threads at once: patches are placed by their "k/n"
// counter; the cover letter is the 0/N mail or, failing that, the mail
// patch k/N replies to when it has a diffstat and no diff (a "naked"
// cover); each (version, cover or first patch) is its own series, so a v2
// posted into the thread of v1 is not merged into v1; versions of one
// series are linked to each other. The result does not depend on the
// order of msgs.
func Assemble(msgs []*mail.Message) *Result {
	a := NewAssembler(AssembleOptions{})
	for _, m := range msgs {
		a.Add(m)
	}
	return a.Result()
}

// assemble is Assemble of classified mails.
func assemble(nodes []*node) *Result {
	res := &Result{}
	nodes, dups := dedupe(nodes)
	byID := make(map[string]*node, len(nodes))
	for _, n := range nodes {
		if n.msg.MessageID != "" {
			byID[n.msg.MessageID] = n
		}
	}
	for _, n := range nodes {
		n.parent = parentOf(n.msg, byID)
	}
	threadUnthreaded(nodes)

	groups := make(map[groupKey]*draft)
	keys := make(keyTable)
	var order []groupKey
	for _, n := range nodes {
		if n.kind != kindPatch {
			continue
		}
		k := anchorKey(n, keys)
		d := groups[k]
		if d == nil {
			d = &draft{key: k}
			groups[k] = d
			order = append(order, k)
		}
		d.patches = append(d.patches, n)
	}
	usedCover := make(map[*node]bool)
	for _, k := range order {
		d := groups[k]
		if k.anchor != nil && k.anchor.kind != kindPatch {
			d.cover = k.anchor
			usedCover[k.anchor] = true
		}
	}
	for _, k := range order {
		d := groups[k]
		if k.prev != nil {
			d.prev = groups[*k.prev]
		}
		res.Series = append(res.Series, d.build())
	}

	for _, n := range nodes {
		switch {
		case n.kind == kindPatch || usedCover[n]:
		case n.kind == kindCover:
			res.Skipped = append(res.Skipped, skipOf(n.msg, "cover letter without any of its patches"))
		case n.kind == kindNaked:
			res.Skipped = append(res.Skipped, skipOf(n.msg, "no diff (not a patch, and no patch replies to it)"))
		default:
			res.Skipped = append(res.Skipped, skipOf(n.msg, n.reason))
		}
	}
	noteDuplicates(res, dups)

	slices.SortStableFunc(res.Series, func(a, b *Series) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	slices.SortStableFunc(res.Skipped, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(a.MessageID, b.MessageID), cmp.Compare(a.Source, b.Source))
	})
	linkVersions(res.Series, byID)
	return res
}

// skipOf builds a Skip for m.
func skipOf(m *mail.Message, reason string) Skip {
	return Skip{MessageID: m.MessageID, Source: m.Source, Reason: reason}
}

// parentOf returns the message m replies to among the known ones: its
// In-Reply-To, or else the nearest References entry that is present.
func parentOf(m *mail.Message, byID map[string]*node) *node {
	if p := byID[m.InReplyTo]; p != nil && m.InReplyTo != m.MessageID {
		return p
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		if id := m.References[i]; id != m.MessageID {
			if p := byID[id]; p != nil {
				return p
			}
		}
	}
	return nil
}

// effectiveVersion is the node's version; like b4's add_message, a patch
// without "vN" takes the version of the cover letter (or patch 1) it
// replies to.
func effectiveVersion(n *node) int {
	if n.versionDone {
		return n.version
	}
	n.versionDone = true
	n.version = n.subj.Version
	if n.explicitVersion || n.parent == nil {
		return n.version
	}
	p := n.parent
	if p.kind == kindCover || p.kind == kindNaked || (p.kind == kindPatch && p.index == 1 && p.explicitCounter && n.explicitCounter) {
		n.version = effectiveVersion(p)
	}
	return n.version
}

// groupKey identifies one series: its anchor mail (cover letter or first
// patch), or, when the patches reply to a mail that is no cover (a
// "[PATCHSET 0.4]" typo, a review reply, a mail missing from the input),
// the Message-ID they reply to; plus the version.
type groupKey struct {
	anchor   *node
	parentID string
	version  int
	// prev is set for a partial reroll: the key of the earlier version
	// whose patches this one's patches reply to, counter for counter.
	prev *groupKey
}

// anchorKey finds the series a patch belongs to by walking up the mails it
// replies to, as git send-email threads them (every patch replying to the
// cover, or to patch 1, or to the previous patch). It stops at a mail of
// another version, which is what keeps a v2 sent into v1's thread apart
// from v1 (the patchwork bug #127), and at a mail that is neither patch
// nor cover.
func anchorKey(n *node, keys keyTable) groupKey {
	if n.key != nil {
		return *n.key
	}
	if n.keyBusy {
		// In-Reply-To loops exist (forged or broken headers): a patch met
		// again on its own chain anchors a series of its own.
		return groupKey{anchor: n, version: effectiveVersion(n)}
	}
	n.keyBusy = true
	k := computeKey(n, keys)
	n.key = &k
	return k
}

// computeKey is anchorKey without the memo.
func computeKey(n *node, keys keyTable) groupKey {
	v := effectiveVersion(n)
	p := n.parent
	if p == nil || effectiveVersion(p) != v {
		return stopKey(n, v, keys)
	}
	switch p.kind {
	case kindCover, kindNaked:
		if !n.explicitCounter && (p.kind == kindCover || p.explicitCounter) {
			// "[PATCH] fix" posted into the thread of a numbered cover
			// is a patch of its own, not 1/N of that series.
			return groupKey{anchor: n, version: v}
		}
		return groupKey{anchor: p, version: v}
	case kindPatch:
		// Patches chain to patch 1 or to the previous patch of the same
		// series: same total, another counter. A counterless "[PATCH]"
		// replying to another is a new posting (b4 numbers it as a new
		// revision), and so is a k/N replying to a k/N.
		if n.explicitCounter && p.explicitCounter && p.total == n.total && p.index != n.index {
			return anchorKey(p, keys)
		}
		return groupKey{anchor: n, version: v}
	default:
		return stopKey(n, v, keys)
	}
}

// stopKey is the key of a patch whose parent is no patch or cover of its
// version: numbered patches replying to the same mail (present or not)
// form one series, as b4 puts every patch of a thread with the same
// revision into one series; anything else starts its own.
func stopKey(n *node, v int, keys keyTable) groupKey {
	if p := n.parent; p != nil && p.kind == kindPatch && n.explicitCounter && p.explicitCounter &&
		p.index == n.index && p.total == n.total && effectiveVersion(p) < v {
		// b4's partial reroll: "[PATCH v2 2/3]" replying to v1's 2/3.
		// All such patches of one version form one series, and patches
		// that were not resent are taken from the earlier version.
		pk := anchorKey(p, keys)
		return groupKey{version: v, prev: keys.intern(pk)}
	}
	if n.explicitCounter {
		if id := n.msg.InReplyTo; id != "" && id != n.msg.MessageID {
			return groupKey{parentID: id, version: v}
		}
		if n.parent != nil {
			return groupKey{parentID: n.parent.msg.MessageID, version: v}
		}
	}
	return groupKey{anchor: n, version: v}
}

// keyTable hands out one pointer per distinct key, so that keys holding
// a prev pointer compare equal exactly when their prev keys do.
type keyTable map[groupKey]*groupKey

// intern returns the shared pointer for k.
func (t keyTable) intern(k groupKey) *groupKey {
	if p, ok := t[k]; ok {
		return p
	}
	p := &k
	t[k] = p
	return p
}

// draft collects the mails of one series before it is built.
type draft struct {
	key     groupKey
	cover   *node
	patches []*node
	// prev is the earlier version of a partial reroll.
	prev *draft
}

// build places the patches by counter and fills the Series.
func (d *draft) build() *Series {
	s := &Series{Version: d.key.version}
	slices.SortFunc(d.patches, func(a, b *node) int {
		return cmp.Or(cmp.Compare(a.index, b.index), a.msg.Date.Compare(b.msg.Date), cmp.Compare(a.msg.MessageID, b.msg.MessageID))
	})
	for _, n := range d.patches {
		s.Total = max(s.Total, n.total)
	}
	if d.cover != nil {
		s.Cover = d.cover.msg
		s.Total = max(s.Total, d.cover.subj.Total)
	}
	var kept []*node
	for i, n := range d.patches {
		if i > 0 && d.patches[i-1].index == n.index {
			// b4 keeps the first patch it sees for a counter; in date
			// order that is the earliest.
			s.Problems = append(s.Problems, fmt.Sprintf("patch %d/%d sent twice: kept <%s>, dropped <%s>",
				n.index, s.Total, kept[len(kept)-1].msg.MessageID, n.msg.MessageID))
			continue
		}
		kept = append(kept, n)
		s.Patches = append(s.Patches, n.patch)
		if n.diffErr != nil {
			s.Problems = append(s.Problems, fmt.Sprintf("patch %d/%d <%s>: %v", n.index, s.Total, n.msg.MessageID, n.diffErr))
		}
	}
	have := make(map[int]bool, len(kept))
	for _, n := range kept {
		have[n.index] = true
	}
	if d.prev != nil {
		d.fillFromPrevious(s, have)
	}
	for i := 1; i <= s.Total; i++ {
		if !have[i] {
			s.Missing = append(s.Missing, i)
		}
	}
	s.Complete = len(s.Missing) == 0

	head := kept[0]
	s.ID = head.msg.MessageID
	s.Title = head.subj.Title
	s.Author = head.msg.From
	lead := head.subj
	if d.cover != nil {
		s.ID = d.cover.msg.MessageID
		s.Title = d.cover.subj.Title
		s.Author = d.cover.msg.From
		lead = d.cover.subj
	}
	if d.prev != nil && d.prev.cover != nil && s.Cover == nil {
		// b4 names a reconstituted partial reroll after the earlier
		// version's series.
		s.Title = d.prev.cover.subj.Title
	}
	s.Tree, s.RFC, s.Resend = lead.Tree, lead.RFC, lead.Resend
	s.Date = head.msg.Date
	if d.cover != nil && d.cover.msg.Date.Before(s.Date) {
		s.Date = d.cover.msg.Date
	}
	for _, n := range kept {
		if n.msg.Date.Before(s.Date) {
			s.Date = n.msg.Date
		}
		s.RFC = s.RFC || n.subj.RFC
		s.Resend = s.Resend || n.subj.Resend
		if s.Tree == "" {
			s.Tree = n.subj.Tree
		}
	}
	return s
}

// fillFromPrevious completes a partial reroll the way b4 does: a patch the
// new version did not resend is the earlier version's patch with the same
// counter, unchanged. Each one taken is noted in Problems.
func (d *draft) fillFromPrevious(s *Series, have map[int]bool) {
	for i := 1; i <= s.Total; i++ {
		if have[i] {
			continue
		}
		var best *node
		for _, n := range d.prev.patches {
			if n.index != i || n.total != s.Total {
				continue
			}
			if best == nil || cmp.Or(n.msg.Date.Compare(best.msg.Date), cmp.Compare(n.msg.MessageID, best.msg.MessageID)) < 0 {
				best = n
			}
		}
		if best == nil {
			continue
		}
		have[i] = true
		s.Patches = append(s.Patches, best.patch)
		s.Problems = append(s.Problems, fmt.Sprintf("partial reroll: patch %d/%d not resent, taken from v%d <%s>",
			i, s.Total, d.prev.key.version, best.msg.MessageID))
	}
	slices.SortStableFunc(s.Patches, func(a, b *Patch) int { return cmp.Compare(a.Index, b.Index) })
}
