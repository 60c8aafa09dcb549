package bot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Read returns the mail a reference from Write (or Walk) names. A
// reference that is a plain file's path (the spool of patchbot before
// segments: one .eml file per mail) is read whole.
func (s *Spool) Read(ref string) ([]byte, error) {
	path, off, ok := splitRef(ref)
	if !ok {
		raw, err := os.ReadFile(ref)
		if err != nil {
			return nil, fmt.Errorf("spool: %w", err)
		}
		return raw, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return nil, fmt.Errorf("spool: %s: %w", ref, err)
	}
	raw, _, err := readRecord(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("spool: %s: %w", ref, err)
	}
	return raw, nil
}

// splitRef splits "PATH.mbox:OFFSET".
func splitRef(ref string) (string, int64, bool) {
	i := strings.LastIndexByte(ref, ':')
	if i < 0 || !strings.HasSuffix(ref[:i], ".mbox") {
		return "", 0, false
	}
	off, err := strconv.ParseInt(ref[i+1:], 10, 64)
	if err != nil || off < 0 {
		return "", 0, false
	}
	return ref[:i], off, true
}

// Walk calls fn for every spooled mail that arrived on or after the day
// of since (all of them when since is zero), oldest day first, each with
// its reference. A day directory, segment or mail that cannot be read is
// skipped and reported in the returned error, after the others were
// walked (a mail cut short by a crash ends its segment); an error from fn
// stops the walk. The .eml files of an older spool are walked too.
func (s *Spool) Walk(ctx context.Context, since time.Time, fn func(ref string, raw []byte) error) error {
	days, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("spool: read %s: %w", s.Dir, err)
	}
	first := ""
	if !since.IsZero() {
		first = since.UTC().Format(spoolDay)
	}
	var names []string
	for _, d := range days {
		if _, err := time.Parse(spoolDay, d.Name()); err == nil && d.IsDir() && d.Name() >= first {
			names = append(names, d.Name())
		}
	}
	sort.Strings(names)
	var problems []error
	for _, day := range names {
		files, err := os.ReadDir(filepath.Join(s.Dir, day))
		if err != nil {
			problems = append(problems, err)
			continue
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			name := f.Name()
			if f.IsDir() || strings.HasPrefix(name, ".") {
				continue
			}
			path := filepath.Join(s.Dir, day, name)
			var err error
			switch {
			case strings.HasSuffix(name, ".mbox"):
				err = s.walkSegment(ctx, path, fn)
			case strings.HasSuffix(name, ".eml"):
				if raw, rerr := os.ReadFile(path); rerr != nil {
					err = &walkError{rerr}
				} else {
					err = fn(path, raw)
				}
			}
			var werr *walkError
			if errors.As(err, &werr) {
				problems = append(problems, werr.err)
			} else if err != nil {
				return err
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("spool: %w", errors.Join(problems...))
	}
	return nil
}

// walkError is a segment Walk could not read to its end.
type walkError struct{ err error }

func (e *walkError) Error() string { return e.err.Error() }

// walkSegment calls fn for each mail of one segment; a segment it cannot
// read to its end is a *walkError, an error from fn is returned as is.
func (s *Spool) walkSegment(ctx context.Context, path string, fn func(ref string, raw []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return &walkError{err}
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	var off int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, n, err := readRecord(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &walkError{fmt.Errorf("%s:%d: %w", path, off, err)}
		}
		if err := fn(path+":"+strconv.FormatInt(off, 10), raw); err != nil {
			return err
		}
		off += n
	}
}

// RemoveLeftovers deletes what an earlier patchbot left half written in
// the spool when it crashed: the .tmp-* files it wrote a mail to before
// renaming it into place (the spool appends to segments now and leaves
// none). It returns how many it removed. Call it before the first Write.
func (s *Spool) RemoveLeftovers() (int, error) {
	tmps, err := filepath.Glob(filepath.Join(s.Dir, "*", ".tmp-*"))
	if err != nil {
		return 0, fmt.Errorf("spool: %w", err)
	}
	n := 0
	var problems []error
	for _, p := range tmps {
		if err := os.Remove(p); err != nil {
			problems = append(problems, err)
			continue
		}
		n++
	}
	if len(problems) > 0 {
		return n, fmt.Errorf("spool: %w", errors.Join(problems...))
	}
	return n, nil
}
