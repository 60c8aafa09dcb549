package tree

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// statDir stats directory rel of root and its known files, each by name
// relative to the directory (fstatat on an O_PATH descriptor: no path
// walk from the root, no allocation of a FileInfo).
func statDir(root, rel string, files []fileStat) (dirNow, error) {
	fd, err := unix.Open(filepath.Join(root, filepath.FromSlash(rel)), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
		return dirNow{}, nil
	}
	if err != nil {
		return dirNow{}, fmt.Errorf("open %s: %w", rel, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return dirNow{}, fmt.Errorf("stat %s: %w", rel, err)
	}
	n := dirNow{exists: true, mtime: st.Mtim.Nano()}
	for _, f := range files {
		err := unix.Fstatat(fd, f.name, &st, unix.AT_SYMLINK_NOFOLLOW)
		switch {
		case errors.Is(err, unix.ENOENT):
			n.gone = append(n.gone, path.Join(rel, f.name))
		case err != nil:
			return dirNow{}, fmt.Errorf("stat %s: %w", path.Join(rel, f.name), err)
		case st.Mode&unix.S_IFMT != unix.S_IFREG:
			// No longer a regular file: out of the index.
			n.gone = append(n.gone, path.Join(rel, f.name))
		case st.Size != f.size || st.Mtim.Nano() != f.mtime:
			n.changed = append(n.changed, treeFile{rel: path.Join(rel, f.name), size: st.Size, mtime: st.Mtim.Nano()})
		}
	}
	return n, nil
}
