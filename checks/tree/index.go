// Package tree indexes a kernel source tree for the checks: the struct
// definitions, initializer bindings and function signatures of its kernel
// C, parsed with checks/cfront and cached on disk between runs.
package tree

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
	bolt "go.etcd.io/bbolt"
)

// Index is the index of a kernel tree: struct definitions, initializer
// bindings and function signatures. It answers from the tree's store,
// reading only the entries a query names, and only with the files that
// contain one of its needles (every file without needles). It is
// read-only and safe for concurrent use.
type Index struct {
	// Root is the tree's directory.
	Root string

	st  *store
	vis *visibility
	log *slog.Logger
}

// IndexedFunc is a function definition or prototype found in the tree.
type IndexedFunc struct {
	cfront.Func
	// File is relative to the tree root, with forward slashes.
	File string
}

// IndexedStruct is a struct definition found in the tree.
type IndexedStruct struct {
	cfront.Struct
	// File is relative to the tree root, with forward slashes.
	File string
}

// Binding is one designated initializer field naming a function: in
// `struct proto raw_prot = { .ioctl = raw_ioctl }`, Struct "proto", Var
// "raw_prot", Member "ioctl", Func "raw_ioctl".
type Binding struct {
	Struct, Var, Member, Func, File string
	Line                            int
}

// WithNeedles returns an index of the same tree and store that answers
// with the files containing one of needles (every file for none).
func (x *Index) WithNeedles(needles []string) *Index {
	return &Index{Root: x.Root, st: x.st, vis: newVisibility(x.Root, needles), log: x.log}
}

// Files is how many files the index answers with: the .c and .h files
// that contain a needle (all of them without needles). It reads every
// file of the tree.
func (x *Index) Files() int {
	n := 0
	err := x.st.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketFiles)).ForEach(func(k, _ []byte) error {
			if x.vis.visible(string(k)) {
				n++
			}
			return nil
		})
	})
	if err != nil {
		x.log.Warn("tree index unreadable", "path", x.st.path, "err", err)
	}
	return n
}

// scan calls fn with the file and encoded value of each entry of name in
// table bucket whose file is visible, in file then source order, until fn
// returns false. v is valid only during fn.
func (x *Index) scan(bucket, name string, fn func(rel string, v []byte) bool) {
	prefix := namePrefix(name)
	err := x.st.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucket)).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rel, ok := keyFile(k, prefix)
			if !ok || !x.vis.visible(rel) {
				continue
			}
			if !fn(rel, v) {
				break
			}
		}
		return nil
	})
	if err != nil {
		x.log.Warn("tree index unreadable", "path", x.st.path, "err", err)
	}
}

// corrupt logs an entry that does not decode; the query goes on without it.
func (x *Index) corrupt(err error) {
	x.log.Warn("tree index entry skipped; delete the cache to rebuild it", "path", x.st.path, "err", err)
}

// Struct returns the definition of struct name: the one under include/ when
// there is one, else the first found.
func (x *Index) Struct(name string) (IndexedStruct, bool) {
	var out IndexedStruct
	found := false
	x.scan(bucketStructs, name, func(rel string, v []byte) bool {
		include := strings.HasPrefix(rel, "include/")
		if found && !include {
			return true
		}
		d := cfront.NewDecoder(v)
		st := d.Struct()
		if err := d.Done("struct " + name); err != nil {
			x.corrupt(err)
			return true
		}
		out, found = IndexedStruct{Struct: st, File: rel}, true
		return !include
	})
	return out, found
}

// Bindings returns the functions bound to member of struct structName in
// designated initializers, sorted by file and line. Nested designators are
// joined with "." ("ops.ioctl").
func (x *Index) Bindings(structName, member string) []Binding {
	var out []Binding
	x.scan(bucketBinds, structName+"\x00"+member, func(rel string, v []byte) bool {
		d := cfront.NewDecoder(v)
		vr, fn, line := decodeBinding(d)
		if err := d.Done("binding"); err != nil {
			x.corrupt(err)
			return true
		}
		out = append(out, Binding{Struct: structName, Var: vr, Member: member, Func: fn, File: rel, Line: line})
		return true
	})
	sortByPlace(out, func(b Binding) (string, int) { return b.File, b.Line })
	return out
}

// BindingStructs returns the structs whose member is bound to a function
// in some initializer of the tree (all of its files, whatever the
// needles), sorted: for `sk->sk_prot->ioctl(...)` without a conversion
// rule naming the member, the structs whose ioctl it may be. The first
// query of a member reads every binding key of the store; the answer is
// kept.
func (x *Index) BindingStructs(member string) []string {
	x.st.mu.Lock()
	defer x.st.mu.Unlock()
	if v, ok := x.st.bindStructs[member]; ok {
		return v
	}
	set := map[string]bool{}
	err := x.st.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketBinds)).ForEach(func(k, _ []byte) error {
			st, rest, ok := bytes.Cut(k, []byte{0})
			if !ok {
				return nil
			}
			if m, _, ok := bytes.Cut(rest, []byte{0}); ok && string(m) == member {
				set[string(st)] = true
			}
			return nil
		})
	})
	if err != nil {
		x.log.Warn("tree index unreadable", "path", x.st.path, "err", err)
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	if x.st.bindStructs == nil {
		x.st.bindStructs = map[string][]string{}
	}
	x.st.bindStructs[member] = out
	return out
}

// Funcs returns every definition and prototype of the function name,
// sorted by file and line.
func (x *Index) Funcs(name string) []IndexedFunc {
	var out []IndexedFunc
	x.scan(bucketFuncs, name, func(rel string, v []byte) bool {
		d := cfront.NewDecoder(v)
		f := d.Func()
		if err := d.Done("function"); err != nil {
			x.corrupt(err)
			return true
		}
		out = append(out, IndexedFunc{Func: f, File: rel})
		return true
	})
	sortByPlace(out, func(f IndexedFunc) (string, int) { return f.File, f.Line })
	return out
}

// sortByPlace sorts s by file and line, keeping the source order of
// entries on one line.
func sortByPlace[T any](s []T, place func(T) (string, int)) {
	slices.SortStableFunc(s, func(a, b T) int {
		fa, la := place(a)
		fb, lb := place(b)
		if c := strings.Compare(fa, fb); c != 0 {
			return c
		}
		return la - lb
	})
}

// Resolve returns what b.Func means where it is bound: the definitions and
// prototypes in b.File when there are any (static functions are
// file-local), else the non-static ones of other .c files and the
// definitions in headers (static inline functions reach every includer);
// plus the prototypes in headers. Entries of b.File come first.
func (x *Index) Resolve(b Binding) []IndexedFunc {
	all := x.Funcs(b.Func)
	var out []IndexedFunc
	for _, f := range all {
		if f.File == b.File {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		for _, f := range all {
			header := strings.HasSuffix(f.File, ".h")
			if header && f.Definition || !header && !f.Static {
				out = append(out, f)
			}
		}
	}
	for _, f := range all {
		if strings.HasSuffix(f.File, ".h") && !f.Definition && f.File != b.File {
			out = append(out, f)
		}
	}
	return out
}

// ReadFile returns the content of a tree file, rel being relative to the
// root (for applying patches in memory).
func (x *Index) ReadFile(rel string) ([]byte, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("read tree file %q: %w", rel, errOutsideTree)
	}
	b, err := os.ReadFile(filepath.Join(x.Root, clean))
	if err != nil {
		return nil, fmt.Errorf("read tree file: %w", err)
	}
	return b, nil
}

var errOutsideTree = errors.New("path is outside the tree")
