package mail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IsMaildir reports whether dir looks like a maildir: it has a cur/ or a
// new/ subdirectory.
func IsMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// ReadMaildir calls fn for every message file in dir/cur and dir/new (tmp/
// holds deliveries in progress and is skipped), sorted by file name; as
// maildir names start with the delivery time, that is arrival order. The
// source of each message is its path. Hidden files are skipped.
//
// A file that cannot be read is reported in errs (a *ReadError) and the
// others are still read; err is fn's first error (returned unchanged),
// ctx.Err(), or a failure to list dir.
func ReadMaildir(ctx context.Context, dir string, fn func(raw []byte, source string) error) (errs []error, err error) {
	if !IsMaildir(dir) {
		return nil, fmt.Errorf("read maildir %s: neither cur/ nor new/ is a directory there", dir)
	}
	type entry struct{ name, path string }
	var entries []entry
	for _, sub := range []string{"cur", "new"} {
		des, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read maildir %s: list %s/: %w", dir, sub, err)
		}
		for _, de := range des {
			if strings.HasPrefix(de.Name(), ".") || de.IsDir() {
				continue
			}
			entries = append(entries, entry{de.Name(), filepath.Join(dir, sub, de.Name())})
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].name < entries[j].name })

	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return errs, err
		}
		raw, rerr := os.ReadFile(e.path)
		if rerr != nil {
			errs = append(errs, &ReadError{Source: e.path, Err: fmt.Errorf("cannot read maildir message: %w", rerr)})
			continue
		}
		if err := fn(raw, e.path); err != nil {
			return errs, err
		}
	}
	return errs, nil
}
