package tree

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// changes is how the tree differs from its store.
type changes struct {
	// stale are the files added or whose size or mtime changed, with
	// their stat now.
	stale []treeFile
	// oldHash is the content hash the store holds of stale files it knows.
	oldHash map[string][]byte
	// removed are the files of the store that are gone.
	removed []string
	// dirs are every directory now, when one was added, removed or had
	// its entries changed; nil when none was.
	dirs []treeDir
}

func (c changes) none() bool { return len(c.stale) == 0 && len(c.removed) == 0 && c.dirs == nil }

// dirNow is what the stat check found of one directory: whether it is
// still there, its mtime, and its known files that changed (with their
// stat now) or are gone.
type dirNow struct {
	exists  bool
	mtime   int64
	changed []treeFile
	gone    []string
}

// knownDir is a directory's record as the store holds it.
type knownDir struct {
	rel   string
	mtime int64
	files []fileStat
}

// check compares the tree at root with the store without reading any file:
// it stats every directory the store knows and every file it knows in
// them, on workers goroutines, one directory at a time (the files by name
// relative to the directory), and lists only the directories whose mtime
// changed, for files added to them. Any change of a file's size or mtime
// is seen, written in place or not.
func (s *store) check(ctx context.Context, root string, workers int) (changes, error) {
	var dirs []knownDir
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketDirs)).ForEach(func(k, v []byte) error {
			mtime, files, err := decodeDir(v)
			if err != nil {
				return fmt.Errorf("directory record %s: %w", k, err)
			}
			dirs = append(dirs, knownDir{string(k), mtime, files})
			return nil
		})
	})
	if err != nil {
		return changes{}, fmt.Errorf("read tree index %s: %w", s.path, err)
	}
	now := make([]dirNow, len(dirs))
	err = forEach(ctx, len(dirs), workers, func(i int) error {
		var err error
		now[i], err = statDir(root, dirs[i].rel, dirs[i].files)
		return err
	})
	if err != nil {
		return changes{}, fmt.Errorf("check tree index: %w", err)
	}

	var ch changes
	dirChanged := false
	for i, d := range dirs {
		n := now[i]
		if !n.exists {
			dirChanged = true
			for _, f := range d.files {
				ch.removed = append(ch.removed, path.Join(d.rel, f.name))
			}
			continue
		}
		ch.stale = append(ch.stale, n.changed...)
		ch.removed = append(ch.removed, n.gone...)
		dirChanged = dirChanged || n.mtime != d.mtime
	}
	sortFiles(ch.stale)
	slices.Sort(ch.removed)
	if len(ch.stale) > 0 {
		if ch.oldHash, err = s.hashes(ch.stale); err != nil {
			return changes{}, err
		}
	}
	if !dirChanged {
		return ch, nil
	}
	knownFile := make(map[string]bool)
	dirState := make(map[string]dirResult, len(dirs))
	for i, d := range dirs {
		dirState[d.rel] = dirResult{now[i].mtime, now[i].exists}
		for _, f := range d.files {
			knownFile[path.Join(d.rel, f.name)] = true
		}
	}
	var w walked
	for i, d := range dirs {
		n := now[i]
		if !n.exists {
			continue
		}
		w.dirs = append(w.dirs, treeDir{d.rel, n.mtime})
		if n.mtime == d.mtime {
			continue
		}
		if err := listNew(ctx, root, d.rel, knownFile, dirState, &w); err != nil {
			return changes{}, err
		}
	}
	ch.stale = append(ch.stale, w.files...)
	w.sort()
	ch.dirs = w.dirs
	return ch, nil
}

// sortFiles orders files by path.
func sortFiles(fs []treeFile) {
	slices.SortFunc(fs, func(a, b treeFile) int { return strings.Compare(a.rel, b.rel) })
}

// hashes returns the content hashes the store holds of files.
func (s *store) hashes(files []treeFile) (map[string][]byte, error) {
	out := make(map[string][]byte, len(files))
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketFiles))
		for _, f := range files {
			v := b.Get([]byte(f.rel))
			if v == nil {
				continue
			}
			_, _, hash, err := decodeStat(v)
			if err != nil {
				return fmt.Errorf("file record %s: %w", f.rel, err)
			}
			out[f.rel] = slices.Clone(hash)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read tree index %s: %w", s.path, err)
	}
	return out, nil
}

// dirResult is the stat of one directory.
type dirResult struct {
	mtime  int64
	exists bool
}

// listNew adds to w the files of directory d the store does not know, and
// whole new subdirectories.
func listNew(ctx context.Context, root, d string, knownFile map[string]bool, knownDir map[string]dirResult, w *walked) error {
	ents, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(d)))
	if err != nil {
		return fmt.Errorf("check tree index: %w", err)
	}
	for _, e := range ents {
		rel := path.Join(d, e.Name())
		switch {
		case e.IsDir():
			if _, ok := knownDir[rel]; ok || !keepDir(rel, e.Name()) {
				continue
			}
			if err := walkDir(ctx, root, rel, w); err != nil {
				return err
			}
		case !knownFile[rel] && keepFile(rel, e):
			info, err := e.Info()
			if err != nil {
				return fmt.Errorf("check tree index: %w", err)
			}
			w.files = append(w.files, treeFile{rel: rel, size: info.Size(), mtime: info.ModTime().UnixNano()})
		}
	}
	return nil
}
