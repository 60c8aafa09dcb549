package checktest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks"
)

// Want is one finding a test expects: check, place, symbol and a piece of
// the message.
type Want struct {
	Check, File string
	Line        int
	Symbol, Msg string
}

// MatchFindings checks that fs holds exactly the wanted findings (and
// that every finding carries the fields a reader needs).
func MatchFindings(t *testing.T, fs []checks.Finding, wants []Want) {
	t.Helper()
	used := make([]bool, len(fs))
	for _, w := range wants {
		found := false
		for i, f := range fs {
			if used[i] || f.Check != w.Check || f.File != w.File || f.Line != w.Line || f.Symbol != w.Symbol || !strings.Contains(f.Message, w.Msg) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("missing %s %s:%d %s %q; got:\n%s", w.Check, w.File, w.Line, w.Symbol, w.Msg, Brief(fs))
		}
	}
	for i, f := range fs {
		if !used[i] {
			t.Errorf("unexpected finding: %s %s:%d %s: %s", f.Check, f.File, f.Line, f.Symbol, f.Message)
		}
		if f.Severity == "" || f.Explanation == "" || len(f.Quote) == 0 || f.Suggestion == "" || f.MessageID == "" {
			t.Errorf("finding %s %s:%d lacks severity, explanation, quote, suggestion or Message-ID: %+v", f.Check, f.File, f.Line, f)
		}
	}
}

// Brief renders findings one a line for failure messages.
func Brief(fs []checks.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Check + " " + f.File + ":" + strconv.Itoa(f.Line) + " " + f.Symbol + ": " + f.Message + "\n")
	}
	return b.String()
}
