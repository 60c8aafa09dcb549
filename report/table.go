package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/version"

	"github.com/patchbot/patchbot/series"
)

// TableOptions tune the terminal table.
type TableOptions struct {
	// Width is the line width to fit (100 when 0).
	Width int
	// Color adds ANSI colours (only ever for a terminal).
	Color bool
}

// ANSI colours of the table.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
)

// CheckAbbrev is the short column header of a check ID: the initials of
// its words ("dropped-user" → "DU").
func CheckAbbrev(id string) string {
	var b strings.Builder
	for _, w := range strings.Split(id, "-") {
		if w != "" {
			r, _ := utf8.DecodeRuneInString(w)
			b.WriteString(strings.ToUpper(string(r)))
		}
	}
	return b.String()
}

// ShortCompleteness is the table's patch column: "5/5" for a whole series,
// "4/5, 1 missing" otherwise.
func ShortCompleteness(s *series.Series) string {
	total := s.Total
	if total == 0 {
		total = len(s.Patches)
	}
	if s.Complete || len(s.Missing) == 0 {
		return fmt.Sprintf("%d/%d", len(s.Patches), total)
	}
	return fmt.Sprintf("%d/%d, %d missing", len(s.Patches), total, len(s.Missing))
}

// table column widths; the title takes what is left of the line.
const (
	colState   = 10
	colCount   = 2
	colPatches = 14
	colVersion = 4
	colDate    = 10
	colAuthor  = 16
	minTitle   = 20
)

// WriteTable writes the triage table: a header, one line per series in
// attention order, fitting opt.Width columns, then a legend of the check
// columns and a count line.
func WriteTable(w io.Writer, t *review.Triage, opt TableOptions) error {
	width := opt.Width
	if width <= 0 {
		width = 100
	}
	ew := &errWriter{w: w}
	fixed := colState + 1 + len(t.Checks)*(colCount+1) + colPatches + 1 + colVersion + 1 + colDate + 1 + colAuthor + 1
	titleW := max(width-fixed, minTitle)

	head := pad("STATE", colState) + " "
	for _, c := range t.Checks {
		head += padLeft(CheckAbbrev(c), colCount) + " "
	}
	head += pad("PATCHES", colPatches) + " " + pad("VER", colVersion) + " " + pad("DATE", colDate) + " " +
		pad("AUTHOR", colAuthor) + " " + "TITLE"
	ew.printf("%s\n", paint(opt.Color, ansiBold, head))

	for _, it := range t.Items {
		s := it.Result.Series
		line := paint(opt.Color, stateColour(it.State), pad(it.State, colState)) + " "
		for _, c := range t.Checks {
			n := it.PerCheck[c]
			cell := padLeft(strconv.Itoa(n), colCount)
			if n == 0 {
				cell = padLeft("-", colCount)
			}
			line += cell + " "
		}
		ver := "v" + strconv.Itoa(s.Version)
		if it.Newer != nil {
			ver = "v" + strconv.Itoa(s.Version) + "<"
		}
		line += pad(ShortCompleteness(s), colPatches) + " " + pad(ver, colVersion) + " " +
			pad(dateString(s.Date), colDate) + " " + pad(authorName(s), colAuthor) + " " +
			fit(s.Title, titleW)
		ew.printf("%s\n", line)
	}
	var legend []string
	for _, c := range t.Checks {
		legend = append(legend, CheckAbbrev(c)+" = "+c)
	}
	if len(legend) > 0 {
		ew.printf("\n%s\nvN< = a newer version of the series exists\n", strings.Join(legend, ", "))
	}
	ew.printf("%s from %s (%s)\n%s\n", Plural(len(t.Items), "series", "series"), Plural(t.Mails, "mail", "mails"),
		Plural(t.Skipped, "not a patch", "not patches"), stateCounts(t))
	return ew.err
}

func stateCounts(t *review.Triage) string {
	n := map[string]int{}
	for _, it := range t.Items {
		n[it.State]++
	}
	var parts []string
	for _, st := range []string{review.TriageErrors, review.TriageWarnings, review.TriageIncomplete, review.TriageClean, review.TriageSuperseded} {
		label := st
		if st == review.TriageErrors || st == review.TriageWarnings {
			// "1 with errors", not "1 errors": the state is a label.
			label = "with " + st
		}
		parts = append(parts, fmt.Sprintf("%d %s", n[st], label))
	}
	return strings.Join(parts, ", ")
}

func stateColour(state string) string {
	switch state {
	case review.TriageErrors:
		return ansiRed
	case review.TriageWarnings, review.TriageIncomplete:
		return ansiYellow
	case review.TriageClean:
		return ansiGreen
	default:
		return ansiDim
	}
}

func paint(on bool, colour, s string) string {
	if !on {
		return s
	}
	return colour + s + ansiReset
}

func authorName(s *series.Series) string {
	if s.Author.Name != "" {
		return s.Author.Name
	}
	return s.Author.Email
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

// fit cuts s to n runes, ending with "…" when it was longer; control
// characters (a stray tab in a subject) become spaces.
func fit(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pad(s string, n int) string {
	s = fit(s, n)
	return s + strings.Repeat(" ", n-utf8.RuneCountInString(s))
}

func padLeft(s string, n int) string {
	s = fit(s, n)
	return strings.Repeat(" ", n-utf8.RuneCountInString(s)) + s
}

// JSONTriage is the top-level object of `patchbot triage --json`: the
// table's rows in the same order, with the same fields. Field names are a
// contract: add, never rename.
type JSONTriage struct {
	Series []JSONTriageSeries `json:"series"`
	// Mails and Skipped count the mails read and those that were not
	// patches.
	Mails   int `json:"mails"`
	Skipped int `json:"skipped"`
	// Patchbot is the build that wrote the triage.
	Patchbot version.Info `json:"patchbot"`
}

// JSONTriageSeries is one row: the series as `check --format json` gives
// it, plus the triage columns.
type JSONTriageSeries struct {
	JSONSeries
	State string `json:"state"`
	// Verdict is the checks policy's reading of the findings: "pass",
	// "warn" or "fail" ([checks] warnings_fail makes warnings fail).
	Verdict string `json:"verdict,omitempty"`
	// Date is the series' date (cover letter or first patch), RFC 3339.
	Date         string         `json:"date"`
	Completeness string         `json:"completeness"`
	Errors       int            `json:"errors"`
	Warnings     int            `json:"warnings"`
	Notes        int            `json:"notes"`
	PerCheck     map[string]int `json:"findings_per_check"`
	// NewerVersion names the newest later version, when there is one.
	NewerVersion *JSONVersion `json:"newer_version,omitempty"`
	// LoreURL links the series on lore.kernel.org by Message-ID.
	LoreURL string `json:"lore_url"`
}

// BuildTriageJSON converts a triage into its JSON form.
func BuildTriageJSON(t *review.Triage) JSONTriage {
	out := JSONTriage{Series: make([]JSONTriageSeries, 0, len(t.Items)), Mails: t.Mails, Skipped: t.Skipped, Patchbot: version.Read()}
	for _, it := range t.Items {
		s := it.Result.Series
		js := JSONTriageSeries{
			JSONSeries:   jsonSeries(it.Result),
			State:        it.State,
			Verdict:      it.Result.Verdict,
			Completeness: ShortCompleteness(s),
			Errors:       it.Errors,
			Warnings:     it.Warnings,
			Notes:        it.Notes,
			PerCheck:     map[string]int{},
			LoreURL:      LoreURL(s.ID),
		}
		if !s.Date.IsZero() {
			js.Date = s.Date.UTC().Format(time.RFC3339)
		}
		for _, c := range t.Checks {
			js.PerCheck[c] = it.PerCheck[c]
		}
		if it.Newer != nil {
			js.NewerVersion = &JSONVersion{ID: it.Newer.ID, Version: it.Newer.Version}
		}
		out.Series = append(out.Series, js)
	}
	return out
}

// WriteTriageJSON writes the triage as indented JSON and a newline.
func WriteTriageJSON(w io.Writer, t *review.Triage) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(BuildTriageJSON(t))
}
