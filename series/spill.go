package series

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// DefaultSpillKeep is how many bytes of patch bodies a Spill lets the
// assembler keep in memory before it writes them out: a patch or a series
// of a few dozen never reaches the disk, a list archive does after its
// first hundred patches or so.
const DefaultSpillKeep = 1 << 20

// Spill holds the bodies of patch mails on disk while a large mailbox is
// assembled and reviewed, so that memory does not grow with the mailbox:
// an Assembler given a Spill keeps only what assembly needs of each mail
// (headers, subject, counter, author) and Series.Load reads a series'
// patches back, diff and commit message, for its review. The first Keep
// bytes of bodies stay in memory instead (nothing is written for a small
// input).
//
// The file is created in Dir on the first write and unlinked at once, so
// that nothing is left behind however the process ends; Close frees it.
// A Spill is safe for concurrent use.
type Spill struct {
	dir string

	mu   sync.Mutex
	keep int64 // bytes still to be kept in memory
	f    *os.File
	size int64
	err  error // the first write error; bodies stay in memory after it
}

// NewSpill returns a Spill writing to a temporary file in dir ("" for
// os.TempDir) after keep bytes of bodies have been kept in memory.
func NewSpill(dir string, keep int64) *Spill {
	return &Spill{dir: dir, keep: keep}
}

// Err returns the write error that made the Spill keep bodies in memory
// (a full disk), nil when none.
func (s *Spill) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Size returns how many bytes of bodies were written out.
func (s *Spill) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Close frees the file; series whose patches were spilled cannot be
// loaded after it.
func (s *Spill) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	s.err = errors.Join(s.err, errSpillClosed)
	if err != nil {
		return fmt.Errorf("close spill: %w", err)
	}
	return nil
}

var errSpillClosed = errors.New("spill closed")

// put writes body out and returns where; ok is false when body is to be
// kept in memory (within keep, or after a write error).
func (s *Spill) put(body string) (at int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(len(body))
	if s.err != nil {
		return 0, false
	}
	if n <= s.keep {
		s.keep -= n
		return 0, false
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "patchbot-spill-*")
		if err != nil {
			s.err = fmt.Errorf("spill patch bodies: %w", err)
			return 0, false
		}
		// Unlinked at once: the open file lives until Close or exit.
		_ = os.Remove(f.Name())
		s.f = f
	}
	if _, err := s.f.WriteAt([]byte(body), s.size); err != nil {
		s.err = fmt.Errorf("spill patch bodies: %w", err)
		return 0, false
	}
	at = s.size
	s.size += n
	return at, true
}

// get reads back n bytes written at at.
func (s *Spill) get(at int64, n int) (string, error) {
	s.mu.Lock()
	f := s.f
	s.mu.Unlock()
	if f == nil {
		return "", fmt.Errorf("read spilled body: %w", errSpillClosed)
	}
	buf := make([]byte, n)
	// ReadAt may run beside other reads and writes of the file.
	if got, err := f.ReadAt(buf, at); got < n {
		return "", fmt.Errorf("read spilled body (%d of %d bytes at %d): %w", got, n, at, err)
	}
	return string(buf), nil
}
