package model

import (
	"container/list"
	"sync"
)

// DefaultTreeFilesBudget is how many bytes of tree files a TreeFiles
// keeps by default.
const DefaultTreeFilesBudget = 32 << 20

// TreeFiles keeps, for one run, the kernel tree files its series patch:
// each file's lines and git blob id, read and computed once however many
// series patch it (a hundred series of the io-uring archive patch
// io_uring/io_uring.c). The tree is only read, and its index was checked
// against it when it was opened, so a file stays as it is within a run.
// Past the budget (bytes of file content) the files used least recently
// are dropped. It is safe for concurrent use.
type TreeFiles struct {
	budget int

	mu    sync.Mutex
	byRel map[string]*list.Element
	order *list.List
	bytes int
}

// treeFile is one tree file as the treeView reads it; err is why it could
// not be read (the tree lacks it).
type treeFile struct {
	rel   string
	size  int
	lines []string
	blob  string
	err   error
}

// NewTreeFiles returns an empty TreeFiles keeping up to budget bytes.
func NewTreeFiles(budget int) *TreeFiles {
	return &TreeFiles{budget: budget, byRel: map[string]*list.Element{}, order: list.New()}
}

// get returns the file rel, read with read when it is not kept. Two
// goroutines asking for the same new file may both read it; one copy is
// kept.
func (c *TreeFiles) get(rel string, read func(string) ([]byte, error)) *treeFile {
	c.mu.Lock()
	if e, ok := c.byRel[rel]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*treeFile)
	}
	c.mu.Unlock()
	f := readTreeFile(rel, read)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byRel[rel]; ok {
		return e.Value.(*treeFile)
	}
	c.byRel[rel] = c.order.PushFront(f)
	c.bytes += f.size
	for c.bytes > c.budget && c.order.Len() > 1 {
		old := c.order.Remove(c.order.Back()).(*treeFile)
		delete(c.byRel, old.rel)
		c.bytes -= old.size
	}
	return f
}

// readTreeFile reads rel with read and splits it into lines.
func readTreeFile(rel string, read func(string) ([]byte, error)) *treeFile {
	data, err := read(rel)
	if err != nil {
		return &treeFile{rel: rel, err: err}
	}
	return &treeFile{rel: rel, size: len(data), lines: splitLines(data), blob: blobID(data)}
}
