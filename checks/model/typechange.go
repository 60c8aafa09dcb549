package model

import (
	"context"

	"github.com/patchbot/patchbot/checks/cfront"
)

// TypeChanged reports whether patch k gives function name a new type: a
// declarator it adds whose type is not the type the function had before
// (in the patch's pre-images or in the tree), or a function that did not
// exist before. The answer is kept: the checks ask it of every function a
// patch touches, often more than once.
func (m *Model) TypeChanged(ctx context.Context, k int, name string) bool {
	key := funcQuery{k, name}
	if v, ok := m.typeChanged[key]; ok {
		return v
	}
	v := m.typeChange(ctx, k, name)
	if m.typeChanged == nil {
		m.typeChanged = map[funcQuery]bool{}
	}
	m.typeChanged[key] = v
	return v
}

// funcQuery is a question about function name as of a patch, to
// TypeChanged or Funcs.
type funcQuery struct {
	patch int
	name  string
}

// typeChange answers TypeChanged.
func (m *Model) typeChange(ctx context.Context, k int, name string) bool {
	var added, before []cfront.FuncType
	for _, fi := range m.patches[k].files {
		for _, hi := range fi.hunks {
			// Only an image that can name the function can declare it.
			if hi.post.MayName(name) {
				for _, f := range m.Parse(ctx, hi.post).Funcs {
					if f.Name == name && (FuncSite{Fn: f, Im: hi.post}).Touched(k) {
						added = append(added, f.Type)
					}
				}
			}
			if hi.pre.MayName(name) {
				for _, g := range m.Parse(ctx, hi.pre).Funcs {
					if g.Name == name {
						before = append(before, g.Type)
					}
				}
			}
		}
	}
	if m.env.Tree != nil {
		for _, f := range m.env.Tree.Funcs(name) {
			before = append(before, f.Type)
		}
	}
	for _, a := range added {
		same := false
		for _, b := range before {
			same = same || a.Equal(b)
		}
		if !same {
			return true
		}
	}
	return false
}
