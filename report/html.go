package report

import (
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/version"

	"github.com/patchbot/patchbot/checks"
)

// loreBase is where list mail is linked by Message-ID.
const loreBase = "https://lore.kernel.org/r/"

// LoreURL links a Message-ID on lore.kernel.org. The id is escaped as one
// path segment ("/" becomes %2F, as lore itself writes it), so any id
// stays one link.
func LoreURL(msgid string) string {
	if msgid == "" {
		return ""
	}
	return loreBase + url.PathEscape(msgid)
}

// htmlTemplate is the page; html/template escapes every value put in it
// (titles, names and Message-IDs come from strangers' mail).
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fff; }
h1 { font-size: 1.4em; margin: 0 0 .2em; }
p.meta { color: #666; margin: 0 0 1em; }
table.triage { border-collapse: collapse; width: 100%; }
table.triage th, table.triage td { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
table.triage th { background: #f3f3f3; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.state { font-weight: 600; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tr.errors td.state { color: #b00020; }
tr.warnings td.state, tr.incomplete td.state { color: #8a5a00; }
tr.clean td.state { color: #1b7a2f; }
tr.superseded, tr.stable { color: #888; }
section.series { margin: 1.5em 0; padding-top: .5em; border-top: 2px solid #eee; }
section.series h2 { font-size: 1.1em; margin: 0 0 .3em; }
div.finding { margin: .6em 0 .6em 1em; }
div.finding .sev-error { color: #b00020; font-weight: 600; }
div.finding .sev-warning { color: #8a5a00; font-weight: 600; }
div.finding .sev-note { color: #555; font-weight: 600; }
pre.quote { background: #f7f7f7; border-left: 3px solid #ccc; padding: .4em .6em; overflow-x: auto; margin: .3em 0; }
code { font-family: ui-monospace, monospace; }
code.b4 { color: #555; font-size: .85em; user-select: all; }
a { color: #0645ad; }
footer { color: #888; margin-top: 2em; font-size: .9em; }
form.filter { margin: 0 0 .8em; color: #444; }
form.filter span { margin: 0 .3em 0 .8em; font-weight: 600; }
form.filter label { margin-right: .5em; white-space: nowrap; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{if .Source}}{{.Source}} — {{end}}{{len .Rows}} series: {{.Summary}}</p>
<form class="filter" id="filter"><span>show:</span>{{range .States}}<label><input type="checkbox" name="state" value="{{.}}" checked> {{.}}</label>{{end}}<span>with findings of:</span>{{range .Checks}}<label><input type="checkbox" name="check" value="{{.ID}}"> {{.Abbrev}}</label>{{end}}<span>sort:</span><select name="sort"><option value="order">attention</option><option value="date">newest</option><option value="author">author</option><option value="reviewed">most reviewed</option></select></form>
<table class="triage">
<thead><tr><th>id</th><th>state</th>{{range .Checks}}<th title="{{.ID}}">{{.Abbrev}}</th>{{end}}<th title="Acked-by / Reviewed-by / Tested-by">A/R/T</th><th>patches</th><th>version</th><th>date</th><th>author</th><th>title</th></tr></thead>
<tbody>
{{range .Rows}}<tr class="series {{.State}}" id="row-{{.Anchor}}" data-state="{{.State}}" data-checks="{{.CheckIDs}}" data-order="{{.Order}}" data-date="{{.Date}}" data-author="{{.Author}}" data-reviewed="{{.Reviewed}}"><td class="nowrap"><code>{{.ShortID}}</code></td><td class="state">{{.State}}</td>{{range .Counts}}<td class="num">{{if .}}{{.}}{{else}}-{{end}}</td>{{end}}<td class="num tags">{{.Tags}}</td><td class="nowrap">{{.Completeness}}</td><td>v{{.Version}}{{if .Newer}} (newer: <a href="{{.NewerURL}}">{{.Newer}}</a>){{end}}</td><td class="nowrap">{{.Date}}</td><td>{{.Author}}</td><td>{{if .Findings}}<a href="#{{.Anchor}}">{{.Title}}</a>{{else}}<a href="{{.URL}}">{{.Title}}</a>{{end}}<br><code class="b4">{{.B4Am}}</code></td></tr>
{{end}}</tbody>
</table>
<p class="meta">{{range $i, $c := .Checks}}{{if $i}}, {{end}}{{$c.Abbrev}} = {{$c.ID}}{{end}}</p>
{{range .Rows}}{{if .Findings}}
<section class="series" id="{{.Anchor}}">
<h2>{{.Anchor}}. <a href="{{.URL}}">{{.Title}}</a> (v{{.Version}}, {{.Author}})</h2>
<p class="meta">{{.Completeness}} — {{range $i, $p := .Patches}}{{if $i}} · {{end}}<a href="{{$p.URL}}">{{$p.Text}}</a>{{end}}</p>
{{range .Findings}}<div class="finding"><span class="sev-{{.Severity}}">{{.Severity}}</span> <code>{{.Location}}</code>: {{.Message}} [<code>{{.Check}}</code>]{{if .MessageID}} — <a href="{{.URL}}">mail</a>{{end}}
{{if .Quote}}<pre class="quote">{{.Quote}}</pre>{{end}}{{if .Explanation}}<p>{{.Explanation}}</p>{{end}}{{if .Suggestion}}<p>Suggested fix: <code>{{.Suggestion}}</code></p>{{end}}</div>
{{end}}</section>
{{end}}{{end}}
<footer>Generated by patchbot {{.Version}} on {{.Generated}}.</footer>
<script>
// Filter and sort the rows in the page itself (no external assets). The
// choice lives in the URL fragment, e.g. #hide=clean,superseded&check=karg-type&sort=date,
// so that a link shows the same view.
(function () {
  var form = document.getElementById("filter"), body = document.querySelector("table.triage tbody");
  var rows = Array.prototype.slice.call(body.querySelectorAll("tr.series"));
  function params() {
    var p = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("="); if (i > 0) p[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
    });
    return p;
  }
  function list(s) { return s ? s.split(",").filter(Boolean) : []; }
  function apply() {
    var p = params(), hide = list(p.hide), checks = list(p.check), sort = p.sort || "order";
    Array.prototype.forEach.call(form.elements.state, function (b) { b.checked = hide.indexOf(b.value) < 0; });
    Array.prototype.forEach.call(form.elements.check || [], function (b) { b.checked = checks.indexOf(b.value) >= 0; });
    form.elements.sort.value = sort;
    rows.forEach(function (r) {
      var has = list(r.dataset.checks.replace(/ /g, ","));
      var show = hide.indexOf(r.dataset.state) < 0 && checks.every(function (c) { return has.indexOf(c) >= 0; });
      if (show) r.removeAttribute("hidden"); else r.setAttribute("hidden", "");
    });
    var key = {
      order: function (r) { return +r.dataset.order; },
      date: function (r) { return r.dataset.date; },
      author: function (r) { return r.dataset.author.toLowerCase(); },
      reviewed: function (r) { return -(+r.dataset.reviewed); }
    }[sort] || function (r) { return +r.dataset.order; };
    var desc = sort === "date";
    rows.slice().sort(function (a, b) {
      var x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : +a.dataset.order - +b.dataset.order) * (desc && x !== y ? -1 : 1);
    }).forEach(function (r) { body.appendChild(r); });
  }
  form.addEventListener("change", function () {
    var hide = [], checks = [];
    Array.prototype.forEach.call(form.elements.state, function (b) { if (!b.checked) hide.push(b.value); });
    Array.prototype.forEach.call(form.elements.check || [], function (b) { if (b.checked) checks.push(b.value); });
    location.hash = "hide=" + hide.join(",") + "&check=" + checks.join(",") + "&sort=" + form.elements.sort.value;
  });
  window.addEventListener("hashchange", apply);
  apply();
})();
</script>
</body>
</html>
`

// HTMLOptions tune the triage page.
type HTMLOptions struct {
	// Title heads the page ("patchbot triage" when empty).
	Title string
	// Generated is the time printed in the footer (now when zero).
	Generated time.Time
	// Source names what was triaged (a path or "imap://host/mailbox").
	Source string
	// Version names the build in the footer (the running one when empty).
	Version string
}

// htmlPage is what the template sees.
type htmlPage struct {
	Title     string
	Source    string
	Generated string
	Version   string
	Checks    []htmlCheck
	States    []string
	Rows      []htmlRow
	Summary   string
}

type htmlCheck struct{ ID, Abbrev string }

type htmlRow struct {
	Anchor       string
	ShortID      string
	B4Am         string
	Tags         string
	Reviewed     int
	Order        int
	CheckIDs     string
	State        string
	Title        string
	Author       string
	Version      int
	Date         string
	Completeness string
	Counts       []int
	Newer        string
	NewerURL     string
	URL          string
	Patches      []htmlLink
	Findings     []htmlFinding
}

type htmlLink struct{ Text, URL string }

type htmlFinding struct {
	Severity    string
	Check       string
	Location    string
	Message     string
	Quote       string
	Explanation string
	Suggestion  string
	URL         string
	MessageID   string
}

// WriteHTML writes the triage as one self-contained HTML page: inline CSS
// and an inline script (filter by state and check, sort; the view is kept
// in the URL fragment), no external assets, so it can be mailed or opened
// offline; without scripts every row shows.
// It holds the series table (one row per series, in triage order) and,
// for each series with findings, every finding with its quoted lines and
// links to the mails on lore.kernel.org.
func WriteHTML(w io.Writer, t *review.Triage, opt HTMLOptions) error {
	tmpl, err := template.New("triage").Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("parse the HTML template: %w", err)
	}
	page := htmlPage{Title: opt.Title, Source: opt.Source, Summary: stateCounts(t)}
	if page.Title == "" {
		page.Title = "patchbot triage"
	}
	gen := opt.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	page.Generated = gen.UTC().Format("2006-01-02 15:04 UTC")
	page.Version = opt.Version
	if page.Version == "" {
		page.Version = version.Read().Short()
	}
	for _, c := range t.Checks {
		page.Checks = append(page.Checks, htmlCheck{ID: c, Abbrev: CheckAbbrev(c)})
	}
	page.States = []string{review.TriageErrors, review.TriageWarnings, review.TriageIncomplete, review.TriageClean,
		review.TriageSuperseded, review.TriageStable}
	for i, it := range t.Items {
		page.Rows = append(page.Rows, buildHTMLRow(i, it, t.Checks))
	}
	if err := tmpl.Execute(w, page); err != nil {
		return fmt.Errorf("render the HTML page: %w", err)
	}
	return nil
}

func buildHTMLRow(i int, it review.TriageItem, ids []string) htmlRow {
	s := it.Result.Series
	row := htmlRow{
		Anchor:       fmt.Sprintf("s%d", i+1),
		ShortID:      ShortID(s.ID),
		B4Am:         B4Am(s.ID),
		Tags:         it.Tags.String(),
		Reviewed:     it.Tags.Reviewed,
		Order:        i + 1,
		State:        it.State,
		Title:        s.Title,
		Author:       s.Author.String(),
		Version:      s.Version,
		Date:         dateString(s.Date),
		Completeness: ShortCompleteness(s),
		URL:          LoreURL(s.ID),
	}
	var with []string
	for _, c := range ids {
		row.Counts = append(row.Counts, it.PerCheck[c])
		if it.PerCheck[c] > 0 {
			with = append(with, c)
		}
	}
	row.CheckIDs = strings.Join(with, " ")
	if it.Newer != nil {
		row.Newer = fmt.Sprintf("v%d", it.Newer.Version)
		row.NewerURL = LoreURL(it.Newer.ID)
	}
	if s.Cover != nil {
		row.Patches = append(row.Patches, htmlLink{Text: fmt.Sprintf("0/%d", s.Total), URL: LoreURL(s.Cover.MessageID)})
	}
	for _, p := range s.Patches {
		if p.Msg != nil {
			row.Patches = append(row.Patches, htmlLink{Text: fmt.Sprintf("%d/%d", p.Index, p.Total), URL: LoreURL(p.Msg.MessageID)})
		}
	}
	for _, f := range it.Result.Findings {
		row.Findings = append(row.Findings, buildHTMLFinding(f))
	}
	return row
}

func buildHTMLFinding(f checks.Finding) htmlFinding {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	sev := string(f.Severity)
	if sev == "" {
		sev = string(checks.SeverityWarning)
	}
	return htmlFinding{
		Severity:    sev,
		Check:       f.Check,
		Location:    loc,
		Message:     f.Message,
		Quote:       strings.Join(f.Quote, "\n"),
		Explanation: f.Explanation,
		Suggestion:  f.Suggestion,
		URL:         LoreURL(f.MessageID),
		MessageID:   f.MessageID,
	}
}
