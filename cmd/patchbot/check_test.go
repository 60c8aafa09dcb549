package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/report"
)

// runCLI runs patchbot in-process and returns its exit status, stdout and
// stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errw)
	return code, out.String(), errw.String()
}

const (
	exampleSeries = "../../testdata/examples/proto-ioctl-v1"
	exampleTree   = "../../testdata/demo/tree"
)

func TestCheckExampleSeries(t *testing.T) {
	type want struct {
		check, file, symbol string
		line                int
	}
	tests := []struct {
		name     string
		args     []string
		findings []want
	}{
		{
			name: "without a tree only what the diff shows",
			args: []string{"check", "--format", "json", exampleSeries},
			findings: []want{
				{"dropped-user", "net/phonet/pep.c", "pep_copy_obj:dst", 8},
			},
		},
		{
			name: "with the tree every check has its finding",
			args: []string{"check", exampleSeries, "--format", "json", "--tree", exampleTree},
			findings: []want{
				{"unconverted-implementer", "net/l2tp/l2tp_ip.c", "l2tp_ioctl", 8},
				{"dropped-user", "net/phonet/pep.c", "pep_copy_obj:dst", 8},
				{"callback-signature", "net/phonet/pep.c", "pep_ioctl", 13},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != exitFindings {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, errOut)
			}
			var rep report.JSONReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("output is not the JSON contract: %v\n%s", err, out)
			}
			if len(rep.Series) != 1 {
				t.Fatalf("got %d series, want 1", len(rep.Series))
			}
			s := rep.Series[0]
			if s.Title != "net: ioctl: kernel memory for struct proto ioctl" || s.Version != 1 ||
				s.Author != "Ada Example <ada@example.org>" || !s.Complete || len(s.Missing) != 0 || len(s.Patches) != 2 {
				t.Errorf("series = %+v", s)
			}
			for i, p := range s.Patches {
				if p.Index != i+1 || p.Total != 2 || p.MessageID == "" || !strings.Contains(p.Subject, "[PATCH net-next") {
					t.Errorf("patch %d = %+v", i, p)
				}
			}
			var got []want
			for _, f := range s.Findings {
				got = append(got, want{f.Check, f.File, f.Symbol, f.Line})
				if f.Message == "" || f.MessageID == "" || f.Severity == "" {
					t.Errorf("finding lacks message, Message-ID or severity: %+v", f)
				}
			}
			if !equalWants(got, tt.findings) {
				t.Errorf("findings = %+v\nwant %+v", got, tt.findings)
			}
		})
	}
}

func equalWants[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckTextIsGCCStyle(t *testing.T) {
	code, out, _ := runCLI(t, "", "check", "--tree", exampleTree, exampleSeries)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d", code, exitFindings)
	}
	for _, want := range []string{
		"series: net: ioctl: kernel memory for struct proto ioctl\n",
		"  version: 1 (tree net-next)\n",
		"  author:  Ada Example <ada@example.org>\n",
		"  status:  complete, 2 patches\n",
		"net/phonet/pep.c:8: warning: ",
		"[dropped-user]\n",
		"net/phonet/pep.c:13: error: ",
		"[callback-signature]\n",
		"net/l2tp/l2tp_ip.c:8: error: ",
		"[unconverted-implementer]\n",
		// Each finding under the patch it is in, series-wide ones last.
		"  findings: 3\n  in 2/2 \"net: phonet: use kernel memory in pep_ioctl\":\nnet/phonet/pep.c:8: warning: ",
		"  in the series as a whole:\nnet/l2tp/l2tp_ip.c:8: error: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckCleanSeriesExitsZero(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "../../testdata/checks/good-user")
	if code != exitClean {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "  findings: none\n") {
		t.Errorf("clean series not reported as such:\n%s", out)
	}
}

func TestCheckStdin(t *testing.T) {
	var mbox bytes.Buffer
	files, err := filepath.Glob(filepath.Join(exampleSeries, "*.patch"))
	if err != nil || len(files) != 3 {
		t.Fatalf("example series: %v %v", files, err)
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mbox.Write(b)
		mbox.WriteString("\n")
	}
	code, out, errOut := runCLI(t, mbox.String(), "check", "--format", "json", "-")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, errOut)
	}
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Series) != 1 || len(rep.Series[0].Patches) != 2 || len(rep.Series[0].Findings) != 1 {
		t.Errorf("stdin mbox read as %+v", rep.Series)
	}
}

func TestCheckUsageAndUnreadableInput(t *testing.T) {
	dir := t.TempDir()
	notMail := filepath.Join(dir, "empty.eml")
	if err := os.WriteFile(notMail, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		stderrs []string
	}{
		{"no arguments", []string{"check"}, exitUsage, []string{"nothing to check"}},
		{"unknown format", []string{"check", "--format", "xml", exampleSeries}, exitUsage, []string{`unknown --format "xml"`}},
		{"unknown flag", []string{"check", "--frobnicate", exampleSeries}, exitUsage, []string{"frobnicate"}},
		{"missing file", []string{"check", filepath.Join(dir, "nope.mbox")}, exitUsage, []string{"nope.mbox", "nothing readable"}},
		{"empty file", []string{"check", notMail}, exitUsage, []string{"empty.eml", "empty message"}},
		{"unknown command", []string{"frob"}, exitUsage, []string{`unknown command "frob"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			for _, s := range tt.stderrs {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
}

// A bad mail among good ones is named on one line and the others are still
// reviewed.
func TestCheckBadMailDoesNotStopTheOthers(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "../../testdata/mail/broken-boundary.eml", exampleSeries)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, errOut)
	}
	if !strings.Contains(errOut, "broken-boundary.eml") {
		t.Errorf("stderr does not name the broken mail:\n%s", errOut)
	}
	if !strings.Contains(out, "series: net: ioctl: kernel memory for struct proto ioctl") {
		t.Errorf("the good series was not reviewed:\n%s", out)
	}
}

// A conversion rule pinned in the config is applied like an inferred one.
func TestCheckConfigPinnedRule(t *testing.T) {
	tree, err := filepath.Abs(exampleTree)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "patchbot.toml")
	toml := `[checks]
tree = "` + tree + `"

[[checks.rule]]
struct = "proto"
member = "close"
old = "void (struct sock *, long)"
new = "void (struct sock *, long, int)"
`
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "check", "-config", cfg, exampleSeries)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, errOut)
	}
	if !strings.Contains(out, "net/ipv4/raw.c:8: error: raw_close() implements struct proto.close") || !strings.Contains(out, "the pinned conversion rule changes the member to") {
		t.Errorf("pinned rule not applied (the tree from the config neither):\n%s", out)
	}
	code, _, errOut = runCLI(t, "", "check", "-config", filepath.Join(t.TempDir(), "none.toml"), exampleSeries)
	if code != exitUsage || !strings.Contains(errOut, "none.toml") {
		t.Errorf("missing config: exit %d, stderr %q", code, errOut)
	}
}

// --stats ends the run with one line of figures on stderr, and leaves
// stdout (the report) alone.
func TestCheckStatsLine(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--stats", "--format", "json", exampleSeries)
	if code != exitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	re := regexp.MustCompile(`(?m)^patchbot: stats: 3 mails, 1 series reviewed \(no tree\); parses: \d+ from memory, 0 from the store, [1-9]\d* parsed \([0-9.]+ MB of C\); [0-9.]+s wall, [0-9.]+s CPU, peak RSS \d+ MB$`)
	if !re.MatchString(errOut) {
		t.Errorf("no stats line in stderr:\n%s", errOut)
	}
	if strings.Contains(out, "stats:") {
		t.Errorf("stats on stdout:\n%s", out)
	}
}
