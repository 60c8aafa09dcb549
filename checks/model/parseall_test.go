package model_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
	"github.com/patchbot/patchbot/series"
)

// ParseAll gives every image the unit Parse gives it, and leaves the parse
// cache with the counts of parsing them in turn, with or without a tree,
// an image listed twice and images of the same text (a hunk's two images
// where it only adds lines, the same hunk in two versions).
func TestParseAllIsParseInTurn(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		tree    bool
	}{
		{"callback conversion, diff only", "conv", false},
		{"callback conversion, with the tree", "conv", true},
		{"__user mistakes, diff only", "bad-user", false},
		{"__user mistakes, with the tree", "bad-user", true},
		{"callback members", "cb", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := checktest.LoadFixture(t, tc.fixture)
			// The series twice over: every text is met twice.
			twice := &series.Series{Title: s.Title, Patches: append(append([]*series.Patch(nil), s.Patches...), s.Patches...)}
			build := func() (*model.Model, *model.ParseCache, []*model.Image) {
				env := &model.Env{Parses: model.NewParseCache()}
				if tc.tree {
					env.Tree = checktest.FixtureTree(t)
				}
				m, err := model.New(ctx, twice, env)
				if err != nil {
					t.Fatal(err)
				}
				ims := m.PostImages()
				for k := range m.NumPatches() {
					for _, fi := range m.Files(k) {
						for _, hi := range fi.Hunks() {
							ims = append(ims, hi.Pre(), hi.Post())
						}
					}
				}
				return m, env.Parses, append(ims, ims[0])
			}
			inTurn, inTurnCache, want := build()
			defer inTurn.Close()
			for _, im := range want {
				inTurn.Parse(ctx, im)
			}
			together, togetherCache, got := build()
			defer together.Close()
			together.ParseAll(ctx, got)
			if len(got) < 4 {
				t.Fatalf("only %d images", len(got))
			}
			for i := range want {
				if got[i].Unit() == nil {
					t.Fatalf("image %d of %s not parsed", i, got[i].File)
				}
				if !reflect.DeepEqual(got[i].Unit(), want[i].Unit()) {
					t.Errorf("image %d of %s: ParseAll gave\n%+v\nParse gave\n%+v", i, got[i].File, got[i].Unit(), want[i].Unit())
				}
			}
			if g, w := togetherCache.Counts(), inTurnCache.Counts(); g != w {
				t.Errorf("cache counts %+v, in turn %+v", g, w)
			}
		})
	}
}
