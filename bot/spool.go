package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Spool keeps a raw copy of every mail the bot reads, before anything
// else is done with it, so that a mail can be inspected or replayed and a
// mail that breaks the pipeline is never lost.
//
// Mails are appended to segment files, one directory per day of arrival
// (Dir/2026-11-27/145301.123456789-4242.mbox, named by the time the
// segment was begun and the process): an mboxrd mailbox that mutt, b4 or
// git mailsplit read as they are. Each mail's separator line says how
// many bytes follow and the start of their SHA-256, so that Walk and Read
// give back exactly the bytes written and know a mail cut short by a
// crash. Appending costs a write, where a file per mail cost an inode and
// a rename each (a third of a millisecond here on ext4, more than the
// rest of the pipeline's work on a mail).
//
// A mail Write returned survives a crash of the process at once (it is in
// the kernel's page cache); Flush makes it survive a crash of the machine
// too, when Sync is set. The pipeline flushes before it commits records
// that name spooled mail. A Spool is safe for concurrent use.
type Spool struct {
	// Dir is the spool directory; it is created when missing.
	Dir string
	// Sync makes Flush fsync what was appended (and a new segment's
	// directory), so that a spooled mail survives a crash of the machine.
	// The list bot sets it; a dry-run replay of an archive does not need
	// it.
	Sync bool
	// Now is the clock (time.Now when nil), for the day directories.
	Now func() time.Time

	mu  sync.Mutex
	seg *segment
	// afterSync, when set, runs after every fsync that made mail
	// durable: the crash tests end the process there.
	afterSync func()
}

// segment is the open segment file mails are appended to.
type segment struct {
	day  string
	path string
	f    *os.File
	size int64
	// unsynced says something was appended since the last fsync; newDir
	// that the segment's directory entry was not synced yet.
	unsynced, newDir bool
}

const (
	// spoolDay is the layout of the day directories.
	spoolDay = "2006-01-02"
	// segmentLimit is the size past which the next mail begins a new
	// segment: a replay of a large archive is several files, not one.
	segmentLimit = 64 << 20
	// spoolSender is the separator line's sender, after the length and
	// the hash: "From 1234.0123456789abcdef01234567@patchbot-spool <date>".
	spoolSender = "@patchbot-spool"
	// spoolHashLen is how many bytes of the SHA-256 the separator carries.
	spoolHashLen = 12
)

// Write appends raw to the day's segment and returns its reference:
// the segment's path, a colon and the offset of the mail's separator line,
// for Read and for an operator (tail -c +OFFSET+1).
func (s *Spool) Write(ctx context.Context, raw []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	seg, err := s.segment(t)
	if err != nil {
		return "", err
	}
	rec := spoolRecord(raw, t)
	off := seg.size
	n, err := seg.f.Write(rec)
	if err != nil {
		// What was written of the mail (a disk that filled up) goes:
		// the segment ends with its last whole mail. If it cannot be
		// cut, the next Write begins a new segment, and Walk reports
		// this one's torn end.
		if n == 0 || seg.f.Truncate(off) == nil {
			return "", fmt.Errorf("spool: %w", err)
		}
		seg.size += int64(n)
		return "", errors.Join(fmt.Errorf("spool: %w", err), s.closeSegment())
	}
	seg.size += int64(n)
	seg.unsynced = true
	return seg.path + ":" + strconv.FormatInt(off, 10), nil
}

// segment returns the segment to append to at t, beginning a new one on a
// new day, past segmentLimit or when none is open.
func (s *Spool) segment(t time.Time) (*segment, error) {
	day := t.Format(spoolDay)
	if s.seg != nil && (s.seg.day != day || s.seg.size >= segmentLimit) {
		if err := s.closeSegment(); err != nil {
			return nil, err
		}
	}
	if s.seg != nil {
		return s.seg, nil
	}
	dir := filepath.Join(s.Dir, day)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("spool: create %s: %w", dir, err)
	}
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s-%d.mbox", t.Format("150405.000000000"), os.Getpid())
		if i > 0 {
			name = fmt.Sprintf("%s-%d-%d.mbox", t.Format("150405.000000000"), os.Getpid(), i)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o640)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("spool: create %s: %w", path, err)
		}
		s.seg = &segment{day: day, path: path, f: f, newDir: true}
		return s.seg, nil
	}
}

// Flush makes every mail written so far durable when Sync is set (one
// fsync of the segment, and of its directory when it is new); without
// Sync it does nothing. A segment that failed to sync is given up (after
// a failed fsync the kernel may have dropped what it held, and a second
// fsync would not say so): the next Write begins a new one.
func (s *Spool) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seg == nil {
		return nil
	}
	synced := s.Sync && (s.seg.unsynced || s.seg.newDir)
	if err := s.seg.flush(s.Sync); err != nil {
		_ = s.seg.f.Close()
		s.seg = nil
		return err
	}
	if synced && s.afterSync != nil {
		s.afterSync()
	}
	return nil
}

func (g *segment) flush(sync bool) error {
	if !sync {
		return nil
	}
	if g.unsynced {
		if err := g.f.Sync(); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		g.unsynced = false
	}
	if g.newDir {
		if err := syncDir(filepath.Dir(g.path)); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		g.newDir = false
	}
	return nil
}

// Close flushes and closes the open segment; a later Write begins a new
// one.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeSegment()
}

func (s *Spool) closeSegment() error {
	g := s.seg
	if g == nil {
		return nil
	}
	s.seg = nil
	return errors.Join(g.flush(s.Sync), g.f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
