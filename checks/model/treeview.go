package model

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"

	"github.com/patchbot/patchbot/series"
)

// treeView is how one series stands to the tree: the in-memory state of
// the files it patches, and which of them are read from the diff alone.
// What the diff says wins over the tree: a file whose hunks do not all
// apply, or that the tree lacks (renamed or moved since), is taken from
// the hunks for the whole series, and its tree copy answers nothing.
type treeView struct {
	// state is each patched file's content after the patches so far.
	state map[string][]string
	// diverged maps a file read from the diff alone (under each of its
	// names) to the reason.
	diverged map[string]string
	// elsewhere is true when the series was not made against the tree: a
	// file it patches differs from the blob its "index" line names, or is
	// read from the diff alone. The tree's other files may then be older
	// or newer than the series' base.
	elsewhere bool
	// missing are the functions the series defines in files the tree
	// lacks: the tree may have them under the file's old path.
	missing map[string]bool
	// seen are the files compareBase has looked at.
	seen map[string]bool
	// read holds the tree files compareBase read, for apply to take
	// rather than read them again, when the run keeps none (Env.TreeFiles
	// is nil); finish drops it.
	read map[string]*treeFile
}

func newTreeView() *treeView {
	return &treeView{state: map[string][]string{}, diverged: map[string]string{}, missing: map[string]bool{},
		seen: map[string]bool{}, read: map[string]*treeFile{}}
}

// file returns a tree file, read once for compareBase and apply: once a
// run when the run keeps tree files, else once a series.
func (t *treeView) file(m *Model, rel string) *treeFile {
	if m.env.TreeFiles != nil {
		return m.env.TreeFiles.get(rel, m.env.Tree.ReadFile)
	}
	if f, ok := t.read[rel]; ok {
		return f
	}
	f := readTreeFile(rel, m.env.Tree.ReadFile)
	if t.read != nil {
		t.read[rel] = f
	}
	return f
}

// apply applies one file of a patch to the in-memory state of the tree
// (read on first use; the tree itself is never written).
func (t *treeView) apply(ctx context.Context, m *Model, fi *File) {
	f := fi.file
	old := f.OldName
	if old == "" {
		old = fi.name
	}
	if why, ok := t.diverged[old]; ok {
		t.diverged[fi.name] = why
		return
	}
	cur, ok := t.state[old]
	if !ok && !f.IsNew {
		tf := t.file(m, old)
		if tf.err != nil {
			slog.DebugContext(ctx, "file not in tree", "file", old, "err", tf.err)
			t.diverge(fi, divergedMissing)
			return
		}
		cur = tf.lines
	}
	lines, failed := applyFile(cur, f)
	if len(failed) > 0 {
		t.diverge(fi, divergedHunks)
		return
	}
	fi.whole = wholeImage(fi.name, lines)
	fi.whole.patch = fi.patch
	next := make([]string, len(lines))
	for i, l := range lines {
		next[i] = l.text
	}
	if old != fi.name {
		delete(t.state, old)
	}
	t.state[fi.name] = next
}

// compareBase compares a file the series patches (any file, C or not)
// with the tree's copy, the first time the series touches it: when the
// tree's copy is not the blob the patch's "index" line names, or the tree
// lacks it, the series was made against another tree.
func (t *treeView) compareBase(m *Model, f *series.File) {
	if f.IsNew || f.OldOID == "" || t.elsewhere {
		return
	}
	old := f.OldName
	if old == "" {
		old = f.Name()
	}
	if t.seen[old] {
		return
	}
	t.seen[old] = true
	t.seen[f.Name()] = true
	if tf := t.file(m, old); tf.err != nil || !strings.HasPrefix(tf.blob, f.OldOID) {
		t.elsewhere = true
	}
}

// diverge marks a file (under its old and new names) as read from the
// diff alone.
func (t *treeView) diverge(fi *File, why string) {
	t.elsewhere = true
	for _, name := range []string{fi.file.OldName, fi.name} {
		if name != "" {
			t.diverged[name] = why
		}
	}
}

// finish drops the whole-file images of files that diverged in a later
// patch (a file is read one way for the whole series), records the
// functions defined in files the tree lacks, and counts the series.
func (t *treeView) finish(ctx context.Context, m *Model) {
	t.read = nil
	reasons := map[string]bool{}
	for _, pi := range m.patches {
		for _, fi := range pi.files {
			why, ok := t.diverged[fi.name]
			if !ok {
				continue
			}
			reasons[why] = true
			fi.whole = nil
			if why != divergedMissing {
				continue
			}
			for _, hi := range fi.hunks {
				for _, fn := range m.Parse(ctx, hi.post).Funcs {
					if fn.Definition {
						t.missing[fn.Name] = true
					}
				}
			}
		}
	}
	m.env.Stats.add(func(st *Stats) {
		st.treeSeries++
		if t.elsewhere {
			st.elsewhere++
		}
		for why := range reasons {
			st.diverged[why]++
		}
	})
}

// blobID is git's object id of a blob with content data, in hex.
func blobID(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// movedSince reports whether the series defines function name in a file
// the tree lacks: the tree's definitions of it are then most likely the
// same function under the file's path before a rename, and the diff wins.
func (t *treeView) movedSince(name string) bool {
	return t != nil && t.missing[name]
}

// isDiverged reports whether file is read from the diff alone.
func (t *treeView) isDiverged(file string) bool {
	if t == nil {
		return false
	}
	_, ok := t.diverged[file]
	return ok
}

// StaleTree reports whether the series is not based on the tree, so that
// what the tree's untouched files say may be older or newer than the
// series' base. Each call counts one finding left out for it: call it only
// to drop a finding that rests on tree files the series does not touch.
func (m *Model) StaleTree() bool {
	if m.tree == nil || !m.tree.elsewhere {
		return false
	}
	m.env.Stats.add(func(st *Stats) { st.staleDropped++ })
	return true
}
