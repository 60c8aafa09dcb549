package tree

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// treeFile is a file of the tree the index covers, with the stat the
// index trusts: a file whose size and mtime are unchanged has the content
// it had.
type treeFile struct {
	rel   string // slash-separated, relative to the root
	size  int64
	mtime int64
}

// treeDir is a directory of the tree with its mtime, which changes when a
// file is added, removed or renamed in it.
type treeDir struct {
	rel   string
	mtime int64
}

// walked is what a walk found, in a stable order.
type walked struct {
	files []treeFile
	dirs  []treeDir
}

// walkTree walks dirs of root for kernel .c and .h files.
func walkTree(ctx context.Context, root string, dirs []string) (walked, error) {
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	var w walked
	for _, d := range dirs {
		rel, err := cleanDir(root, d)
		if err != nil {
			return walked{}, err
		}
		if err := walkDir(ctx, root, rel, &w); err != nil {
			return walked{}, err
		}
	}
	w.sort()
	return w, nil
}

// cleanDir turns a directory of IndexOptions.Dirs into a slash-separated
// path relative to root, refusing one outside the tree.
func cleanDir(root, d string) (string, error) {
	base := filepath.Join(root, filepath.FromSlash(d))
	rel, err := filepath.Rel(root, base)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("index tree: directory %q is outside the tree", d)
	}
	return filepath.ToSlash(rel), nil
}

// walkDir adds the files and directories under rel (itself included).
func walkDir(ctx context.Context, root, rel string, w *walked) error {
	base := filepath.Join(root, filepath.FromSlash(rel))
	err := filepath.WalkDir(base, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		r = filepath.ToSlash(r)
		if de.IsDir() {
			if path != base && !keepDir(r, de.Name()) {
				return filepath.SkipDir
			}
			info, err := de.Info()
			if err != nil {
				return err
			}
			w.dirs = append(w.dirs, treeDir{rel: r, mtime: info.ModTime().UnixNano()})
			return nil
		}
		if !keepFile(r, de) {
			return nil
		}
		info, err := de.Info()
		if err != nil {
			return err
		}
		w.files = append(w.files, treeFile{rel: r, size: info.Size(), mtime: info.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("index tree: walk %s: %w", rel, err)
	}
	return nil
}

// keepDir reports whether the walk enters the subdirectory rel (named
// name): not a hidden one (.git), only kernel directories.
func keepDir(rel, name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	return rel == "." || KernelPath(rel+"/")
}

// keepFile reports whether the regular file rel is indexed: kernel .c and
// .h only.
func keepFile(rel string, de fs.DirEntry) bool {
	if !de.Type().IsRegular() || !(strings.HasSuffix(rel, ".c") || strings.HasSuffix(rel, ".h")) {
		return false
	}
	// tools/, samples/, scripts/, selftests: userspace, whose names
	// (read(), a copy of a kernel header) are not the kernel's.
	return KernelPath(rel)
}

// sort orders files and directories by path, without duplicates (Dirs may
// overlap).
func (w *walked) sort() {
	slices.SortFunc(w.files, func(a, b treeFile) int { return strings.Compare(a.rel, b.rel) })
	w.files = slices.CompactFunc(w.files, func(a, b treeFile) bool { return a.rel == b.rel })
	slices.SortFunc(w.dirs, func(a, b treeDir) int { return strings.Compare(a.rel, b.rel) })
	w.dirs = slices.CompactFunc(w.dirs, func(a, b treeDir) bool { return a.rel == b.rel })
}
