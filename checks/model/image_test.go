package model

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/series"
)

// hunk builds a series.Hunk from unified-diff body lines (" ", "+", "-").
func hunk(oldStart, newStart int, function string, body ...string) series.Hunk {
	h := series.Hunk{OldStart: oldStart, NewStart: newStart, Function: function}
	o, n := oldStart, newStart
	for _, b := range body {
		l := series.Line{Text: b[1:]}
		switch b[0] {
		case ' ':
			l.Op, l.OldLine, l.NewLine = series.OpContext, o, n
			o++
			n++
			h.OldLines++
			h.NewLines++
		case '+':
			l.Op, l.NewLine = series.OpAdd, n
			n++
			h.NewLines++
		case '-':
			l.Op, l.OldLine = series.OpDelete, o
			o++
			h.OldLines++
		}
		h.Lines = append(h.Lines, l)
	}
	return h
}

func TestApplyFile(t *testing.T) {
	file := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	tests := []struct {
		name      string
		hunks     []series.Hunk
		wantText  []string
		wantLines []int
		wantAdded []bool
		failed    int
	}{
		{
			name:      "applies at its position",
			hunks:     []series.Hunk{hunk(3, 3, "", " c", "-d", "+D", " e")},
			wantText:  []string{"a", "b", "c", "D", "e", "f", "g", "h"},
			wantLines: []int{1, 2, 3, 4, 5, 6, 7, 8},
			wantAdded: []bool{false, false, false, true, false, false, false, false},
		},
		{
			// The series was written against a file with two more lines at
			// the top: line numbers stay the patch's.
			name:      "applies at an offset, keeping the patch's numbering",
			hunks:     []series.Hunk{hunk(5, 5, "", " c", "-d", "+D", "+D2", " e")},
			wantText:  []string{"a", "b", "c", "D", "D2", "e", "f", "g", "h"},
			wantLines: []int{3, 4, 5, 6, 7, 8, 9, 10, 11},
			wantAdded: []bool{false, false, false, true, true, false, false, false, false},
		},
		{
			name:      "a hunk whose pre-image is not in the file does not apply",
			hunks:     []series.Hunk{hunk(3, 3, "", " x", "-y", "+Y"), hunk(6, 6, "", " f", "-g", " h")},
			wantText:  []string{"a", "b", "c", "d", "e", "f", "h"},
			wantLines: []int{1, 2, 3, 4, 5, 6, 7},
			wantAdded: []bool{false, false, false, false, false, false, false},
			failed:    1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, failed := applyFile(file, &series.File{Hunks: tc.hunks})
			var text []string
			var lines []int
			var added []bool
			for _, l := range got {
				text, lines, added = append(text, l.text), append(lines, l.newLine), append(added, l.added)
			}
			if !slices.Equal(text, tc.wantText) || !slices.Equal(lines, tc.wantLines) || !slices.Equal(added, tc.wantAdded) {
				t.Errorf("got %q %v %v\nwant %q %v %v", text, lines, added, tc.wantText, tc.wantLines, tc.wantAdded)
			}
			if len(failed) != tc.failed {
				t.Errorf("%d hunks failed, want %d", len(failed), tc.failed)
			}
		})
	}
}

func TestHunkImage(t *testing.T) {
	tests := []struct {
		name     string
		h        series.Hunk
		post     bool
		wantSrc  string
		wantLine []int
	}{
		{
			name:     "post-image keeps context and added lines with new numbers",
			h:        hunk(10, 12, "int f(void)", " a;", "-b;", "+B;", " c;"),
			post:     true,
			wantSrc:  "a;\nB;\nc;\n",
			wantLine: []int{12, 13, 14},
		},
		{
			name:     "pre-image keeps context and removed lines with old numbers",
			h:        hunk(10, 12, "int f(void)", " a;", "-b;", "+B;", " c;"),
			wantSrc:  "a;\nb;\nc;\n",
			wantLine: []int{10, 11, 12},
		},
		{
			name:     "a hunk inside a struct gets the struct header back",
			h:        hunk(20, 20, "struct proto {", " \tint (*init)(struct sock *sk);", "-\tint x;", "+\tlong x;"),
			post:     true,
			wantSrc:  "struct proto {\n\tint (*init)(struct sock *sk);\n\tlong x;\n};\n",
			wantLine: []int{0, 20, 21, 0},
		},
		{
			name:     "a hunk after the struct named in its header is left alone",
			h:        hunk(40, 40, "struct foo_stat {", " ", " int foo_ioctl(struct sock *sk);", "+int foo_get(void);"),
			post:     true,
			wantSrc:  "\nint foo_ioctl(struct sock *sk);\nint foo_get(void);\n",
			wantLine: []int{40, 41, 42},
		},
		{
			name:     "the tail of a comment the hunk starts in is blanked",
			h:        hunk(5, 5, "", "  * returns the length", "  */", " int f(void);"),
			post:     true,
			wantSrc:  "\n\nint f(void);\n",
			wantLine: []int{5, 6, 7},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im := newHunkImage("x.c", &tc.h, tc.post)
			if string(im.src) != tc.wantSrc {
				t.Errorf("src %q, want %q", im.src, tc.wantSrc)
			}
			if !slices.Equal(im.fileLine, tc.wantLine) {
				t.Errorf("lines %v, want %v", im.fileLine, tc.wantLine)
			}
		})
	}
}

func TestHunkImageRecoversInitializer(t *testing.T) {
	h := hunk(30, 30, "static struct proto raw_prot = {", " \t.close\t\t= raw_close,", "-\t.ioctl\t\t= old_ioctl,", "+\t.ioctl\t\t= raw_ioctl,")
	im := newHunkImage("net/ipv4/raw.c", &h, true)
	m := &Model{parser: cfront.NewParser()}
	defer m.Close()
	m.Parse(context.Background(), im)
	var got []string
	for _, b := range im.Bindings() {
		got = append(got, b.Struct+" "+b.Var+"."+b.Member+"="+b.Func+"@"+strconv.Itoa(b.FileLine))
	}
	want := []string{"proto raw_prot.close=raw_close@30", "proto raw_prot.ioctl=raw_ioctl@31"}
	if !slices.Equal(got, want) {
		t.Errorf("bindings %q, want %q", got, want)
	}
}

// FuzzApplyFile feeds arbitrary files and hunks (as a stranger's diff may
// carry them) to the in-memory apply and the image builder: they must not
// panic, and every line of the result must come from the file or the hunk.
func FuzzApplyFile(f *testing.F) {
	f.Add("a\nb\nc\nd\n", 2, 2, "struct proto {", " b\n-c\n+C\n d")
	f.Add("", 0, 1, "", "+new\n+file")
	f.Add("x\n", 5, 1, "static struct proto p = {", "  * tail of a comment\n  */\n-\t.x = y,\n+\t.x = z,\n };")
	f.Fuzz(func(t *testing.T, file string, oldStart, newStart int, function, body string) {
		if oldStart < 0 || newStart < 0 || oldStart > 1<<20 || newStart > 1<<20 {
			return
		}
		var lines []string
		for _, l := range strings.Split(body, "\n") {
			if l == "" || !strings.ContainsRune(" +-", rune(l[0])) {
				continue
			}
			lines = append(lines, l)
		}
		if len(lines) == 0 {
			return
		}
		h := hunk(oldStart, newStart, function, lines...)
		cur := splitLines([]byte(file))
		out, failed := applyFile(cur, &series.File{Hunks: []series.Hunk{h}})
		if len(failed) == 0 && len(out) != len(cur)-h.OldLines+h.NewLines {
			t.Fatalf("applied hunk -%d+%d to %d lines gave %d", h.OldLines, h.NewLines, len(cur), len(out))
		}
		for _, post := range []bool{false, true} {
			im := newHunkImage("x.c", &h, post)
			if len(im.text) != len(im.fileLine) || len(im.text) != len(im.changed) {
				t.Fatalf("image bookkeeping out of step: %d %d %d", len(im.text), len(im.fileLine), len(im.changed))
			}
		}
	})
}
