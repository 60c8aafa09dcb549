package model

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// InferRules returns the conversion rules series s implies, read from its
// diffs alone (no tree): the struct members whose function-pointer type it
// changes. Callers use it to know, before a tree is indexed, which
// callbacks' implementers the index must be able to resolve. parses, when
// not nil, shares the parses with the review (see ParseCache).
func InferRules(ctx context.Context, s *series.Series, parses *ParseCache) ([]Rule, error) {
	m, err := New(ctx, s, &Env{Parses: parses})
	if err != nil {
		return nil, fmt.Errorf("infer conversion rules of %q: %w", s.Title, err)
	}
	defer m.Close()
	return m.InferredRules(ctx), nil
}

// InferredRules reads conversion rules off the model's diffs: a struct
// definition in which a function-pointer member changes type (the member in
// the hunk's pre-image against the same member in its post-image) gives
// Rule{Struct, Member, Old, New} with canonical function types.
func (m *Model) InferredRules(ctx context.Context) []Rule {
	var out []Rule
	seen := map[string]bool{}
	for _, pi := range m.patches {
		for _, fi := range pi.files {
			if !IsCSource(fi.name) {
				continue
			}
			for _, hi := range fi.hunks {
				if !mayRetypeMember(hi.h) {
					continue
				}
				pre, post := m.Parse(ctx, hi.pre), m.Parse(ctx, hi.post)
				for _, ps := range pre.Structs {
					for _, pm := range ps.Members {
						if pm.Func == nil || !hi.pre.ChangedIn(pm.Line, pm.Line+memberSpan) {
							continue
						}
						nm, ok := findMember(post.Structs, ps.Name, pm.Name)
						if !ok || nm.Func == nil || pm.Func.Equal(*nm.Func) {
							continue
						}
						r := Rule{Struct: ps.Name, Member: pm.Name, Old: pm.Func.String(), New: nm.Func.String()}
						if key := r.Struct + "." + r.Member; !seen[key] {
							seen[key] = true
							out = append(out, r)
						}
					}
				}
			}
		}
	}
	return out
}

// mayRetypeMember reports whether a hunk can change a function-pointer
// member: it lies in a struct (by its header) or shows a "(*" declarator,
// and it changes something.
func mayRetypeMember(h *series.Hunk) bool {
	changes, ptr := false, opensStruct(h.Function)
	for _, l := range h.Lines {
		changes = changes || l.Op != series.OpContext
		ptr = ptr || strings.Contains(l.Text, "(*")
	}
	return changes && ptr
}

// memberSpan is how many lines past its first line a member declaration
// may continue (parameter lists wrapped by kernel style).
const memberSpan = 4

// findMember finds a member of the named struct among structs.
func findMember(structs []cfront.Struct, structName, member string) (cfront.Member, bool) {
	for _, st := range structs {
		if st.Name != structName {
			continue
		}
		for _, mem := range st.Members {
			if mem.Name == member {
				return mem, true
			}
		}
	}
	return cfront.Member{}, false
}

// Rules returns the rules in force for the model: those inferred from the
// series, then the pinned ones (env.Rules) for members the series does not
// convert itself. Pinned rules are normalised through cfront.ParseFuncType
// so that spelling differences in the config do not matter.
func (m *Model) Rules(ctx context.Context) []Rule {
	if m.ruleCache != nil {
		return *m.ruleCache
	}
	out := m.InferredRules(ctx)
	have := map[string]bool{}
	for _, r := range out {
		have[r.Struct+"."+r.Member] = true
	}
	for _, r := range m.env.Rules {
		if have[r.Struct+"."+r.Member] {
			continue
		}
		have[r.Struct+"."+r.Member] = true
		out = append(out, normaliseRule(r))
	}
	m.ruleCache = &out
	return out
}

// normaliseRule puts a rule's types in canonical form where they parse.
func normaliseRule(r Rule) Rule {
	if ft, err := cfront.ParseFuncType(r.Old); err == nil {
		r.Old = ft.String()
	}
	if ft, err := cfront.ParseFuncType(r.New); err == nil {
		r.New = ft.String()
	}
	return r
}
