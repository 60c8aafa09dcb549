package series

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/mail"
)

// duplicate is a mail dropped because another carries its Message-ID.
type duplicate struct {
	dropped, kept *mail.Message
}

// dedupe sorts the classified mails into a canonical order (date,
// Message-ID, source, size, then the order they were added in) and keeps
// one mail per Message-ID, so that the assembly does not depend on the
// order mails arrived in. Of two copies it keeps the one with a diff (a
// copy whose body a list mangled loses it), then the earliest.
func dedupe(nodes []*node) ([]*node, []duplicate) {
	sorted := slices.Clone(nodes)
	slices.SortFunc(sorted, func(a, b *node) int {
		return cmp.Or(a.msg.Date.Compare(b.msg.Date), cmp.Compare(a.msg.MessageID, b.msg.MessageID),
			cmp.Compare(a.msg.Source, b.msg.Source), cmp.Compare(a.msg.Size, b.msg.Size), cmp.Compare(a.seq, b.seq))
	})
	seen := make(map[string]int, len(sorted))
	out := sorted[:0:0]
	var dups []duplicate
	for _, n := range sorted {
		if n.msg.MessageID == "" {
			out = append(out, n)
			continue
		}
		i, ok := seen[n.msg.MessageID]
		if !ok {
			seen[n.msg.MessageID] = len(out)
			out = append(out, n)
			continue
		}
		if !out[i].hasDiff && n.hasDiff {
			dups = append(dups, duplicate{dropped: out[i].msg, kept: n.msg})
			out[i] = n
			continue
		}
		dups = append(dups, duplicate{dropped: n.msg, kept: out[i].msg})
	}
	// Keep the canonical order after replacements.
	slices.SortStableFunc(out, func(a, b *node) int {
		return cmp.Or(a.msg.Date.Compare(b.msg.Date), cmp.Compare(a.msg.MessageID, b.msg.MessageID), cmp.Compare(a.msg.Source, b.msg.Source))
	})
	return out, dups
}

// noteDuplicates records every dropped duplicate in Skipped and in the
// Problems of the series that holds the copy that was kept.
func noteDuplicates(res *Result, dups []duplicate) {
	if len(dups) == 0 {
		return
	}
	holder := make(map[*mail.Message]*Series)
	for _, s := range res.Series {
		if s.Cover != nil {
			holder[s.Cover] = s
		}
		for _, p := range s.Patches {
			holder[p.Msg] = s
		}
	}
	for _, d := range dups {
		res.Skipped = append(res.Skipped, skipOf(d.dropped, "duplicate Message-ID (kept the copy from "+sourceName(d.kept)+")"))
		if s := holder[d.kept]; s != nil {
			s.Problems = append(s.Problems, fmt.Sprintf("duplicate Message-ID <%s>: dropped the copy from %s",
				d.dropped.MessageID, sourceName(d.dropped)))
		}
	}
}

// sourceName names where a mail came from, for messages.
func sourceName(m *mail.Message) string {
	if strings.TrimSpace(m.Source) == "" {
		return "(unnamed source)"
	}
	return m.Source
}
