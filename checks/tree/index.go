// Package tree indexes a kernel source tree for the checks: the struct
// definitions, initializer bindings and function signatures of its kernel
// C, parsed with checks/cfront and cached on disk between runs.
package tree

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/patchbot/patchbot/checks/cfront"
)

// Index is the index of a kernel tree: struct definitions, initializer
// bindings and function signatures. It is read-only after BuildIndex and
// safe for concurrent use.
type Index struct {
	// Root is the tree's directory.
	Root string

	files    int
	structs  map[string][]IndexedStruct
	funcs    map[string][]IndexedFunc
	bindings map[bindingKey][]Binding
}

type bindingKey struct{ structName, member string }

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

// add merges one file's summary into the index.
func (x *Index) add(rel string, s *fileSummary) {
	x.files++
	for _, f := range s.Funcs {
		x.funcs[f.Name] = append(x.funcs[f.Name], IndexedFunc{Func: f, File: rel})
	}
	for _, st := range s.Structs {
		if st.Name == "" {
			continue
		}
		x.structs[st.Name] = append(x.structs[st.Name], IndexedStruct{Struct: st, File: rel})
	}
	for _, in := range s.Inits {
		if in.Struct == "" || in.Var == "" {
			continue
		}
		for _, f := range in.Fields {
			if f.Ident == "" || f.Ident == "NULL" {
				continue
			}
			k := bindingKey{in.Struct, f.Member}
			x.bindings[k] = append(x.bindings[k], Binding{
				Struct: in.Struct, Var: in.Var, Member: f.Member, Func: f.Ident, File: rel, Line: f.Line,
			})
		}
	}
}

// sort orders every list by file and line.
func (x *Index) sort() {
	for _, v := range x.bindings {
		slices.SortStableFunc(v, func(a, b Binding) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			return a.Line - b.Line
		})
	}
	for _, v := range x.funcs {
		slices.SortStableFunc(v, func(a, b IndexedFunc) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			return a.Line - b.Line
		})
	}
}

// Files is how many files were indexed: the .c and .h files that matched
// the needles (all of them without needles).
func (x *Index) Files() int { return x.files }

// Struct returns the definition of struct name: the one under include/ when
// there is one, else the first found.
func (x *Index) Struct(name string) (IndexedStruct, bool) {
	defs := x.structs[name]
	if len(defs) == 0 {
		return IndexedStruct{}, false
	}
	for _, d := range defs {
		if strings.HasPrefix(d.File, "include/") {
			return d, true
		}
	}
	return defs[0], true
}

// Bindings returns the functions bound to member of struct structName in
// designated initializers, sorted by file and line. Nested designators are
// joined with "." ("ops.ioctl").
func (x *Index) Bindings(structName, member string) []Binding {
	return slices.Clone(x.bindings[bindingKey{structName, member}])
}

// Funcs returns every definition and prototype of the function name.
func (x *Index) Funcs(name string) []IndexedFunc {
	return slices.Clone(x.funcs[name])
}

// Resolve returns what b.Func means where it is bound: the definitions and
// prototypes in b.File when there are any (static functions are
// file-local), else the non-static ones of other .c files and the
// definitions in headers (static inline functions reach every includer);
// plus the prototypes in headers. Entries of b.File come first.
func (x *Index) Resolve(b Binding) []IndexedFunc {
	all := x.funcs[b.Func]
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
