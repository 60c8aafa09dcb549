package series

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/mail"
)

func TestParsePatchFileShapes(t *testing.T) {
	type fileWant struct {
		oldName, newName          string
		isNew, isDelete, isRename bool
		isBinary                  bool
		oldMode, newMode          uint32
		hunks, added, deleted     int
	}
	tests := []struct {
		name string
		want fileWant
	}{
		{"rename", fileWant{"drivers/bar/bar.c", "drivers/bar/bar_main.c", false, false, true, false, 0o100644, 0o100644, 1, 1, 0}},
		{"binary", fileWant{"firmware/bar.bin", "firmware/bar.bin", false, false, false, true, 0o100644, 0o100644, 0, 0, 0}},
		{"mode-only", fileWant{"scripts/bar-check.sh", "scripts/bar-check.sh", false, false, false, false, 0o100644, 0o100755, 0, 0, 0}},
		{"new-file", fileWant{"", "drivers/bar/bar_dev.h", true, false, false, false, 0, 0o100644, 1, 6, 0}},
		{"deleted-file", fileWant{"drivers/bar/old_helper.c", "", false, true, false, false, 0o100644, 0, 1, 0, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := loadEml(t, filepath.Join(fixtureDir, "diff", tt.name, tt.name+".eml"))
			p, err := ParsePatch(m)
			if err != nil {
				t.Fatalf("ParsePatch: %v", err)
			}
			if len(p.Files) != 1 {
				t.Fatalf("got %d files, want 1", len(p.Files))
			}
			f := p.Files[0]
			got := fileWant{f.OldName, f.NewName, f.IsNew, f.IsDelete, f.IsRename, f.IsBinary,
				f.OldMode, f.NewMode, len(f.Hunks), f.Added, f.Deleted}
			if got != tt.want {
				t.Errorf("file\n got  %+v\n want %+v", got, tt.want)
			}
			if p.Index != 1 || p.Total != 1 {
				t.Errorf("lone patch placed at %d/%d, want 1/1", p.Index, p.Total)
			}
			if !strings.HasSuffix(p.DiffText, "\n") || strings.Contains(p.DiffText, "\n-- \n") {
				t.Errorf("DiffText keeps the signature or lost its last newline: %q", tail(p.DiffText))
			}
		})
	}
}

func TestParsePatchHunksAndMessage(t *testing.T) {
	m := loadEml(t, filepath.Join(fixtureDir, "diff", "hunks", "hunks.eml"))
	p, err := ParsePatch(m)
	if err != nil {
		t.Fatalf("ParsePatch: %v", err)
	}
	t.Run("author from in-body From", func(t *testing.T) {
		want := mail.Address{Name: "Ada Lovecode", Email: "ada@example.org"}
		if p.Author != want {
			t.Errorf("Author = %v, want %v (mail From is %v)", p.Author, want, m.From)
		}
	})
	t.Run("commit message without pseudo-headers and trailers", func(t *testing.T) {
		want := "sk_ioctl() now copies the argument in and out, so foo_ioctl()\ngets a kernel pointer.\n"
		if p.CommitMessage != want {
			t.Errorf("CommitMessage = %q, want %q", p.CommitMessage, want)
		}
	})
	t.Run("trailers in order", func(t *testing.T) {
		want := []Trailer{
			{"Fixes", `0123456789ab ("net: foo: add ioctl")`},
			{"Reported-by", "Grace Patchwork <grace@example.org>"},
			{"Closes", "https://lore.kernel.org/r/report-1@example.org"},
			{"Signed-off-by", "Ada Lovecode <ada@example.org>"},
			{"Reviewed-by", "Grace Patchwork <grace@example.org>"},
		}
		if len(p.Trailers) != len(want) {
			t.Fatalf("Trailers = %q, want %q", p.Trailers, want)
		}
		for i := range want {
			if p.Trailers[i] != want[i] {
				t.Errorf("trailer %d = %q, want %q", i, p.Trailers[i], want[i])
			}
		}
	})
	t.Run("diffstat and base-commit", func(t *testing.T) {
		wantStat := " net/foo/foo.c | 12 ++++--------\n 1 file changed, 4 insertions(+), 8 deletions(-)"
		if p.Diffstat != wantStat {
			t.Errorf("Diffstat = %q, want %q", p.Diffstat, wantStat)
		}
		if p.BaseCommit != "7261f07089e2fe656a308e6a2cd2c5a4cdcab6be" {
			t.Errorf("BaseCommit = %q", p.BaseCommit)
		}
		if strings.Contains(p.DiffText, "base-commit") || strings.Contains(p.DiffText, "prerequisite-patch-id") {
			t.Errorf("DiffText keeps the format-patch footer: %q", tail(p.DiffText))
		}
	})
	t.Run("three hunks with line numbers", func(t *testing.T) {
		if len(p.Files) != 1 || len(p.Files[0].Hunks) != 3 {
			t.Fatalf("want 1 file with 3 hunks, got %+v", p.Files)
		}
		f := p.Files[0]
		if f.Added != 4 || f.Deleted != 8 {
			t.Errorf("Added/Deleted = %d/%d, want 4/8", f.Added, f.Deleted)
		}
		type hdr struct{ os, ol, ns, nl int }
		wantHdr := []hdr{{2, 14, 2, 9}, {41, 7, 36, 7}, {83, 4, 78, 5}}
		for i, h := range f.Hunks {
			if (hdr{h.OldStart, h.OldLines, h.NewStart, h.NewLines}) != wantHdr[i] {
				t.Errorf("hunk %d header = %+v, want %+v", i, hdr{h.OldStart, h.OldLines, h.NewStart, h.NewLines}, wantHdr[i])
			}
		}
		if got := f.Hunks[1].Function; got != "static int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)" {
			t.Errorf("hunk 1 Function = %q", got)
		}
		// Lines asserted one by one, with both numbers.
		wantLines := []struct {
			hunk, line int
			op         LineOp
			oldNo      int
			newNo      int
			text       string
		}{
			{0, 0, OpContext, 2, 2, "#include <linux/net.h>"},
			{0, 3, OpDelete, 5, 0, "static int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)"},
			{0, 4, OpAdd, 0, 5, "static int foo_ioctl(struct sock *sk, int cmd, int *karg)"},
			{0, 5, OpContext, 6, 6, "{"},
			{0, 12, OpAdd, 0, 7, "\treturn foo_do(sk, cmd, *karg);"},
			{0, 13, OpContext, 13, 8, "}"},
			{1, 3, OpDelete, 44, 0, "/* line 30 */"},
			{1, 4, OpAdd, 0, 39, "/* line 30, reworded */"},
			{1, 5, OpContext, 45, 40, "/* line 31 */"},
			{2, 3, OpAdd, 0, 81, "\t.flags\t\t= FOO_F_KARG,"},
			{2, 4, OpContext, 86, 82, "};"},
		}
		for _, w := range wantLines {
			l := f.Hunks[w.hunk].Lines[w.line]
			if l.Op != w.op || l.OldLine != w.oldNo || l.NewLine != w.newNo || l.Text != w.text {
				t.Errorf("hunk %d line %d = %+v, want op %d old %d new %d %q", w.hunk, w.line, l, w.op, w.oldNo, w.newNo, w.text)
			}
		}
	})
}

func TestParsePatchBodies(t *testing.T) {
	const diff = "diff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
	tests := []struct {
		name      string
		body      string
		wantErr   error
		msg       string
		trailers  int
		diffstat  string
		wantFiles int
	}{
		{"no diff is not a patch", "Hello,\n\nthis is a cover letter.\n", ErrNoDiff, "", 0, "", 0},
		{"quoted diff is not a patch", "> diff --git a/x.c b/x.c\n> --- a/x.c\n", ErrNoDiff, "", 0, "", 0},
		{"signature after the diff", "Fix.\n\nSigned-off-by: A <a@b>\n---\n x.c | 2 +-\n\n" + diff + "-- \n2.39.2\n\n", nil, "Fix.\n", 1, " x.c | 2 +-", 1},
		{"no --- separator", "Fix it.\n\n" + diff, nil, "Fix it.\n", 0, "", 1},
		{"traditional diff without diff --git", "Fix.\n---\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-b\n+c\n", nil, "Fix.\n", 0, "", 1},
		{"deleted line reading '- ' is kept", "Fix.\n---\ndiff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1,1 @@\n a\n-- \n-- \n2.39.2\n", nil, "Fix.\n", 0, "", 1},
		{"deleted line reading '-' followed by context, no signature", "Fix.\n---\ndiff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,3 +1,2 @@\n a\n--\n b\n", nil, "Fix.\n", 0, "", 1},
		{"scissors", "Hi, as discussed:\n\n-- >8 --\nFrom: B <b@c>\nSubject: fix x\n\nReal message.\n\nSigned-off-by: B <b@c>\n---\n" + diff, nil, "Real message.\n", 1, "", 1},
		{"trailer-like line inside the message stays", "Note: this matters.\nMore text.\n\nSigned-off-by: A <a@b>\n---\n" + diff, nil, "Note: this matters.\nMore text.\n", 1, "", 1},
		{"dashed unknown key and note", "Fix.\n\nTested-on: arm64\n[ax: reworded]\nSigned-off-by: A <a@b>\n---\n" + diff, nil, "Fix.\n", 2, "", 1},
		{"CRLF body", strings.ReplaceAll("Fix.\n---\n"+diff, "\n", "\r\n"), nil, "Fix.\n", 0, "", 1},
		{"broken hunk count", "Fix.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n a\n", errAny, "", 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &mail.Message{MessageID: "t@x", Subject: "[PATCH] x: fix", Body: tt.body, From: mail.Address{Email: "a@b"}}
			p, err := ParsePatch(m)
			switch {
			case tt.wantErr == errAny:
				if err == nil {
					t.Fatalf("want an error, got none")
				}
				return
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			case err != nil:
				t.Fatalf("ParsePatch: %v", err)
			}
			if p.CommitMessage != tt.msg {
				t.Errorf("CommitMessage = %q, want %q", p.CommitMessage, tt.msg)
			}
			if len(p.Trailers) != tt.trailers {
				t.Errorf("Trailers = %q, want %d", p.Trailers, tt.trailers)
			}
			if p.Diffstat != tt.diffstat {
				t.Errorf("Diffstat = %q, want %q", p.Diffstat, tt.diffstat)
			}
			if len(p.Files) != tt.wantFiles {
				t.Errorf("Files = %d, want %d", len(p.Files), tt.wantFiles)
			}
		})
	}
}

// errAny marks a case that must fail with some error.
var errAny = errors.New("any error")

// tail returns the end of s for messages.
func tail(s string) string {
	if len(s) > 80 {
		return s[len(s)-80:]
	}
	return s
}

func FuzzParsePatch(f *testing.F) {
	f.Add("Fix.\n---\ndiff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n-- \n2.39.2\n")
	f.Add("From: A <a@b>\n\nMsg\n\nSigned-off-by: A <a@b>\n---\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+x\n\nbase-commit: abc\n")
	f.Add("x\n---\ndiff --git a/f b/g\nsimilarity index 90%\nrename from f\nrename to g\n")
	f.Fuzz(func(t *testing.T, body string) {
		p, err := ParsePatch(&mail.Message{Subject: "[PATCH] x", Body: body})
		if err != nil {
			return
		}
		for _, f := range p.Files {
			for _, h := range f.Hunks {
				oldNo, newNo := h.OldStart, h.NewStart
				for _, l := range h.Lines {
					switch l.Op {
					case OpContext:
						if l.OldLine != oldNo || l.NewLine != newNo {
							t.Fatalf("context line numbered %d/%d, want %d/%d", l.OldLine, l.NewLine, oldNo, newNo)
						}
						oldNo++
						newNo++
					case OpAdd:
						if l.OldLine != 0 || l.NewLine != newNo {
							t.Fatalf("added line numbered %d/%d", l.OldLine, l.NewLine)
						}
						newNo++
					case OpDelete:
						if l.NewLine != 0 || l.OldLine != oldNo {
							t.Fatalf("deleted line numbered %d/%d", l.OldLine, l.NewLine)
						}
						oldNo++
					}
				}
			}
		}
		if !strings.Contains(strings.ReplaceAll(body, "\r\n", "\n"), p.DiffText) {
			t.Fatalf("DiffText is not part of the body")
		}
	})
}
