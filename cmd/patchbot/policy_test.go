package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
)

// The [checks] policy (enable, warnings_fail) must act the same in every
// door: check's findings and exit status, triage's rows and verdicts, and
// the bot's reply and its X-Patchbot-Verdict header. The example series
// has, with the tree, an unconverted-implementer error, a dropped-user
// warning and a callback-signature error.
func TestChecksPolicyActsTheSameInEveryDoor(t *testing.T) {
	tree, err := filepath.Abs(exampleTree)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		enable       []string
		warningsFail bool
		// want are the checks with findings, sorted; verdict the policy's.
		want    []string
		verdict string
	}{
		{"all checks by default", nil, false,
			[]string{"callback-signature", "dropped-user", "unconverted-implementer"}, review.VerdictFail},
		{"a warning alone does not fail", []string{"dropped-user"}, false,
			[]string{"dropped-user"}, review.VerdictWarn},
		{"warnings_fail makes it fail", []string{"dropped-user"}, true,
			[]string{"dropped-user"}, review.VerdictFail},
		{"errors fail whatever warnings_fail says", []string{"callback-signature", "unconverted-implementer"}, false,
			[]string{"callback-signature", "unconverted-implementer"}, review.VerdictFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgPath := writePolicyConfig(t, tree, tt.enable, tt.warningsFail)

			t.Run("check", func(t *testing.T) {
				code, out, errOut := runCLI(t, "", "check", "-config", cfgPath, "--format", "json", exampleSeries)
				wantCode := exitClean
				if tt.verdict == review.VerdictFail {
					wantCode = exitFindings
				}
				if code != wantCode {
					t.Fatalf("exit %d, want %d; stderr:\n%s", code, wantCode, errOut)
				}
				var rep report.JSONReport
				if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Series) != 1 {
					t.Fatalf("report: %v\n%s", err, out)
				}
				if got := checkIDsOf(rep.Series[0].Findings); !slices.Equal(got, tt.want) {
					t.Errorf("checks with findings %v, want %v", got, tt.want)
				}
			})

			t.Run("triage", func(t *testing.T) {
				code, out, errOut := runCLI(t, "", "triage", "-config", cfgPath, "--json", exampleSeries)
				if code != exitClean {
					t.Fatalf("exit %d; stderr:\n%s", code, errOut)
				}
				var tr report.JSONTriage
				if err := json.Unmarshal([]byte(out), &tr); err != nil || len(tr.Series) != 1 {
					t.Fatalf("triage: %v\n%s", err, out)
				}
				s := tr.Series[0]
				if got := checkIDsOf(s.Findings); !slices.Equal(got, tt.want) {
					t.Errorf("checks with findings %v, want %v", got, tt.want)
				}
				if s.Verdict != tt.verdict {
					t.Errorf("verdict %q, want %q", s.Verdict, tt.verdict)
				}
				var cols []string
				for id := range s.PerCheck {
					cols = append(cols, id)
				}
				slices.Sort(cols)
				enabled := slices.Clone(tt.enable)
				if len(enabled) == 0 {
					enabled = review.Registered()
				}
				slices.Sort(enabled)
				if !slices.Equal(cols, enabled) {
					t.Errorf("per-check columns %v, want the enabled checks %v", cols, enabled)
				}
			})

			t.Run("watch", func(t *testing.T) {
				r := botReply(t, cfgPath)
				var got []string
				for _, id := range review.Registered() {
					if strings.Contains(r.Body, "["+id+"]") {
						got = append(got, id)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, tt.want) {
					t.Errorf("checks in the reply %v, want %v:\n%s", got, tt.want, r.Body)
				}
				if r.Verdict != tt.verdict || !strings.Contains(string(r.Bytes()), "X-Patchbot-Verdict: "+tt.verdict+"\r\n") {
					t.Errorf("verdict %q, want %q in the header", r.Verdict, tt.verdict)
				}
			})
		})
	}
}

// writePolicyConfig writes a config whose [checks] has the tree, enable
// and warnings_fail, and a state directory of the test's own.
func writePolicyConfig(t *testing.T, tree string, enable []string, warningsFail bool) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("[smtp]\nfrom = \"patchbot <bot@patchbot.test>\"\n[reply]\ngrace = \"0s\"\n")
	b.WriteString("[state]\ndir = \"" + filepath.Join(dir, "state") + "\"\n")
	b.WriteString("[checks]\ntree = \"" + tree + "\"\n")
	if enable != nil {
		q := make([]string, len(enable))
		for i, id := range enable {
			q[i] = `"` + id + `"`
		}
		b.WriteString("enable = [" + strings.Join(q, ", ") + "]\n")
	}
	if warningsFail {
		b.WriteString("warnings_fail = true\n")
	}
	p := filepath.Join(dir, "patchbot.toml")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// botReply runs the example series through the list bot's pipeline as
// watch wires it from the config, and returns the one reply.
func botReply(t *testing.T, cfgPath string) *mail.Reply {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	ctx := context.Background()
	cfg, err := config.Load(cfgPath, review.Registered())
	if err != nil {
		t.Fatal(err)
	}
	popts, err := bot.NewPipelineOptions(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := bot.Open(cfg.State.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	out := &memOutbox{}
	p, err := bot.NewPipeline(store, &bot.Spool{Dir: cfg.State.Spool}, out, popts)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(exampleSeries, "*.patch"))
	if err != nil || len(files) == 0 {
		t.Fatalf("example series: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// A format-patch file starts with an mbox From_ line, which an
		// IMAP server never hands over.
		if strings.HasPrefix(string(raw), "From ") {
			_, raw, _ = bytes.Cut(raw, []byte("\n"))
		}
		if err := p.Add(ctx, raw, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Process(ctx); err != nil {
		t.Fatal(err)
	}
	if len(out.got) != 1 {
		t.Fatalf("%d replies, want 1 (stats %+v)", len(out.got), p.Stats())
	}
	return out.got[0]
}

// memOutbox keeps the replies the pipeline sends.
type memOutbox struct{ got []*mail.Reply }

func (o *memOutbox) Send(_ context.Context, r *mail.Reply) error {
	o.got = append(o.got, r)
	return nil
}

// checkIDsOf returns the distinct check IDs of findings, sorted.
func checkIDsOf(fs []checks.Finding) []string {
	var ids []string
	for _, f := range fs {
		if !slices.Contains(ids, f.Check) {
			ids = append(ids, f.Check)
		}
	}
	slices.Sort(ids)
	return ids
}
