// Package model is the parsed view of one series that the checks share
// within a run: the pre- and post-images of every hunk, with a kernel tree
// the whole files after each patch, the functions, struct members and
// initializer bindings found in them and in the tree, and the conversion
// rules in force. Every image is built and parsed at most once; the
// parser and the run's parse cache are fields of the Model.
package model

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/series"
)

// Hunk holds one hunk's two images.
type Hunk struct {
	h         *series.Hunk
	pre, post *Image
}

// Diff is the hunk as the patch has it.
func (hi *Hunk) Diff() *series.Hunk { return hi.h }

// Pre is the hunk's pre-image (context and removed lines).
func (hi *Hunk) Pre() *Image { return hi.pre }

// Post is the hunk's post-image (context and added lines).
func (hi *Hunk) Post() *Image { return hi.post }

// File is one kernel C file of one patch, with its images.
type File struct {
	patch int
	file  *series.File
	name  string
	hunks []*Hunk
	// whole is the whole file after this patch, nil without a tree, or
	// when the file is read from the diff alone (see treeView).
	whole *Image
}

// Name is the file's path after the patch.
func (fi *File) Name() string { return fi.name }

// Hunks are the file's hunks in this patch.
func (fi *File) Hunks() []*Hunk { return fi.hunks }

// patchImages is one patch with its files.
type patchImages struct {
	p     *series.Patch
	files []*File
}

// Model is the parsed view of a series (and tree) that the checks share
// within one run. It is used by one goroutine at a time (ParseAll parses
// on goroutines of its own and returns when they are done); Close frees
// it.
type Model struct {
	s       *series.Series
	env     *Env
	patches []*patchImages
	// tree is how the series stands to the tree (nil without one).
	tree      *treeView
	noted     map[string]bool
	views     map[int][]*Image
	ruleCache *[]Rule
	implCache map[string][]Implementer
	// typeChanged and funcs keep the answers of TypeChanged and Funcs.
	typeChanged map[funcQuery]bool
	funcs       map[funcQuery][]FuncSite
	// bodies keeps the answers of Bodies.
	bodies map[bodyQuery][]Body
	// parser is reused for every image of the run (one goroutine);
	// parses, when set, shares its results between the series of a run.
	parser *cfront.Parser
	parses *ParseCache
	// headers parses the hunk headers of the model's images.
	headers *headerFuncs
}

// Close frees the run's parsers.
func (m *Model) Close() {
	if m.parser != nil {
		m.parser.Close()
		m.parser = nil
	}
	m.headers.close()
}

// New builds the images of every patch of s and, with a tree in env,
// applies the series to the tree's files in memory, patch by patch. A nil
// env is the zero Env.
func New(ctx context.Context, s *series.Series, env *Env) (*Model, error) {
	if env == nil {
		env = &Env{}
	}
	m := &Model{s: s, env: env, noted: map[string]bool{}, views: map[int][]*Image{},
		parser: cfront.NewParser(), parses: env.Parses, headers: &headerFuncs{}}
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
			m.Close()
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
				if IsCSource(f.Name()) {
					userFiles[f.Name()] = true
				}
				continue
			}
			fi := &File{patch: k, file: f, name: f.Name()}
			for i := range f.Hunks {
				h := &f.Hunks[i]
				hi := &Hunk{h: h, pre: newHunkImage(fi.name, h, false), post: newHunkImage(fi.name, h, true)}
				hi.pre.patch, hi.post.patch = k, k
				hi.pre.headers, hi.post.headers = m.headers, m.headers
				hi.pre.File = f.OldName
				if hi.pre.File == "" {
					hi.pre.File = fi.name
				}
				fi.hunks = append(fi.hunks, hi)
			}
			if m.tree != nil {
				m.tree.apply(ctx, m, fi)
			}
			pi.files = append(pi.files, fi)
		}
	}
	if len(userFiles) > 0 {
		env.Stats.add(func(st *Stats) { st.userFiles += len(userFiles) })
	}
	if m.tree != nil && !userspace {
		// A userspace project's series is not read against the tree.
		m.tree.finish(ctx, m)
	}
	return m, nil
}

// Series is the series the model is of.
func (m *Model) Series() *series.Series { return m.s }

// Tree is the kernel tree index, nil without one.
func (m *Model) Tree() *tree.Index { return m.env.Tree }

// NumPatches is how many patches the series has; patch k of the methods
// is s.Patches[k].
func (m *Model) NumPatches() int { return len(m.patches) }

// Files returns the kernel C files patch k touches (not deleted, not
// binary, not userspace), with their images.
func (m *Model) Files(k int) []*File { return m.patches[k].files }

// Note passes a once-per-run notice to the environment.
func (m *Model) Note(msg string) {
	if m.noted[msg] {
		return
	}
	m.noted[msg] = true
	if m.env.Note != nil {
		m.env.Note(msg)
	}
}

// IsCSource reports whether a file is C the checks read.
func IsCSource(name string) bool {
	return strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h")
}
