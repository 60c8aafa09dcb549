package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/review"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/series"
)

func TestB4Status(t *testing.T) {
	errF := checks.Finding{Severity: checks.SeverityError}
	warnF := checks.Finding{Severity: checks.SeverityWarning}
	noteF := checks.Finding{Severity: checks.SeverityNote}
	tests := []struct {
		name         string
		fs           []checks.Finding
		warningsFail bool
		want         string
	}{
		{"no findings pass", nil, false, B4Pass},
		{"a note passes", []checks.Finding{noteF}, true, B4Pass},
		{"a warning warns", []checks.Finding{noteF, warnF}, false, B4Warn},
		{"a warning fails when warnings fail", []checks.Finding{warnF}, true, B4Fail},
		{"an error fails", []checks.Finding{warnF, errF}, false, B4Fail},
		{"no severity counts as a warning", []checks.Finding{{}}, false, B4Warn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := B4Status(tt.fs, tt.warningsFail); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteB4(t *testing.T) {
	tr := testTriage()
	withPatch := tr.Items[0].Result
	noPatch := review.Result{Series: &series.Series{Title: "cover only"}}
	tests := []struct {
		name string
		rs   []review.Result
		want string
	}{
		{"nothing to report is the empty array", nil, "[]\n"},
		{"a mail without a patch gives no result", []review.Result{noPatch}, "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteB4(&b, tt.rs, B4Options{}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
	t.Run("findings: every field a string", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteB4(&b, []review.Result{withPatch}, B4Options{URL: "https://example.org/x"}); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(b.Bytes(), &got); err != nil || len(got) != 1 {
			t.Fatalf("output %q: %v", b.String(), err)
		}
		for _, k := range []string{"tool", "status", "summary", "url", "details"} {
			if _, ok := got[0][k].(string); !ok {
				t.Errorf("%s is %T, want a string", k, got[0][k])
			}
		}
		if got[0]["status"] != "fail" || got[0]["tool"] != "patchbot" || got[0]["url"] != "https://example.org/x" {
			t.Errorf("result %v", got[0])
		}
		if s := got[0]["summary"].(string); !strings.HasPrefix(s, "1 error, 1 warning: net/foo/af_foo.c:84: error:") || strings.Contains(s, "\n") {
			t.Errorf("summary %q", s)
		}
		d := got[0]["details"].(string)
		for _, w := range []string{"[callback-signature]", "[dropped-user]", "    | net/foo/af_foo.c:84: static int foo_ioctl", "suggested fix: use int *karg",
			"in 1/2 \"x\" <bad-2@example.org>", "in 2/2 \"x\" <bad-3@example.org>"} {
			if !strings.Contains(d, w) {
				t.Errorf("details lack %q:\n%s", w, d)
			}
		}
	})
}

func TestWriteCheckpatch(t *testing.T) {
	rs := []review.Result{testTriage().Items[0].Result}
	tests := []struct {
		name         string
		warningsFail bool
		want         string
	}{
		{"errors and warnings", false, "net/foo/af_foo.c:84: ERROR: initialization of struct proto.ioctl from incompatible pointer type [callback-signature] (in 1/2 \"x\")\nnet/foo/af_foo.c:11: WARNING: 'argp' lost '__user' [dropped-user] (in 2/2 \"x\")\n"},
		{"warnings as errors", true, "net/foo/af_foo.c:84: ERROR: initialization of struct proto.ioctl from incompatible pointer type [callback-signature] (in 1/2 \"x\")\nnet/foo/af_foo.c:11: ERROR: 'argp' lost '__user' [dropped-user] (in 2/2 \"x\")\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCheckpatch(&b, rs, tt.warningsFail); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
	t.Run("clean writes nothing", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteCheckpatch(&b, []review.Result{testTriage().Items[2].Result}, false); err != nil || b.Len() != 0 {
			t.Errorf("wrote %q (err %v)", b.String(), err)
		}
	})
}
