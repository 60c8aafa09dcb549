package model

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/internal/kerneltree"
)

// A whole file parsed chunk by chunk must give exactly its whole parse:
// every function, struct, initializer, call, cast and declaration, with
// the same lines, in the same order, wherever tree-sitter parsed the file
// without recovering from a syntax error. Where it did recover (macros it
// cannot know), the recovery no longer spills from one file-scope
// construct into the next: the chunked parse finds no fewer functions and
// structs (what it finds differently are the whole parse's misreadings,
// such as a macro call read as a function, or a struct without a name). Checked on linux 6.1 files the list
// archives touch most (net/ipv4, net/bluetooth, net/core, the headers of
// include/linux/ and include/net/).
func TestParseWholeInChunksIsTheWholeParse(t *testing.T) {
	root := kerneltree.Linux61(t)
	dirs := []string{"net/phonet", "net/ipv4", "net/bluetooth", "net/core", "include/net", "include/linux"}
	if testing.Short() {
		dirs = dirs[:1]
	}
	m := &Model{parser: cfront.NewParser(), parses: NewParseCache()}
	defer m.Close()
	whole := cfront.NewParser()
	defer whole.Close()
	ctx := context.Background()
	files, chunked, recovered := 0, 0, 0
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() || !(strings.HasSuffix(path, ".c") || strings.HasSuffix(path, ".h")) {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			want, werr := whole.ParseFragment(ctx, src, "")
			got, gerr := m.parseWhole(ctx, m.parser, &Image{File: path, src: src, whole: true})
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s: whole parse error %v, chunked %v", path, werr, gerr)
				return nil
			}
			files++
			if len(cfront.Chunks(src)) > 1 {
				chunked++
			}
			switch {
			case werr != nil:
			case !want.Recovered:
				if !reflect.DeepEqual(normal(want), normal(got)) {
					t.Errorf("%s: chunked parse differs from the whole parse\n%s", path, firstDiff(want, got))
				}
			case !reflect.DeepEqual(normal(want), normal(got)):
				recovered++
				if len(got.Funcs) < len(want.Funcs) || len(got.Structs) < len(want.Structs) {
					t.Errorf("%s: the chunked parse found %d functions and %d structs, the whole parse %d and %d",
						path, len(got.Funcs), len(got.Structs), len(want.Funcs), len(want.Structs))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d files, %d of them in more than one chunk; %d parse differently, all after a recovery from a syntax error", files, chunked, recovered)
	if chunked == 0 {
		t.Fatal("no file was split: the test compared nothing")
	}
}

// normal makes empty and nil slices alike for the comparison.
func normal(u *cfront.Unit) cfront.Unit {
	v := *u
	if len(v.Funcs) == 0 {
		v.Funcs = nil
	}
	if len(v.Structs) == 0 {
		v.Structs = nil
	}
	if len(v.Inits) == 0 {
		v.Inits = nil
	}
	if len(v.Calls) == 0 {
		v.Calls = nil
	}
	if len(v.Casts) == 0 {
		v.Casts = nil
	}
	if len(v.Decls) == 0 {
		v.Decls = nil
	}
	return v
}

// firstDiff names the first list and element where a and b part.
func firstDiff(a, b *cfront.Unit) string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		n := max(fa.Len(), fb.Len())
		for j := range n {
			if j >= fa.Len() || j >= fb.Len() {
				return va.Type().Field(i).Name + ": lengths " + itoa(fa.Len()) + " and " + itoa(fb.Len())
			}
			if !reflect.DeepEqual(fa.Index(j).Interface(), fb.Index(j).Interface()) {
				return va.Type().Field(i).Name + "[" + itoa(j) + "]:\n whole   " + short(fa.Index(j).Interface()) + "\n chunked " + short(fb.Index(j).Interface())
			}
		}
	}
	return "(empty against nil)"
}

func itoa(n int) string { return strconv.Itoa(n) }

func short(v any) string {
	s := fmt.Sprintf("%+v", v)
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}
