package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Spool keeps a raw copy of every mail the bot reads, before anything
// else is done with it, so that a mail can be inspected or replayed and a
// mail that breaks the pipeline is never lost. Files live in one
// directory per day of arrival (Dir/2026-11-27/<hash>.eml), named by the
// SHA-256 of their bytes: the same mail spooled twice is one file.
type Spool struct {
	// Dir is the spool directory; it is created when missing.
	Dir string
	// Sync makes Write fsync the file and its directory before it
	// returns, so that a spooled mail survives a crash. The list bot sets
	// it; a dry-run replay of an archive does not need it.
	Sync bool
	// Now is the clock (time.Now when nil), for the day directories.
	Now func() time.Time
}

// spoolDay is the layout of the day directories.
const spoolDay = "2006-01-02"

// Write stores raw and returns the path of its file.
func (s *Spool) Write(ctx context.Context, raw []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sum := sha256.Sum256(raw)
	dir := filepath.Join(s.Dir, now().UTC().Format(spoolDay))
	path := filepath.Join(dir, hex.EncodeToString(sum[:12])+".eml")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("spool: create %s: %w", dir, err)
	}
	if err := spoolWrite(path, raw, s.Sync); err != nil {
		return "", fmt.Errorf("spool: write %s: %w", path, err)
	}
	return path, nil
}

// spoolWrite writes data to a temporary file beside path and renames it
// into place, so that path never holds half a mail.
func spoolWrite(path string, data []byte, sync bool) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if !sync {
		return nil
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Walk calls fn for every spooled mail that arrived on or after the day
// of since (all of them when since is zero), oldest day first. A day
// directory or file that cannot be read is skipped and reported in the
// returned error, after the others were walked; an error from fn stops
// the walk.
func (s *Spool) Walk(ctx context.Context, since time.Time, fn func(path string, raw []byte) error) error {
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
			if f.IsDir() || !strings.HasSuffix(f.Name(), ".eml") || strings.HasPrefix(f.Name(), ".") {
				continue
			}
			path := filepath.Join(s.Dir, day, f.Name())
			raw, err := os.ReadFile(path)
			if err != nil {
				problems = append(problems, err)
				continue
			}
			if err := fn(path, raw); err != nil {
				return err
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("spool: %w", errors.Join(problems...))
	}
	return nil
}
