package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/patchbot/patchbot/review"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Verbose adds each finding's explanation, quoted lines and suggested
	// fix below its gcc-style line.
	Verbose bool
}

// WriteText writes the human report: a summary block per series, then
// its findings in gcc style (`file:line: severity: message [check]`) so
// editors and `make`-style tooling can jump to them.
func WriteText(w io.Writer, rs []review.Result, opt TextOptions) error {
	tw := &errWriter{w: w}
	for i, r := range rs {
		if i > 0 {
			tw.printf("\n")
		}
		writeSeriesText(tw, r, opt)
	}
	return tw.err
}

func writeSeriesText(w *errWriter, r review.Result, opt TextOptions) {
	s := r.Series
	w.printf("series: %s\n", s.Title)
	w.printf("  version: %d%s\n", s.Version, seriesTags(s))
	w.printf("  author:  %s\n", s.Author.String())
	w.printf("  status:  %s\n", Completeness(s))
	if s.Cover != nil {
		w.printf("  0/%d %s %s\n", s.Total, bracketID(s.Cover.MessageID), s.Cover.Subject)
	}
	for _, p := range s.Patches {
		id, subj := "", ""
		if p.Msg != nil {
			id, subj = p.Msg.MessageID, p.Msg.Subject
		}
		w.printf("  %d/%d %s %s\n", p.Index, p.Total, bracketID(id), subj)
	}
	for _, v := range s.Versions {
		w.printf("  other version: v%d %s\n", v.Version, bracketID(v.ID))
	}
	if len(r.Findings) == 0 {
		w.printf("  findings: none\n")
		return
	}
	w.printf("  findings: %d\n", len(r.Findings))
	// Grouped under the patch they are in, so that the author knows which
	// commit to amend; the gcc-style lines stay at the start of the line
	// for editors.
	for _, group := range byPatch(r.Findings) {
		w.printf("  in %s:\n", PatchName(s, group[0]))
		for _, f := range group {
			w.printf("%s\n", GCCLine(f))
			if opt.Verbose {
				writeFindingDetail(w, s, f)
			}
		}
	}
}

func writeFindingDetail(w *errWriter, s *series.Series, f checks.Finding) {
	for _, q := range f.Quote {
		w.printf("    | %s\n", q)
	}
	if f.Explanation != "" {
		w.printf("    %s\n", f.Explanation)
	}
	if f.Suggestion != "" {
		w.printf("    suggested fix: %s\n", f.Suggestion)
	}
	if f.MessageID != "" {
		w.printf("    in %s <%s>\n", PatchName(s, f), f.MessageID)
	} else {
		w.printf("    in %s\n", PatchName(s, f))
	}
}

// GCCLine renders a finding the way gcc renders a diagnostic:
// "net/ipv4/raw.c:862: warning: message [dropped-user]".
func GCCLine(f checks.Finding) string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		b.WriteByte(':')
		if f.Line > 0 {
			b.WriteString(strconv.Itoa(f.Line))
			b.WriteByte(':')
		}
		b.WriteByte(' ')
	}
	sev := string(f.Severity)
	if sev == "" {
		sev = string(checks.SeverityWarning)
	}
	b.WriteString(sev)
	b.WriteString(": ")
	b.WriteString(f.Message)
	b.WriteString(" [")
	b.WriteString(f.Check)
	b.WriteString("]")
	return b.String()
}

// Completeness says, for people, whether a series arrived whole:
// "complete, 5 patches" or "incomplete: 3/5 patches, missing 2, 4".
func Completeness(s *series.Series) string {
	total := s.Total
	if total == 0 {
		total = len(s.Patches)
	}
	if s.Complete {
		if total == 1 {
			return "complete, 1 patch"
		}
		return fmt.Sprintf("complete, %d patches", total)
	}
	miss := make([]string, len(s.Missing))
	for i, m := range s.Missing {
		miss[i] = strconv.Itoa(m)
	}
	return fmt.Sprintf("incomplete: %d/%d patches, missing %s", len(s.Patches), total, strings.Join(miss, ", "))
}

func seriesTags(s *series.Series) string {
	var tags []string
	if s.Tree != "" {
		tags = append(tags, "tree "+s.Tree)
	}
	if s.RFC {
		tags = append(tags, "RFC")
	}
	if s.Resend {
		tags = append(tags, "RESEND")
	}
	if len(tags) == 0 {
		return ""
	}
	return " (" + strings.Join(tags, ", ") + ")"
}

// bracketID renders a Message-ID as mail headers do, or says there is
// none (git format-patch output without --thread carries none).
func bracketID(id string) string {
	if id == "" {
		return "(no Message-ID)"
	}
	return "<" + id + ">"
}

// errWriter keeps the first write error so the rendering code stays
// linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}
