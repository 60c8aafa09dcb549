package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/chromium"
	"github.com/patchbot/patchbot/internal/corpus"
)

// TestTriageTagsFromReplies: the A/R/T of the 2023 conversion's v7 counts
// the two Reviewed-by of the patch and the one Kuniyuki Iwashima gave in
// his reply (quoting the other two): 0/3/0, in the JSON and, rendered by
// headless Chromium, on the HTML page.
func TestTriageTagsFromReplies(t *testing.T) {
	dir := corpus.Path(t, "leitao-ioctl")
	code, out, errOut := runCmd(t, runTriage, "--json", dir)
	if code != exitClean {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var tri struct {
		Series []struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
			ShortID string `json:"short_id"`
			B4Am    string `json:"b4_am"`
			Tags    struct{ Acked, Reviewed, Tested int }
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(out), &tri); err != nil {
		t.Fatal(err)
	}
	short := ""
	for _, s := range tri.Series {
		if s.ID == "20230609152800.830401-1-leitao@debian.org" {
			short = s.ShortID
			if s.Tags.Reviewed != 3 || s.Tags.Acked != 0 || s.Tags.Tested != 0 || s.B4Am != "b4 am '"+s.ID+"'" {
				t.Errorf("v7: %+v, want 0/3/0 and its b4 am line", s)
			}
		}
	}
	if short == "" {
		t.Fatalf("no v7 in the triage")
	}
	bin := chromium.Find()
	if bin == "" {
		t.Skip("chromium not installed (Debian package chromium)")
	}
	page := filepath.Join(t.TempDir(), "triage.html")
	if code, _, errOut := runCmd(t, runTriage, "--html", page, dir); code != exitClean {
		t.Fatalf("triage --html: exit %d: %s", code, errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dom, err := chromium.Run(ctx, bin, t.TempDir(), page, "--dump-dom")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`<tr[^>]*>\s*<td class="nowrap"><code>` + short + `</code></td>.*?<td class="num tags">([^<]*)</td>`).FindSubmatch(dom)
	if row == nil {
		_ = os.WriteFile(filepath.Join(t.TempDir(), "dom.html"), dom, 0o644)
		t.Fatalf("no row for v7 (%s) in the rendered page", short)
	}
	if string(row[1]) != "0/3/0" {
		t.Errorf("v7's A/R/T on the page: %q, want 0/3/0", row[1])
	}
}
