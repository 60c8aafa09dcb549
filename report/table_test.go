package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

func TestWriteTable(t *testing.T) {
	tr := testTriage()
	tests := []struct {
		name  string
		opt   TableOptions
		want  []string
		color bool
	}{
		{"plain, 100 columns", TableOptions{}, []string{
			"ID     STATE      DU CS UI A/R/T PATCHES        VER  DATE       AUTHOR         TITLE",
			"82b963 errors      1  1  - -     2/2            v2   2026-11-20 Ada Lovelace   net: <foo> & \"bar\" c…\n",
			"fbb2ac incomplete  -  -  - -     4/5, 1 missing v1   2026-11-21 nobody@exampl… io_uring: a series w…",
			"d496d1 superseded  1  -  - -     1/1            v2<  2026-11-19",
			"DU = dropped-user, CS = callback-signature, UI = unconverted-implementer\n",
			"4 series from 12 mails (3 not patches)\n1 with errors, 0 with warnings, 1 incomplete, 1 clean, 1 superseded, 0 stable",
			"\n82b963 b4 am 'bad/1+x@example.org'\nfbb2ac b4 am 'part-1@example.org'\n",
		}, false},
		{"the first two, attention last", TableOptions{Limit: 2, AttentionLast: true}, []string{
			"fbb2ac incomplete  -  -  - -     4/5, 1 missing v1   2026-11-21 nobody@exampl… io_uring: a series w…\n82b963 errors ",
			"4 series from 12 mails (3 not patches); 2 shown (--limit)",
			"\nfbb2ac b4 am 'part-1@example.org'\n82b963 b4 am 'bad/1+x@example.org'\n",
		}, false},
		{"coloured", TableOptions{Color: true}, []string{ansiRed + "errors    " + ansiReset, ansiDim + "superseded" + ansiReset}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, tr, tt.opt); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("table lacks %q:\n%s", w, out)
				}
			}
			if !tt.color {
				if strings.Contains(out, "\x1b") {
					t.Error("escape codes in a plain table")
				}
				for _, l := range strings.Split(out, "\n") {
					if n := Cells(l); n > 100 {
						t.Errorf("line of %d columns: %q", n, l)
					}
				}
				if !strings.Contains(out, "…") {
					t.Error("the long title was not cut with an ellipsis")
				}
			}
		})
	}
}

// Names and titles in CJK and emoji take two cells a character: the
// columns after them stay aligned and no line overflows.
func TestWriteTableWideCharacters(t *testing.T) {
	tr := testTriage()
	tr.Items[0].Result.Series.Author = mail.Address{Name: "王小明"}
	tr.Items[0].Result.Series.Title = "网络: 修复 ioctl 的缓冲区类型 🚀 and a long tail that has to be cut somewhere"
	tr.Items[2].Result.Series.Author = mail.Address{Name: "Zoë Ünicode 🐧"}
	tr.Items[2].Result.Series.Title = "日本語のタイトル"
	for _, width := range []int{100, 80, 120} {
		var b bytes.Buffer
		if err := WriteTable(&b, tr, TableOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		head := lines[0]
		titleAt := strings.Index(head, "TITLE")
		for _, l := range lines[1 : 1+len(tr.Items)] {
			if n := Cells(l); n > width {
				t.Errorf("width %d: line of %d cells: %q", width, n, l)
			}
			// The title starts in the same cell on every row.
			i := 0
			for c := 0; c < titleAt && i < len(l); {
				r, size := utf8.DecodeRuneInString(l[i:])
				c += Cells(string(r))
				i += size
			}
			if Cells(l[:i]) != titleAt {
				t.Errorf("width %d: title of %q not at cell %d", width, l, titleAt)
			}
		}
	}
}

func TestShortCompleteness(t *testing.T) {
	tests := []struct {
		name string
		s    *series.Series
		want string
	}{
		{"whole", &series.Series{Total: 2, Complete: true, Patches: make([]*series.Patch, 2)}, "2/2"},
		{"one missing", &series.Series{Total: 5, Missing: []int{3}, Patches: make([]*series.Patch, 4)}, "4/5, 1 missing"},
		{"lone patch without counter", &series.Series{Complete: true, Patches: make([]*series.Patch, 1)}, "1/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShortCompleteness(tt.s); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckAbbrev(t *testing.T) {
	for id, want := range map[string]string{"dropped-user": "DU", "callback-signature": "CS", "unconverted-implementer": "UI", "x": "X"} {
		t.Run(id, func(t *testing.T) {
			if got := CheckAbbrev(id); got != want {
				t.Errorf("CheckAbbrev(%q) = %q, want %q", id, got, want)
			}
		})
	}
}

func TestWriteTriageJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTriageJSON(&b, testTriage()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Series []map[string]any `json:"series"`
		Mails  int              `json:"mails"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Series) != 4 || got.Mails != 12 {
		t.Fatalf("%d series, %d mails", len(got.Series), got.Mails)
	}
	first := got.Series[0]
	checks := map[string]any{
		"state": "errors", "completeness": "2/2", "errors": 1.0, "warnings": 1.0, "version": 2.0,
		"date": "2026-11-20T10:00:00Z", "lore_url": "https://lore.kernel.org/r/bad%2F1+x@example.org",
		"cover_message_id": "bad/1+x@example.org",
	}
	for k, want := range checks {
		if first[k] != want {
			t.Errorf("series[0].%s = %v, want %v", k, first[k], want)
		}
	}
	per, _ := first["findings_per_check"].(map[string]any)
	if per["callback-signature"] != 1.0 || per["unconverted-implementer"] != 0.0 {
		t.Errorf("findings_per_check = %v", per)
	}
	if nv, _ := got.Series[3]["newer_version"].(map[string]any); nv["id"] != "clean-v3@example.org" || nv["version"] != 3.0 {
		t.Errorf("superseded series' newer_version = %v", got.Series[3]["newer_version"])
	}
	if _, ok := got.Series[2]["newer_version"]; ok {
		t.Error("the newest version claims a newer one")
	}
}
