package tree

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// runFile sorts the entries of a cold build on disk, so that the build's
// memory is one batch of files, not the tree (linux 6.1 makes about 200 MB
// of entries): each batch's entries are sorted per bucket and written as
// a run to an unlinked temporary file, and merge reads the runs of a
// bucket back in key order. Entries are written as a key and a value,
// each after its length (uvarint).
type runFile struct {
	f    *os.File
	w    *bufio.Writer
	size int64
	// pending holds the current batch's entries per bucket, runs where
	// each bucket's earlier runs lie in the file.
	pending map[string][]kv
	runs    map[string][]span
}

// span is one run: its offset and length in the file.
type span struct{ off, n int64 }

// newRunFile creates the file in dir.
func newRunFile(dir string) (*runFile, error) {
	f, err := os.CreateTemp(dir, ".tree-runs-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("sort tree index: %w", err)
	}
	// Unlinked at once: nothing is left behind however the build ends.
	_ = os.Remove(f.Name())
	return &runFile{f: f, w: bufio.NewWriterSize(f, 1<<20), pending: map[string][]kv{}, runs: map[string][]span{}}, nil
}

// close frees the file.
func (r *runFile) close() error { return r.f.Close() }

// add queues entries for bucket in the current batch.
func (r *runFile) add(bucket string, entries ...kv) {
	r.pending[bucket] = append(r.pending[bucket], entries...)
}

// flush writes the current batch: one sorted run per bucket.
func (r *runFile) flush() error {
	buckets := make([]string, 0, len(r.pending))
	for b := range r.pending {
		buckets = append(buckets, b)
	}
	slices.Sort(buckets)
	var lenBuf [binary.MaxVarintLen64]byte
	for _, b := range buckets {
		entries := r.pending[b]
		slices.SortStableFunc(entries, func(x, y kv) int { return bytes.Compare(x.key, y.key) })
		start := r.size
		for _, e := range entries {
			for _, part := range [][]byte{e.key, e.val} {
				n := binary.PutUvarint(lenBuf[:], uint64(len(part)))
				r.w.Write(lenBuf[:n])
				r.w.Write(part)
				r.size += int64(n + len(part))
			}
		}
		r.runs[b] = append(r.runs[b], span{start, r.size - start})
	}
	clear(r.pending)
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("sort tree index: %w", err)
	}
	return nil
}

// merge calls put with the entries of bucket in key order; of equal keys,
// those of earlier runs come first (as a stable sort of all of them would
// have them).
func (r *runFile) merge(bucket string, put func(key, val []byte) error) error {
	h := &runHeap{}
	for i, s := range r.runs[bucket] {
		c := &runCursor{r: bufio.NewReaderSize(io.NewSectionReader(r.f, s.off, s.n), 64<<10), run: i}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			h.cs = append(h.cs, c)
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		c := h.cs[0]
		if err := put(c.key, c.val); err != nil {
			return err
		}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// runCursor reads one run; key and val are its current entry (fresh
// slices each time, for they are handed to bbolt).
type runCursor struct {
	r        *bufio.Reader
	run      int
	key, val []byte
}

// next reads the next entry; false at the end of the run.
func (c *runCursor) next() (bool, error) {
	var err error
	if c.key, err = c.part(); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, err
	}
	if c.val, err = c.part(); err != nil {
		return false, fmt.Errorf("sort tree index: run %d cut after a key: %w", c.run, err)
	}
	return true, nil
}

func (c *runCursor) part() ([]byte, error) {
	n, err := binary.ReadUvarint(c.r)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c.r, b); err != nil {
		return nil, fmt.Errorf("sort tree index: %w", err)
	}
	return b, nil
}

// runHeap orders cursors by key, then run.
type runHeap struct{ cs []*runCursor }

func (h *runHeap) Len() int { return len(h.cs) }
func (h *runHeap) Less(i, j int) bool {
	if c := bytes.Compare(h.cs[i].key, h.cs[j].key); c != 0 {
		return c < 0
	}
	return h.cs[i].run < h.cs[j].run
}
func (h *runHeap) Swap(i, j int) { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *runHeap) Push(x any)    { h.cs = append(h.cs, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	return c
}
