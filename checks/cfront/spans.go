package cfront

import (
	"slices"
	"sort"
)

// spanIndex answers "which span holds this offset" in logarithmic time
// over spans that are disjoint or nested.
type spanIndex struct {
	spans []span // sorted by start
	union []span // disjoint union of spans, sorted
}

func newSpanIndex(spans []span) *spanIndex {
	s := slices.Clone(spans)
	slices.SortStableFunc(s, func(a, b span) int { return a.start - b.start })
	var u []span
	for _, sp := range s {
		if n := len(u); n > 0 && sp.start <= u[n-1].end {
			u[n-1].end = max(u[n-1].end, sp.end)
			continue
		}
		u = append(u, sp)
	}
	return &spanIndex{spans: s, union: u}
}

// covers reports whether start <= off < end for some span.
func (x *spanIndex) covers(off int) bool {
	i := sort.Search(len(x.union), func(i int) bool { return x.union[i].start > off }) - 1
	return i >= 0 && off < x.union[i].end
}

// inside returns the innermost span with start < off < end.
func (x *spanIndex) inside(off int) (span, bool) {
	i := sort.Search(len(x.spans), func(i int) bool { return x.spans[i].start >= off }) - 1
	// Nested spans start earlier than what they hold: walk back a little.
	for k := 0; i >= 0 && k < 64; i, k = i-1, k+1 {
		if s := x.spans[i]; off < s.end {
			return s, true
		}
	}
	return span{}, false
}
