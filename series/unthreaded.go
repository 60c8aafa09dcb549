package series

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Mail without threading headers reaches patchbot in ordinary ways: git
// format-patch without --thread (git's default) writes neither Message-ID
// nor In-Reply-To, `b4 am -o -` drops In-Reply-To from the mails it
// writes, and some senders post each patch on its own. Such patches are
// tied together here the way b4 and patchwork tie them, and each group is
// then threaded under its cover letter (or patch 1), so that the rest of
// the assembly sees one series:
//   - mails without a Message-ID (git format-patch output) of one input
//     (a directory of files, one file, standard input, a git range) with
//     the same version and total are one run of format-patch, whoever
//     authored each commit;
//   - mails whose Message-IDs share the stem one git send-email or b4 send
//     run gives them (<20240102124747.21644-2-ada@example.org>) are one
//     posting;
//   - any other unthreaded patch joins the one posting of the same sender,
//     version and total that started within seriesWindow of it, as
//     patchwork's series markers do, and none when two could take it.
//
// A group never holds two patches with the same counter, never mixes
// versions or totals, and never two base-commits.

// seriesWindow is how far apart the mails of one unthreaded posting may
// be: patchwork's SERIES_DELAY_INTERVAL is 10 to 20 minutes.
const seriesWindow = 20 * time.Minute

// bundle is one group of unthreaded mails.
type bundle struct {
	nodes   []*node
	sender  string
	first   time.Time
	base    string
	version int
	total   int
}

// has reports whether the bundle already holds counter index.
func (b *bundle) has(index int) bool {
	return slices.ContainsFunc(b.nodes, func(n *node) bool { return n.index == index })
}

// admits reports whether n may join b.
func (b *bundle) admits(n *node) bool {
	if b.has(n.index) || n.subj.Version != b.version || n.total != b.total {
		return false
	}
	base := baseOf(n)
	return base == "" || b.base == "" || base == b.base
}

func (b *bundle) add(n *node) {
	b.nodes = append(b.nodes, n)
	if b.base == "" {
		b.base = baseOf(n)
	}
	if b.first.IsZero() || n.msg.Date.Before(b.first) {
		b.first = n.msg.Date
	}
}

// threadUnthreaded groups the unthreaded patches and covers among nodes
// and gives each group's members its anchor (cover letter, else patch 1,
// else the lowest counter) as parent.
func threadUnthreaded(nodes []*node) {
	var loose []*node
	for _, n := range nodes {
		if (n.kind == kindPatch || n.kind == kindCover) && n.explicitCounter && n.total > 1 &&
			n.parent == nil && n.msg.InReplyTo == "" && len(n.msg.References) == 0 {
			loose = append(loose, n)
		}
	}
	if len(loose) < 2 {
		return
	}
	slices.SortStableFunc(loose, func(a, b *node) int {
		return cmp.Or(a.msg.Date.Compare(b.msg.Date), cmp.Compare(a.index, b.index), cmp.Compare(a.msg.Source, b.msg.Source))
	})
	var bundles []*bundle
	// format-patch runs: no Message-ID, one input.
	byBatch := map[string][]*bundle{}
	// send-email and b4 postings: a shared stem.
	byStem := map[string][]*bundle{}
	var rest []*node
	for _, n := range loose {
		switch stem := messageIDStem(n.msg.MessageID); {
		case n.msg.MessageID == "":
			bundles = joinOrStart(bundles, byBatch, n.msg.Batch, n, true)
		case stem != "":
			bundles = joinOrStart(bundles, byStem, stem, n, false)
		default:
			rest = append(rest, n)
		}
	}
	// Patchwork's markers: sender, version, total, and time.
	var marked []*bundle
	for _, n := range rest {
		sender := strings.ToLower(n.msg.From.Email)
		var fit []*bundle
		for _, b := range marked {
			if b.sender == sender && b.admits(n) && absDuration(n.msg.Date.Sub(b.first)) <= seriesWindow {
				fit = append(fit, b)
			}
		}
		switch len(fit) {
		case 1:
			fit[0].add(n)
		case 0:
			b := &bundle{sender: sender, version: n.subj.Version, total: n.total}
			b.add(n)
			marked = append(marked, b)
		}
		// Two postings could take it: patchwork leaves such a patch
		// alone, and so do we.
	}
	bundles = append(bundles, marked...)
	for _, b := range bundles {
		if len(b.nodes) < 2 {
			continue
		}
		anchor := b.nodes[0]
		for _, n := range b.nodes[1:] {
			if n.kind == kindCover && anchor.kind != kindCover || n.kind == anchor.kind && n.index < anchor.index {
				anchor = n
			}
		}
		for _, n := range b.nodes {
			if n != anchor {
				n.parent = anchor
			}
		}
	}
}

// joinOrStart puts n into the first bundle under key that admits it (for
// a format-patch run, preferring one of the same author), or starts one.
func joinOrStart(bundles []*bundle, index map[string][]*bundle, key string, n *node, preferAuthor bool) []*bundle {
	sender := strings.ToLower(n.msg.From.Email)
	var pick *bundle
	for _, b := range index[key] {
		if !b.admits(n) {
			continue
		}
		if pick == nil || preferAuthor && b.sender == sender && pick.sender != sender {
			pick = b
		}
	}
	if pick == nil {
		pick = &bundle{sender: sender, version: n.subj.Version, total: n.total}
		index[key] = append(index[key], pick)
		bundles = append(bundles, pick)
	}
	pick.add(n)
	return bundles
}

// stemPatterns match the Message-IDs that tools give every mail of one
// run, with the per-mail counter removed:
//   - git send-email: 20240102124747.21644-2-ada@example.org (and the older
//     1606476138-31992-1-git-send-email-ada@example.org);
//   - b4 send: 20240129-rm-ext-plugins-v4-5-bfd1e08c7f99@gmail.com;
//   - git format-patch --thread: <sha>.1795753221.git.ada@example.org and
//     cover.1795753221.git.ada@example.org.
var stemPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^(\d{14}\.\d+)-\d+-(.+)$`),
	regexp.MustCompile(`^(\d+-\d+)-\d+-(git-send-email-.+)$`),
	regexp.MustCompile(`^(\d{8}-.+-v\d+)-\d+-([0-9a-f]{12}@.+)$`),
	regexp.MustCompile(`^(?:[0-9a-f]{40}|cover)\.(\d+)\.(git\..+)$`),
}

// messageIDStem returns the run-wide part of a tool-made Message-ID, ""
// for any other.
func messageIDStem(id string) string {
	for _, re := range stemPatterns {
		if m := re.FindStringSubmatch(id); m != nil {
			return m[1] + "|" + m[2]
		}
	}
	return ""
}

// baseOf is the "base-commit:" a patch or cover names, "" when none.
func baseOf(n *node) string {
	if n.patch != nil {
		return n.patch.BaseCommit
	}
	return n.base
}

// bodyBase is the "base-commit:" a mail's body names, "" when none.
func bodyBase(body string) string {
	if i := strings.LastIndex(body, "\nbase-commit: "); i >= 0 {
		f := strings.Fields(body[i+len("\nbase-commit: "):])
		if len(f) > 0 {
			return f[0]
		}
	}
	return ""
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
