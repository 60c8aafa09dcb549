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

// dedupe sorts the mails into a canonical order (date, Message-ID, source)
// and keeps one mail per Message-ID, so that the assembly does not depend
// on the order mails arrived in. Of two copies it keeps the one with a
// diff (a copy whose body a list mangled loses it), then the earliest.
func dedupe(msgs []*mail.Message) ([]*mail.Message, []duplicate) {
	sorted := slices.Clone(msgs)
	sorted = slices.DeleteFunc(sorted, func(m *mail.Message) bool { return m == nil })
	slices.SortStableFunc(sorted, func(a, b *mail.Message) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.MessageID, b.MessageID),
			cmp.Compare(a.Source, b.Source), cmp.Compare(a.Size, b.Size))
	})
	seen := make(map[string]int, len(sorted))
	out := sorted[:0:0]
	var dups []duplicate
	for _, m := range sorted {
		if m.MessageID == "" {
			out = append(out, m)
			continue
		}
		i, ok := seen[m.MessageID]
		if !ok {
			seen[m.MessageID] = len(out)
			out = append(out, m)
			continue
		}
		if diffStart(out[i].Body) < 0 && diffStart(m.Body) >= 0 {
			dups = append(dups, duplicate{dropped: out[i], kept: m})
			out[i] = m
			continue
		}
		dups = append(dups, duplicate{dropped: m, kept: out[i]})
	}
	// Keep the canonical order after replacements.
	slices.SortStableFunc(out, func(a, b *mail.Message) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.MessageID, b.MessageID), cmp.Compare(a.Source, b.Source))
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
