package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/version"

	"github.com/patchbot/patchbot/series"
)

// TableOptions tune the terminal table.
type TableOptions struct {
	// Width is the line width to fit, in screen cells (100 when 0).
	Width int
	// Color adds ANSI colours (a terminal, or a pager that keeps them).
	Color bool
	// Limit shows only the first Limit series in attention order (all
	// when 0).
	Limit int
	// AttentionLast prints the rows bottom-up, so that on a terminal the
	// series that need attention most are the last lines on screen.
	AttentionLast bool
	// Stable shows the stable-tree backports (review.TriageStable), which
	// the table otherwise counts in one line and leaves out.
	Stable bool
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
	colID      = 6
	colState   = 10
	colCount   = 2
	colTags    = 5
	colPatches = 14
	colVersion = 4
	colDate    = 10
	colAuthor  = 14
	minTitle   = 20
	// minShortTitle is the least the title keeps on a narrow terminal.
	minShortTitle = 8
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
	authorW := colAuthor
	fixed := colID + 1 + colState + 1 + len(t.Checks)*(colCount+1) + colTags + 1 + colPatches + 1 + colVersion + 1 + colDate + 1 + authorW + 1
	if short := minTitle - (width - fixed); short > 0 {
		// A narrow terminal: the author column gives up to half of
		// itself before the title shrinks below minTitle.
		cut := min(short, colAuthor/2)
		authorW -= cut
		fixed -= cut
	}
	titleW := max(width-fixed, minShortTitle)

	var items []review.TriageItem
	stable := 0
	for _, it := range t.Items {
		if it.State == review.TriageStable && !opt.Stable {
			stable++
			continue
		}
		items = append(items, it)
	}
	listed := len(items)
	if opt.Limit > 0 && opt.Limit < len(items) {
		items = items[:opt.Limit]
	}
	rows := slices.Clone(items)
	if opt.AttentionLast {
		slices.Reverse(rows)
	}
	head := pad("ID", colID) + " " + pad("STATE", colState) + " "
	for _, c := range t.Checks {
		head += padLeft(CheckAbbrev(c), colCount) + " "
	}
	head += pad("A/R/T", colTags) + " " + pad("PATCHES", colPatches) + " " + pad("VER", colVersion) + " " + pad("DATE", colDate) + " " +
		pad("AUTHOR", authorW) + " " + "TITLE"
	ew.printf("%s\n", paint(opt.Color, ansiBold, head))

	for _, it := range rows {
		s := it.Result.Series
		line := pad(ShortID(s.ID), colID) + " " + paint(opt.Color, stateColour(it.State), pad(it.State, colState)) + " "
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
		line += pad(it.Tags.String(), colTags) + " " + pad(ShortCompleteness(s), colPatches) + " " + pad(ver, colVersion) + " " +
			pad(dateString(s.Date), colDate) + " " + pad(authorName(s), authorW) + " " +
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
	shown := ""
	if len(items) < listed {
		shown = fmt.Sprintf("; %d shown (--limit)", len(items))
	}
	ew.printf("%s from %s (%s)%s\n%s\n", Plural(len(t.Items), "series", "series"), Plural(t.Mails, "mail", "mails"),
		Plural(t.Skipped, "not a patch", "not patches"), shown, stateCounts(t))
	if stable > 0 {
		ew.printf("%s not listed (--state stable lists them)\n", Plural(stable, "stable backport", "stable backports"))
	}
	// What to act on: the b4 line of each series shown that needs a look.
	var act []string
	for _, it := range rows {
		switch it.State {
		case review.TriageErrors, review.TriageWarnings, review.TriageIncomplete:
			act = append(act, pad(ShortID(it.Result.Series.ID), colID)+" "+B4Am(it.Result.Series.ID))
		}
	}
	if len(act) > 0 {
		ew.printf("\n%s\n", strings.Join(act, "\n"))
	}
	return ew.err
}

// ShortID is a series' short id in the triage outputs: the first 6 hex
// digits of the SHA-256 of its Message-ID, stable across runs.
func ShortID(msgid string) string {
	sum := sha256.Sum256([]byte(msgid))
	return hex.EncodeToString(sum[:3])
}

// B4Am is the command that fetches a series from lore: "b4 am MSGID".
func B4Am(msgid string) string {
	return "b4 am '" + strings.ReplaceAll(msgid, "'", "") + "'"
}

func stateCounts(t *review.Triage) string {
	n := map[string]int{}
	for _, it := range t.Items {
		n[it.State]++
	}
	var parts []string
	for _, st := range []string{review.TriageErrors, review.TriageWarnings, review.TriageIncomplete, review.TriageClean, review.TriageSuperseded, review.TriageStable} {
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
// cells measures text in terminal cells: a CJK character or an emoji
// takes two, a combining mark none. Ambiguous-width characters take one
// whatever the locale says, so that the table is the same everywhere.
func cells() *runewidth.Condition { return &runewidth.Condition{EastAsianWidth: false} }

// fit cuts s to n cells, ending it with "…" when cut; control characters
// become spaces.
func fit(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if cells().StringWidth(s) <= n {
		return s
	}
	return cells().Truncate(s, n, "…")
}

// pad fits s into n cells and fills the rest with spaces.
func pad(s string, n int) string {
	s = fit(s, n)
	return s + strings.Repeat(" ", max(0, n-cells().StringWidth(s)))
}

func padLeft(s string, n int) string {
	s = fit(s, n)
	return strings.Repeat(" ", max(0, n-cells().StringWidth(s))) + s
}

// Cells is the width of s on a terminal, in cells.
func Cells(s string) int { return cells().StringWidth(s) }

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
	// ShortID is the table's id of the series; B4Am fetches it.
	ShortID string `json:"short_id"`
	B4Am    string `json:"b4_am"`
	// Tags counts the people who acked, reviewed and tested it, in its
	// trailers and the mailbox's replies (patchwork's A/R/T).
	Tags series.ART `json:"tags"`
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
			ShortID:      ShortID(s.ID),
			B4Am:         B4Am(s.ID),
			Tags:         it.Tags,
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
