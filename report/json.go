package report

import (
	"encoding/json"
	"io"

	"github.com/patchbot/patchbot/review"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
	"github.com/patchbot/patchbot/version"
)

// JSONReport is the top-level object of `patchbot check --format json`.
// Field names are a contract read by other tools: add fields, never rename.
type JSONReport struct {
	Series []JSONSeries `json:"series"`
	// Patchbot is the build that wrote the report.
	Patchbot version.Info `json:"patchbot"`
}

// JSONSeries is one series in the JSON report.
type JSONSeries struct {
	// ID is the Message-ID the series is known by (cover or first patch).
	ID       string `json:"id"`
	Title    string `json:"title"`
	Version  int    `json:"version"`
	Author   string `json:"author"`
	Tree     string `json:"tree,omitempty"`
	RFC      bool   `json:"rfc,omitempty"`
	Resend   bool   `json:"resend,omitempty"`
	Complete bool   `json:"complete"`
	// Missing lists the 1-based patch indices that did not arrive.
	Missing []int `json:"missing"`
	// CoverMessageID is the cover letter's Message-ID, if there is one.
	CoverMessageID string           `json:"cover_message_id,omitempty"`
	Patches        []JSONPatch      `json:"patches"`
	Findings       []checks.Finding `json:"findings"`
	// OtherVersions lists the IDs and versions of the same series' other
	// postings, oldest first.
	OtherVersions []JSONVersion `json:"other_versions,omitempty"`
}

// JSONPatch is one patch mail of a series.
type JSONPatch struct {
	MessageID string `json:"message_id"`
	Subject   string `json:"subject"`
	Index     int    `json:"index"`
	Total     int    `json:"total"`
}

// JSONVersion names another version of a series.
type JSONVersion struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// BuildJSON converts results into the JSON report structure.
func BuildJSON(rs []review.Result) JSONReport {
	out := JSONReport{Series: make([]JSONSeries, 0, len(rs)), Patchbot: version.Read()}
	for _, r := range rs {
		out.Series = append(out.Series, jsonSeries(r))
	}
	return out
}

// WriteJSON writes the JSON report, indented, followed by a newline.
func WriteJSON(w io.Writer, rs []review.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(BuildJSON(rs))
}

func jsonSeries(r review.Result) JSONSeries {
	s := r.Series
	js := JSONSeries{
		ID:       s.ID,
		Title:    s.Title,
		Version:  s.Version,
		Author:   s.Author.String(),
		Tree:     s.Tree,
		RFC:      s.RFC,
		Resend:   s.Resend,
		Complete: s.Complete,
		Missing:  append([]int{}, s.Missing...),
		Patches:  make([]JSONPatch, 0, len(s.Patches)),
		Findings: append([]checks.Finding{}, r.Findings...),
	}
	if s.Cover != nil {
		js.CoverMessageID = s.Cover.MessageID
	}
	for _, p := range s.Patches {
		js.Patches = append(js.Patches, jsonPatch(p))
	}
	for _, v := range s.Versions {
		js.OtherVersions = append(js.OtherVersions, JSONVersion{ID: v.ID, Version: v.Version})
	}
	return js
}

func jsonPatch(p *series.Patch) JSONPatch {
	jp := JSONPatch{Index: p.Index, Total: p.Total}
	if p.Msg != nil {
		jp.MessageID = p.Msg.MessageID
		jp.Subject = p.Msg.Subject
	}
	return jp
}
