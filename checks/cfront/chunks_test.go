package cfront

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/internal/kerneltree"
)

// chunksTwoPass is Chunks as it was first written, on a blanked copy of
// src: the oracle the one-pass Chunks must agree with.
func chunksTwoPass(src []byte) []Chunk {
	pre := &prepared{parse: bytes.Clone(src)}
	pre.blankCommentsAndDirectives()
	buf := pre.parse
	var out []Chunk
	from, start := 0, 1
	depth := 0
	last := byte(0)
	line, lineFrom := 1, 0
	lineBlank := true
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		switch c {
		case '\n':
			if lineBlank && depth == 0 && (last == ';' || last == '}') && line > start {
				out = append(out, Chunk{Start: start, End: line - 1, From: from, To: lineFrom})
				from, start = lineFrom, line
				last = 0
			}
			line++
			lineFrom = i + 1
			lineBlank = true
			continue
		case ' ', '\t', '\r', '\f', '\v':
			continue
		case '"', '\'':
			i = skipQuoted(buf, i) - 1
			c = '"'
		case '{', '(', '[':
			if depth >= 0 {
				depth++
			}
		case '}', ')', ']':
			if depth > 0 {
				depth--
			} else {
				depth = -1
			}
		}
		lineBlank = false
		last = c
	}
	out = append(out, Chunk{Start: start, End: line, From: from, To: len(src)})
	return out
}

// chunkCases are the shapes the blanking decides: comments across lines
// and after code, directives with continuations, a '#' after a comment,
// quotes with escaped newlines, brackets that never balance.
var chunkCases = []string{
	"",
	"int a;\n\nint b;\n",
	"int a;\n/*\n * x\n\n */\nint b;\n\nint c;\n",
	"int a; /* x\n\n */ #define X 1\n\nint b;\n",
	"/* c */ #define A \\\n\t1 \\\n\n\nint a;\n\nint b;\n",
	"#if X\nint f(void) {\n#else\nint f(int x) {\n#endif\n\treturn 0;\n}\n\nint g;\n",
	"char *s = \"a\\\nb\";\n\nint c;\n\nint d;\n",
	"int a = '}';\n\nint b = \"{\";\n\nint c;\n",
	"}}\n\nint a;\n\nint b;\n",
	"// c \\\nstill a comment?\n\nint a;\n\nint b;\n",
	"int a;\r\n\r\nint b;\r\n",
	"struct s { int a; };\n\n\n#define M(x) \\\n\t(x)\n\nstatic int f(void)\n{\n\treturn M(1);\n}\n",
}

func TestChunksIsTheTwoPassChunks(t *testing.T) {
	for _, c := range chunkCases {
		if got, want := Chunks([]byte(c)), chunksTwoPass([]byte(c)); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", c, got, want)
		}
	}
}

// TestChunksIsTheTwoPassChunksLinux61: the same on every C file of linux
// 6.1's net/ and include/ (and of the whole tree in PATCHBOT_LINUX_TREE,
// when set).
func TestChunksIsTheTwoPassChunksLinux61(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	roots := []string{kerneltree.Linux61(t)}
	if dir := os.Getenv("PATCHBOT_LINUX_TREE"); dir != "" {
		roots = append(roots, dir)
	}
	for _, root := range roots {
		files := 0
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".c") || strings.HasSuffix(path, ".h")) {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			if got, want := Chunks(src), chunksTwoPass(src); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d chunks, want %d", path, len(got), len(want))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if files < 1000 {
			t.Fatalf("%s: only %d C files", root, files)
		}
		t.Logf("%s: %d C files chunked alike", root, files)
	}
}

// FuzzChunks holds the one-pass Chunks to the two-pass one on any input.
func FuzzChunks(f *testing.F) {
	for _, c := range chunkCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, want := Chunks(src), chunksTwoPass(src); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", src, got, want)
		}
	})
}
