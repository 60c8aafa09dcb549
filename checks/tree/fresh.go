package tree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"github.com/patchbot/patchbot/checks/cfront"
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

// known is a file as the store last saw it.
type known struct {
	rel         string
	size, mtime int64
	hash        []byte
}

// check compares the tree at root with the store without reading any file:
// it stats every file and directory the store knows, in parallel, one
// directory at a time (lstat relative to the directory), and lists only
// the directories whose mtime changed, for files added to them.
func (s *store) check(ctx context.Context, root string, workers int) (changes, error) {
	var files []known
	var dirs []treeDir
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket([]byte(bucketFiles)).ForEach(func(k, v []byte) error {
			size, mtime, hash, err := decodeStat(v)
			if err != nil {
				return fmt.Errorf("file record %s: %w", k, err)
			}
			files = append(files, known{string(k), size, mtime, append([]byte(nil), hash...)})
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket([]byte(bucketDirs)).ForEach(func(k, v []byte) error {
			d := cfront.NewDecoder(v)
			dirs = append(dirs, treeDir{string(k), d.Int()})
			return d.Done("directory record")
		})
	})
	if err != nil {
		return changes{}, fmt.Errorf("read tree index %s: %w", s.path, err)
	}
	byDir := make(map[string][]int, len(dirs))
	for i, f := range files {
		d := path.Dir(f.rel)
		byDir[d] = append(byDir[d], i)
	}
	for _, d := range dirs {
		if _, ok := byDir[d.rel]; !ok {
			byDir[d.rel] = nil
		}
	}
	dirList := make([]string, 0, len(byDir))
	for d := range byDir {
		dirList = append(dirList, d)
	}
	now := make([]treeFile, len(files)) // size -1: gone
	dirStats := make([]dirResult, len(dirList))
	err = forEach(ctx, len(dirList), workers, func(i int) error {
		var err error
		dirStats[i], err = statDir(root, dirList[i], byDir[dirList[i]], files, now)
		return err
	})
	if err != nil {
		return changes{}, fmt.Errorf("check tree index: %w", err)
	}
	dirNow := make(map[string]dirResult, len(dirList))
	for i, d := range dirList {
		dirNow[d] = dirStats[i]
	}

	var ch changes
	knownFile := make(map[string]bool, len(files))
	for i, f := range files {
		knownFile[f.rel] = true
		n := now[i]
		switch {
		case n.size < 0:
			ch.removed = append(ch.removed, f.rel)
		case n.size != f.size || n.mtime != f.mtime:
			ch.stale = append(ch.stale, n)
			if ch.oldHash == nil {
				ch.oldHash = make(map[string][]byte)
			}
			ch.oldHash[f.rel] = f.hash
		}
	}
	var w walked
	dirChanged := false
	for _, d := range dirs {
		n := dirNow[d.rel]
		if !n.exists {
			dirChanged = true
			continue
		}
		w.dirs = append(w.dirs, treeDir{d.rel, n.mtime})
		if n.mtime == d.mtime {
			continue
		}
		dirChanged = true
		if err := listNew(ctx, root, d.rel, knownFile, dirNow, &w); err != nil {
			return changes{}, err
		}
	}
	if dirChanged {
		ch.stale = append(ch.stale, w.files...)
		w.sort()
		ch.dirs = w.dirs
	}
	return ch, nil
}

// dirResult is the stat of one directory.
type dirResult struct {
	mtime  int64
	exists bool
}

// statDir stats directory d and its known files (indices into files),
// writing each file's stat now into now (size -1 when it is gone).
func statDir(root, d string, idx []int, files []known, now []treeFile) (dirResult, error) {
	r, err := os.OpenRoot(filepath.Join(root, filepath.FromSlash(d)))
	if err != nil {
		for _, i := range idx {
			now[i] = treeFile{rel: files[i].rel, size: -1}
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return dirResult{}, nil
		}
		return dirResult{}, err
	}
	defer r.Close()
	info, err := r.Stat(".")
	if err != nil {
		return dirResult{}, err
	}
	for _, i := range idx {
		rel := files[i].rel
		size, mtime, ok, err := statFile(r, path.Base(rel))
		if err != nil {
			return dirResult{}, err
		}
		if !ok {
			size = -1
		}
		now[i] = treeFile{rel: rel, size: size, mtime: mtime}
	}
	return dirResult{info.ModTime().UnixNano(), true}, nil
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
