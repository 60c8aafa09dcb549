package cfront

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/internal/kerneltree"
)

// chunksTwoPass is Chunks as it was first written, on a blanked copy of
// src: the oracle the one-pass Chunks must agree with. It counts the
// escaped newlines inside a quote as lines, which the first version did
// not (53 files of linux 6.1, inline assembly, had every chunk after such
// a string numbered from too low a line).
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
			j := skipQuoted(buf, i)
			line += bytes.Count(buf[i:j], []byte("\n"))
			if k := bytes.LastIndexByte(buf[i:j], '\n'); k >= 0 {
				lineFrom = i + k + 1
			}
			i = j - 1
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
		if err := tiled(Chunks([]byte(c)), []byte(c)); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
}

// tiled says what is wrong when chunks do not tile src: one after the
// other, bytes and lines, from the first line to the last, each chunk's
// bytes holding its lines.
func tiled(chunks []Chunk, src []byte) error {
	at, line := 0, 1
	for _, c := range chunks {
		if c.From != at || c.Start != line || c.End < c.Start || c.To < c.From {
			return fmt.Errorf("chunk %+v does not follow byte %d, line %d", c, at, line)
		}
		if n := bytes.Count(src[c.From:c.To], []byte("\n")); c.To < len(src) && n != c.End-c.Start+1 {
			return fmt.Errorf("chunk %+v holds %d lines", c, n)
		}
		at, line = c.To, c.End+1
	}
	if at != len(src) || line-1 != bytes.Count(src, []byte("\n"))+1 {
		return fmt.Errorf("chunks end at byte %d, line %d of %d bytes, %d lines", at, line-1, len(src), bytes.Count(src, []byte("\n"))+1)
	}
	return nil
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
			got := Chunks(src)
			if want := chunksTwoPass(src); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d chunks, want %d", path, len(got), len(want))
			}
			if err := tiled(got, src); err != nil {
				t.Errorf("%s: %v", path, err)
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
		got := Chunks(src)
		if want := chunksTwoPass(src); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", src, got, want)
		}
		if err := tiled(got, src); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	})
}

// TestChunksNumberLinesAfterAssemblyStrings: a function after an inline
// assembly string continued with backslashes, parsed by chunks, is on the
// line a whole parse puts it.
func TestChunksNumberLinesAfterAssemblyStrings(t *testing.T) {
	src := []byte("static void copy(void)\n{\n\tasm(\"\\\n\tmov r0, r1\\n\\\n\tbx lr\\n\\\n\t\");\n}\n\nint after(int x)\n{\n\treturn x;\n}\n")
	whole, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	joined := &Unit{}
	for _, c := range Chunks(src) {
		u, err := Parse(src[c.From:c.To])
		if err != nil {
			t.Fatal(err)
		}
		joined.AppendShifted(u, c.Start-1)
	}
	line := func(u *Unit) int {
		for _, f := range u.Funcs {
			if f.Name == "after" {
				return f.Line
			}
		}
		return 0
	}
	if line(whole) != 9 || line(joined) != line(whole) {
		t.Errorf("after: line %d by chunks, %d whole, want 9", line(joined), line(whole))
	}
}
