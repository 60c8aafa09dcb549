package checks

import (
	"context"
	"fmt"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// hunkImages holds one hunk's two images.
type hunkImages struct {
	h         *series.Hunk
	pre, post *image
}

// fileImages is one file of one patch.
type fileImages struct {
	patch int
	file  *series.File
	name  string
	hunks []*hunkImages
	// whole is the whole file after this patch, nil without a tree, or
	// when the file is read from the diff alone (see treeView).
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
	// tree is how the series stands to the tree (nil without one).
	tree      *treeView
	noted     map[string]bool
	views     map[int][]*image
	ruleCache *[]Rule
	implCache map[string][]Implementer
	// removed caches removedLines per patch.
	removed map[int]map[string]bool
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
	if env.Tree != nil {
		m.tree = newTreeView()
	}
	_, userspace := userProject(s)
	if userspace {
		env.Stats.add(func(st *Stats) { st.userSeries++ })
	}
	userFiles := map[string]bool{}
	for k, p := range s.Patches {
		if err := ctx.Err(); err != nil {
			m.close()
			return nil, fmt.Errorf("build images of %q: %w", s.Title, err)
		}
		pi := &patchImages{p: p}
		m.patches = append(m.patches, pi)
		if userspace {
			continue
		}
		for _, f := range p.Files {
			if m.tree != nil {
				m.tree.compareBase(m, f)
			}
			if f.IsBinary || f.IsDelete {
				continue
			}
			if !kernelSource(f) {
				if isCSource(f.Name()) {
					userFiles[f.Name()] = true
				}
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
			if m.tree != nil {
				m.tree.apply(m, fi)
			}
			pi.files = append(pi.files, fi)
		}
	}
	if len(userFiles) > 0 {
		env.Stats.add(func(st *Stats) { st.userFiles += len(userFiles) })
	}
	if m.tree != nil && !userspace {
		// A userspace project's series is not read against the tree.
		m.tree.finish(m)
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

// postImages returns the images a patch shows of a file it touches: the
// whole file after it, or, without a tree or when the file is read from
// the diff alone, the hunks' post-images.
func (fi *fileImages) postImages() []*image {
	if fi.whole != nil {
		return []*image{fi.whole}
	}
	ims := make([]*image, 0, len(fi.hunks))
	for _, hi := range fi.hunks {
		ims = append(ims, hi.post)
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

// wholeFiles reports the tree files whose tree copy must not answer for
// view k: those present as whole-file images (the series changed them),
// and those read from the diff alone (the tree's copy is another version).
func (m *model) wholeFiles(k int) map[string]bool {
	w := map[string]bool{}
	for _, im := range m.view(k) {
		if im.whole {
			w[im.File] = true
		}
	}
	if m.tree != nil {
		for f := range m.tree.diverged {
			w[f] = true
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
