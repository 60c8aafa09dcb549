//go:build !linux

package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
)

// statDir stats directory rel of root and its known files, each by name
// relative to the directory.
func statDir(root, rel string, files []fileStat) (dirNow, error) {
	r, err := os.OpenRoot(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return dirNow{}, nil
	}
	if err != nil {
		return dirNow{}, fmt.Errorf("open %s: %w", rel, err)
	}
	defer r.Close()
	info, err := r.Stat(".")
	if err != nil {
		return dirNow{}, fmt.Errorf("stat %s: %w", rel, err)
	}
	n := dirNow{exists: true, mtime: info.ModTime().UnixNano()}
	for _, f := range files {
		info, err := r.Lstat(f.name)
		switch {
		case os.IsNotExist(err):
			n.gone = append(n.gone, path.Join(rel, f.name))
		case err != nil:
			return dirNow{}, fmt.Errorf("stat %s: %w", path.Join(rel, f.name), err)
		case !info.Mode().IsRegular():
			n.gone = append(n.gone, path.Join(rel, f.name))
		case info.Size() != f.size || info.ModTime().UnixNano() != f.mtime:
			n.changed = append(n.changed, treeFile{rel: path.Join(rel, f.name), size: info.Size(), mtime: info.ModTime().UnixNano()})
		}
	}
	return n, nil
}
