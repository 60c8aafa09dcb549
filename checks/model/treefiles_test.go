package model

import (
	"errors"
	"io/fs"
	"testing"
)

// TestTreeFilesReadsOnceWithinBudget: a file is read once however often
// it is asked for, split into lines with its blob id; a file the tree
// lacks stays lacking; past the budget the least recently used file goes
// and is read again when asked for.
func TestTreeFilesReadsOnceWithinBudget(t *testing.T) {
	files := map[string]string{"a.c": "int a;\nint b;\n", "b.c": "int c;\n", "c.c": "int d;\n"}
	reads := map[string]int{}
	read := func(rel string) ([]byte, error) {
		reads[rel]++
		s, ok := files[rel]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(s), nil
	}
	c := NewTreeFiles(len(files["a.c"]) + len(files["b.c"]))
	for range 3 {
		f := c.get("a.c", read)
		if f.err != nil || len(f.lines) != 2 || f.lines[1] != "int b;" || f.blob != blobID([]byte(files["a.c"])) {
			t.Fatalf("a.c: %+v", f)
		}
	}
	if f := c.get("gone.c", read); !errors.Is(f.err, fs.ErrNotExist) {
		t.Errorf("gone.c: %v, want it missing", f.err)
	}
	c.get("gone.c", read)
	c.get("b.c", read)
	c.get("a.c", read) // a.c is now used last: c.c pushes b.c out
	c.get("c.c", read)
	c.get("a.c", read)
	c.get("b.c", read)
	want := map[string]int{"a.c": 1, "gone.c": 1, "b.c": 2, "c.c": 1}
	for rel, n := range want {
		if reads[rel] != n {
			t.Errorf("%s read %d times, want %d (all: %v)", rel, reads[rel], n, reads)
		}
	}
}
