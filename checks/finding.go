// Package checks is the API of patchbot's review checks: the Finding a
// check yields, the Check interface a check implements against the shared
// model of a series (package checks/model), and the Registry that runs the
// checks of a run in order. The checks themselves live in their own
// packages under checks/, listed once in checks/all.
package checks

// Severity of a finding, as printed in gcc-style output.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// Finding is one thing a check reports. Its JSON form is part of the
// `patchbot check --format json` contract.
type Finding struct {
	// Check is the stable check ID ("dropped-user", "callback-signature",
	// "unconverted-implementer", "karg-type").
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// File and Line locate the finding in the post-image.
	File string `json:"file"`
	Line int    `json:"line"`
	// Symbol is the function, struct member or variable concerned.
	Symbol  string `json:"symbol"`
	Message string `json:"message"`
	// MessageID is the mail the finding is in (the patch, or the cover
	// letter for series-level findings).
	MessageID string `json:"message_id"`
	// Patch is the counter of the patch the finding is in (the k of
	// "[PATCH k/N]"), 0 for a finding about the series as a whole.
	Patch int `json:"patch,omitempty"`
	// Explanation is a paragraph on why this is wrong, Quote the offending
	// lines, Suggestion a fix where one is obvious.
	Explanation string   `json:"explanation,omitempty"`
	Quote       []string `json:"quote,omitempty"`
	Suggestion  string   `json:"suggestion,omitempty"`
}
