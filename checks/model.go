package checks

import (
	"context"
	"fmt"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// hunkImages holds one hunk's two images and whether it applied to the
// tree.
type hunkImages struct {
	h         *series.Hunk
	pre, post *image
	// applied is true when the hunk applied to the tree's file (its
	// post-image is then part of the whole-file image).
	applied bool
}

// fileImages is one file of one patch.
type fileImages struct {
	patch int
	file  *series.File
	name  string
	hunks []*hunkImages
	// whole is the whole file after this patch, nil without a tree or when
	// the tree lacks the file.
	whole *image
}

// patchImages is one patch with its files.
type patchImages struct {
	p     *series.Patch
	files []*fileImages
}

// model is the parsed view of a series (and tree) that the checks share
// within one run: every image is built and parsed at most once.
type model struct {
	ctx     context.Context
	s       *series.Series
	env     *Env
	patches []*patchImages
	// failedHunks counts hunks that did not apply to the tree.
	failedHunks int
	noted       map[string]bool
	views       map[int][]*image
	ruleCache   *[]Rule
	implCache   map[string][]Implementer
	// parser is reused for every image of the run (one goroutine).
	parser *cfront.Parser
}

// parserKey carries the run's parser in the model's context.
type parserKey struct{}

// close frees the run's parser.
func (m *model) close() {
	if m.parser != nil {
		m.parser.Close()
		m.parser = nil
	}
}

// newModel builds the images of every patch of s and, with a tree, applies
// the series to the tree's files in memory, patch by patch.
func newModel(ctx context.Context, s *series.Series, env *Env) (*model, error) {
	if env == nil {
		env = &Env{}
	}
	parser := cfront.NewParser()
	ctx = context.WithValue(ctx, parserKey{}, parser)
	if env.Parses != nil {
		ctx = context.WithValue(ctx, parseCacheKey{}, env.Parses)
	}
	m := &model{ctx: ctx, s: s, env: env, noted: map[string]bool{}, views: map[int][]*image{}, parser: parser}
	state := map[string][]string{}
	for k, p := range s.Patches {
		if err := ctx.Err(); err != nil {
			m.close()
			return nil, fmt.Errorf("build images of %q: %w", s.Title, err)
		}
		pi := &patchImages{p: p}
		for _, f := range p.Files {
			if f.IsBinary || f.IsDelete {
				continue
			}
			fi := &fileImages{patch: k, file: f, name: f.Name()}
			for i := range f.Hunks {
				h := &f.Hunks[i]
				hi := &hunkImages{h: h, pre: newHunkImage(fi.name, h, false), post: newHunkImage(fi.name, h, true)}
				hi.pre.patch, hi.post.patch = k, k
				hi.pre.File = f.OldName
				if hi.pre.File == "" {
					hi.pre.File = fi.name
				}
				fi.hunks = append(fi.hunks, hi)
			}
			if env.Tree != nil {
				m.applyToTree(state, fi)
			}
			pi.files = append(pi.files, fi)
		}
		m.patches = append(m.patches, pi)
	}
	if m.failedHunks > 0 {
		m.note(fmt.Sprintf("%d hunks did not apply to the tree, using the hunks' own post-image for them", m.failedHunks))
	}
	return m, nil
}

// note passes a once-per-run notice to the environment.
func (m *model) note(msg string) {
	if m.noted[msg] {
		return
	}
	m.noted[msg] = true
	if m.env.Note != nil {
		m.env.Note(msg)
	}
}

// patchView returns the images a patch shows: for every file it touches,
// the whole file after it (plus the post-images of hunks that did not
// apply), or the hunks' post-images without a tree.
func (fi *fileImages) postImages() []*image {
	var ims []*image
	for _, hi := range fi.hunks {
		if fi.whole == nil || !hi.applied {
			ims = append(ims, hi.post)
		}
	}
	// The hunks that did not apply come first: what they define supersedes
	// the stale text the whole-file image still has there.
	if fi.whole != nil {
		ims = append(ims, fi.whole)
	}
	return ims
}

// view returns the post-images of every file touched by patches 0..k as
// they stand after patch k: the latest patch's images of each file first,
// then (without a whole-file image) older patches' hunks of the same file.
func (m *model) view(k int) []*image {
	if v, ok := m.views[k]; ok {
		return v
	}
	var ims []*image
	haveWhole := map[string]bool{}
	for j := k; j >= 0 && j < len(m.patches); j-- {
		for _, fi := range m.patches[j].files {
			if haveWhole[fi.name] {
				continue
			}
			for _, im := range fi.postImages() {
				im.parse(m.ctx)
				ims = append(ims, im)
			}
			if fi.whole != nil {
				haveWhole[fi.name] = true
			}
		}
	}
	m.views[k] = ims
	return ims
}

// last is the index of the last patch.
func (m *model) last() int { return len(m.patches) - 1 }

// wholeFiles reports the files of view k that are present as whole-file
// images (the tree's copy of them is stale).
func (m *model) wholeFiles(k int) map[string]bool {
	w := map[string]bool{}
	for _, im := range m.view(k) {
		if im.whole {
			w[im.File] = true
		}
	}
	return w
}

// seriesMessageID is the Message-ID series-level findings point at: the
// cover letter, or the first patch without one.
func (m *model) seriesMessageID() string {
	if m.s.Cover != nil {
		return m.s.Cover.MessageID
	}
	for _, p := range m.s.Patches {
		if p.Msg != nil {
			return p.Msg.MessageID
		}
	}
	return m.s.ID
}

// patchNumber is the counter of patch k in its series (the k of "k/N").
func (m *model) patchNumber(k int) int {
	return m.patches[k].p.Index
}

// patchMessageID is the Message-ID of patch k.
func (m *model) patchMessageID(k int) string {
	if p := m.patches[k].p; p.Msg != nil {
		return p.Msg.MessageID
	}
	return ""
}
