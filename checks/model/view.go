package model

import "context"

// PostImages returns the images a patch shows of a file it touches: the
// whole file after it, or, without a tree or when the file is read from
// the diff alone, the hunks' post-images. They are parsed by Model.Parse
// or Model.View.
func (fi *File) PostImages() []*Image {
	if fi.whole != nil {
		return []*Image{fi.whole}
	}
	ims := make([]*Image, 0, len(fi.hunks))
	for _, hi := range fi.hunks {
		ims = append(ims, hi.post)
	}
	return ims
}

// PostImages returns the PostImages of every file of every patch, patch
// by patch: what a check that reads each file's post-images parses (see
// ParseAll).
func (m *Model) PostImages() []*Image {
	var ims []*Image
	for _, pi := range m.patches {
		for _, fi := range pi.files {
			ims = append(ims, fi.PostImages()...)
		}
	}
	return ims
}

// View returns the parsed post-images of every file touched by patches
// 0..k as they stand after patch k: the latest patch's images of each file
// first, then (without a whole-file image) older patches' hunks of the
// same file.
func (m *Model) View(ctx context.Context, k int) []*Image {
	if v, ok := m.views[k]; ok {
		return v
	}
	var ims []*Image
	haveWhole := map[string]bool{}
	for j := k; j >= 0 && j < len(m.patches); j-- {
		for _, fi := range m.patches[j].files {
			if haveWhole[fi.name] {
				continue
			}
			for _, im := range fi.PostImages() {
				m.Parse(ctx, im)
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
func (m *Model) last() int { return len(m.patches) - 1 }

// wholeFiles reports the tree files whose tree copy must not answer for
// view k: those present as whole-file images (the series changed them),
// and those read from the diff alone (the tree's copy is another version).
func (m *Model) wholeFiles(ctx context.Context, k int) map[string]bool {
	w := map[string]bool{}
	for _, im := range m.View(ctx, k) {
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
