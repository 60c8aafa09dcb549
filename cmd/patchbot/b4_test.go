package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// b4Result is one check result as b4 keeps it.
type b4Result struct{ Tool, Status, Summary, URL, Details string }

// b4ReviewReads interprets a check command's output exactly the way
// current b4 does for b4.review-perpatch-check-cmd and
// b4.review-series-check-cmd (src/b4/review/checks.py, _run_external_cmd):
// blank stdout is "no results" after exit 0 and a failure otherwise;
// stdout must be JSON; a non-list is wrapped; non-object entries are
// skipped; a missing tool is the command's name, a missing or unknown
// status is "fail". It also reports what patchbot must never rely on: a
// field that is not a string.
func b4ReviewReads(t *testing.T, stdout, stderr string, exit int) []b4Result {
	t.Helper()
	if strings.TrimSpace(stdout) == "" {
		if exit != 0 {
			return []b4Result{{Tool: "patchbot", Status: "fail", Summary: fmt.Sprintf("exited with error code %d", exit), Details: strings.TrimSpace(stderr)}}
		}
		return nil
	}
	var data any
	if err := json.Unmarshal([]byte(stdout), &data); err != nil {
		return []b4Result{{Tool: "patchbot", Status: "fail", Summary: "invalid JSON output: " + err.Error(), Details: stdout}}
	}
	list, ok := data.([]any)
	if !ok {
		list = []any{data}
	}
	out := []b4Result{}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		str := func(k, def string) string {
			v, ok := m[k]
			if !ok {
				return def
			}
			s, ok := v.(string)
			if !ok {
				t.Errorf("b4 field %q is %T, not a string", k, v)
			}
			return s
		}
		r := b4Result{Tool: str("tool", "patchbot"), Status: str("status", "fail"), Summary: str("summary", ""), URL: str("url", ""), Details: str("details", "")}
		if r.Status != "pass" && r.Status != "warn" && r.Status != "fail" {
			r.Status = "fail"
		}
		for _, k := range []string{"tool", "status", "summary", "url", "details"} {
			if _, ok := m[k]; !ok {
				t.Errorf("b4 result lacks %q: %v", k, m)
			}
		}
		out = append(out, r)
	}
	return out
}

// b4PrepReads interprets a check command's output the way b4 prep --check
// and b4 am --check do (b4.prep-perpatch-check-cmd, b4.am-perpatch-check-cmd;
// LoreMessage.run_local_check): every stdout line is a report, "fail"
// when it holds "ERROR:", else "warning"; every stderr line is a "fail";
// no output at all is "success", or a "fail" after a non-zero exit.
func b4PrepReads(stdout, stderr string, exit int) []string {
	var report []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l == "" {
			continue
		}
		if strings.Contains(l, "ERROR:") {
			report = append(report, "fail")
		} else {
			report = append(report, "warning")
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" {
			report = append(report, "fail")
		}
	}
	if len(report) == 0 {
		if exit != 0 {
			return []string{"fail"}
		}
		return []string{"success"}
	}
	return report
}

// runCheckStdin runs `patchbot check ARGS` with stdin as standard input.
func runCheckStdin(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := runCheck(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

// asListMail turns git format-patch output into the one message b4 pipes
// in: no "From <sha>" line, a Message-ID, optionally CRLF line ends.
func asListMail(patch, msgid string, crlf bool) string {
	if strings.HasPrefix(patch, "From ") {
		patch = patch[strings.IndexByte(patch, '\n')+1:]
	}
	if msgid != "" {
		patch = "Message-ID: <" + msgid + ">\n" + patch
	}
	if crlf {
		patch = strings.ReplaceAll(patch, "\n", "\r\n")
	}
	return patch
}

func TestCheckFormatB4(t *testing.T) {
	repo := scratchRepo(t, map[string]scratchCommit{"clean": cleanCommit, "error": errorCommit, "warning": warningCommit})
	patch := func(branch string) string { return git(t, repo, "format-patch", "--stdout", "master.."+branch) }
	cover := "From: Ada Lovelace <ada@example.org>\nSubject: [PATCH 0/2] foo: probes\nMessage-ID: <cover@example.org>\nDate: Fri, 27 Nov 2026 04:00:00 +0000\n\nTwo patches.\n"
	tests := []struct {
		name     string
		stdin    string
		args     []string
		exit     int
		status   string // "" = no results
		summary  string
		prep     []string
		noStderr bool
	}{
		{"clean patch passes", asListMail(patch("clean"), "c@example.org", false), nil, exitClean, "pass", "no findings", []string{"success"}, true},
		{"error fails", asListMail(patch("error"), "e@example.org", false), nil, exitFindings, "fail", "1 error: include/net/foo.h:7: error: conflicting types for 'foo_probe'", []string{"fail"}, true},
		{"CRLF mail as b4 may pipe it", asListMail(patch("error"), "e@example.org", true), nil, exitFindings, "fail", "1 error:", []string{"fail"}, true},
		{"warning warns", asListMail(patch("warning"), "w@example.org", false), nil, exitFindings, "warn", "1 warning: net/foo/af_foo.c:11: warning:", []string{"warning"}, true},
		{"warning fails with --fail-on warning", asListMail(patch("warning"), "w@example.org", false), []string{"--fail-on", "warning"}, exitFindings, "fail", "1 warning:", []string{"fail"}, true},
		{"warning with --fail-on error exits 0", asListMail(patch("warning"), "w@example.org", false), []string{"--fail-on", "error"}, exitClean, "warn", "1 warning:", []string{"warning"}, true},
		{"patch without Message-ID (b4 prep)", asListMail(patch("clean"), "", false), nil, exitClean, "pass", "no findings", []string{"success"}, true},
		{"cover letter alone: no results", cover, nil, exitClean, "", "", []string{"success"}, true},
		{"empty stdin fails with the reason", "", nil, exitUsage, "fail", "exited with error code 2", []string{"fail", "fail"}, false},
	}
	// b4 runs check commands at the top of the git tree: --tree auto finds
	// the kernel checkout there.
	t.Chdir(repo)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.args = append(tt.args, "--tree", "auto")
			code, out, errOut := runCheckStdin(tt.stdin, append([]string{"--format", "b4"}, tt.args...)...)
			if code != tt.exit {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.exit, errOut)
			}
			if tt.noStderr && errOut != "" {
				t.Errorf("stderr is not empty: %q", errOut)
			}
			got := b4ReviewReads(t, out, errOut, code)
			switch {
			case tt.status == "":
				if len(got) != 0 || strings.TrimSpace(out) != "[]" {
					t.Errorf("want the empty array and no results, got stdout %q → %v", out, got)
				}
			case len(got) != 1:
				t.Fatalf("b4 reads %d results from %q, want 1", len(got), out)
			default:
				r := got[0]
				if r.Status != tt.status || !strings.HasPrefix(r.Summary, tt.summary) || r.Tool != "patchbot" {
					t.Errorf("b4 reads %+v; want status %q, summary starting %q", r, tt.status, tt.summary)
				}
				if tt.status != "pass" && code != exitUsage && !strings.Contains(r.Details, "[") {
					t.Errorf("details lack the findings: %q", r.Details)
				}
			}

			code, out, errOut = runCheckStdin(tt.stdin, append([]string{"--format", "checkpatch", "-"}, tt.args...)...)
			prep := b4PrepReads(out, errOut, code)
			if strings.Join(prep, ",") != strings.Join(tt.prep, ",") {
				t.Errorf("b4 prep --check reads %v from stdout %q stderr %q, want %v", prep, out, errOut, tt.prep)
			}
		})
	}
}
