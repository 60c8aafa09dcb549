package series

import (
	"cmp"
	"slices"
	"strings"
)

// linkVersions fills Series.Versions. Two series are versions of one
// another when
//   - the later one was posted into the thread of the earlier (its cover
//     or first patch replies, directly or through the discussion, to a mail
//     of the other series) and their versions differ, or it is a RESEND;
//   - they have the same normalised title and the same author (how b4
//     matches revisions), and the versions rise with the dates: a second
//     "v1" with a title already seen is a new series that happens to share
//     a title ("io_uring fixes"), unless it is a RESEND.
//
// A RESEND keeps its version: b4 reads the revision from "vN" only, so a
// RESEND of v2 is v2 again, a repost rather than a new version; it is
// linked to the original like a version.
func linkVersions(all []*Series, byID map[string]*node) {
	if len(all) < 2 {
		return
	}
	idx := make(map[*Series]int, len(all))
	member := make(map[string]int)
	for i, s := range all {
		idx[s] = i
		if s.Cover != nil {
			member[s.Cover.MessageID] = i
		}
		for _, p := range s.Patches {
			member[p.Msg.MessageID] = i
		}
	}
	uf := newUnionFind(len(all))

	// Posted into the thread of another version.
	for i, s := range all {
		// The mail the series is known by: its cover or first own patch
		// (a partial reroll also holds patches of the earlier version).
		rootNode := byID[s.ID]
		if rootNode == nil {
			continue
		}
		root := rootNode.msg
		ancestors := slices.Clone(root.References)
		if root.InReplyTo != "" {
			ancestors = append(ancestors, root.InReplyTo)
		}
		for n := rootNode; n != nil && n.parent != nil; n = n.parent {
			ancestors = append(ancestors, n.parent.msg.MessageID)
			if len(ancestors) > 256 {
				break
			}
		}
		for _, id := range ancestors {
			j, ok := member[id]
			if !ok || j == i {
				continue
			}
			if all[j].Version != s.Version || s.Resend {
				uf.union(i, j)
			}
		}
	}

	// Same title and author, versions rising with time.
	byKey := make(map[string][]*Series)
	for _, s := range all {
		t := normTitle(s.Title)
		if t == "" {
			continue
		}
		k := t + "\x00" + strings.ToLower(s.Author.Email)
		byKey[k] = append(byKey[k], s)
	}
	for _, list := range byKey {
		// all is sorted by date already, so list is too.
		for i := 1; i < len(list); i++ {
			prev, cur := list[i-1], list[i]
			if cur.Version > prev.Version || (cur.Resend && cur.Version == prev.Version) {
				uf.union(idx[prev], idx[cur])
			}
		}
	}

	families := make(map[int][]*Series)
	for i, s := range all {
		r := uf.find(i)
		families[r] = append(families[r], s)
	}
	for _, fam := range families {
		if len(fam) < 2 {
			continue
		}
		slices.SortStableFunc(fam, func(a, b *Series) int {
			return cmp.Or(cmp.Compare(a.Version, b.Version), a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID))
		})
		for _, s := range fam {
			s.Versions = make([]*Series, 0, len(fam)-1)
			for _, o := range fam {
				if o != s {
					s.Versions = append(s.Versions, o)
				}
			}
		}
	}
}

// normTitle folds a title for matching versions: case, runs of spaces and
// a trailing full stop do not make a new series.
func normTitle(t string) string {
	t = strings.ToLower(strings.Join(strings.Fields(t), " "))
	return strings.TrimRight(t, ". ")
}

// unionFind is a disjoint-set forest over 0..n-1.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{parent: p}
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u.parent[max(ra, rb)] = min(ra, rb)
	}
}
