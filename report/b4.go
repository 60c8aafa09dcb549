package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/patchbot/patchbot/review"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// B4 check statuses, the only three current b4 accepts (anything else it
// turns into "fail").
const (
	B4Pass = "pass"
	B4Warn = "warn"
	B4Fail = "fail"
)

// B4Tool is the tool name patchbot reports to b4.
const B4Tool = "patchbot"

// B4Result is one entry of the JSON array b4 reads from an external
// per-patch or per-series check command (b4.review-perpatch-check-cmd,
// b4.review-series-check-cmd; src/b4/review/checks.py, _run_external_cmd).
// b4 reads every field as a string, so none is omitted.
type B4Result struct {
	Tool    string `json:"tool"`
	Status  string `json:"status"`
	Summary string `json:"summary"`
	URL     string `json:"url"`
	Details string `json:"details"`
}

// B4Options tune the b4 output.
type B4Options struct {
	// WarningsFail reports warnings as "fail" instead of "warn".
	WarningsFail bool
	// URL, when set, is put in every result (b4 shows it as a link).
	URL string
}

// B4Status is the b4 status of a set of findings: "fail" when one is an
// error (or a warning, with warningsFail), "warn" when one is a warning,
// "pass" otherwise. Notes never fail a patch.
func B4Status(fs []checks.Finding, warningsFail bool) string {
	st := B4Pass
	for _, f := range fs {
		switch f.Severity {
		case checks.SeverityError:
			return B4Fail
		case checks.SeverityWarning, "":
			if warningsFail {
				return B4Fail
			}
			st = B4Warn
		}
	}
	return st
}

// BuildB4 returns one result per reviewed series: for b4's per-patch
// commands that is one result for the one patch b4 piped in. Mail that
// held no patch (a cover letter alone, a reply) gives no result at all,
// which b4 shows as "no results" rather than as a pass.
func BuildB4(rs []review.Result, opt B4Options) []B4Result {
	out := make([]B4Result, 0, len(rs))
	for _, r := range rs {
		if r.Series == nil || len(r.Series.Patches) == 0 {
			continue
		}
		out = append(out, B4Result{
			Tool:    B4Tool,
			Status:  B4Status(r.Findings, opt.WarningsFail),
			Summary: b4Summary(r.Findings),
			URL:     opt.URL,
			Details: b4Details(r.Series, r.Findings),
		})
	}
	return out
}

// WriteB4 writes BuildB4's results as one JSON array (b4 parses stdout with
// json.loads), "[]" when there is nothing to report, and a newline.
func WriteB4(w io.Writer, rs []review.Result, opt B4Options) error {
	b, err := json.Marshal(BuildB4(rs, opt))
	if err != nil {
		return fmt.Errorf("encode b4 check results: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// b4Summary is the one line b4 prints beside the status: counts, then the
// first finding.
func b4Summary(fs []checks.Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	errs, warns, notes := review.CountSeverities(fs)
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{errs, "error"}, {warns, "warning"}, {notes, "note"}} {
		if c.n == 1 {
			parts = append(parts, "1 "+c.word)
		} else if c.n > 1 {
			parts = append(parts, fmt.Sprintf("%d %ss", c.n, c.word))
		}
	}
	return strings.Join(parts, ", ") + ": " + GCCLine(fs[0])
}

// b4Details is every finding in gcc style with its quoted lines,
// explanation and suggested fix: what the reviewer reads in b4's detail
// view.
func b4Details(s *series.Series, fs []checks.Finding) string {
	var b strings.Builder
	w := &errWriter{w: &b}
	for i, f := range fs {
		if i > 0 {
			w.printf("\n")
		}
		w.printf("%s\n", GCCLine(f))
		writeFindingDetail(w, s, f)
	}
	return b.String()
}

// WriteCheckpatch writes findings the way `checkpatch.pl --terse` does, one
// line each ("file:line: ERROR: message [check]"), and nothing at all for
// a clean patch. That is the output b4 prep --check and b4 am --check
// (b4.prep-perpatch-check-cmd, b4.am-perpatch-check-cmd; LoreMessage.
// run_local_check in b4) understand: each stdout line is one report, "fail"
// when it contains "ERROR:", else "warning", and no output means "passed
// all checks". With warningsFail, warnings are written as ERROR too.
func WriteCheckpatch(w io.Writer, rs []review.Result, warningsFail bool) error {
	ew := &errWriter{w: w}
	for _, r := range rs {
		for _, f := range r.Findings {
			ew.printf("%s (in %s)\n", checkpatchLine(f, warningsFail), PatchName(r.Series, f))
		}
	}
	return ew.err
}

func checkpatchLine(f checks.Finding, warningsFail bool) string {
	level := "WARNING"
	switch {
	case f.Severity == checks.SeverityError:
		level = "ERROR"
	case f.Severity == checks.SeverityNote:
		level = "CHECK"
	case warningsFail:
		level = "ERROR"
	}
	loc := ""
	if f.File != "" {
		loc = f.File + ":"
		if f.Line > 0 {
			loc += fmt.Sprint(f.Line) + ":"
		}
		loc += " "
	}
	// One line per finding: b4 splits on newlines.
	msg := strings.ReplaceAll(f.Message, "\n", " ")
	return fmt.Sprintf("%s%s: %s [%s]", loc, level, msg, f.Check)
}
