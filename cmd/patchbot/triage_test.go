package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/internal/dovecot"
	"github.com/patchbot/patchbot/internal/imaptest"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
)

// runCmd runs one command in-process and returns its exit status, stdout
// and stderr.
func runCmd(t testing.TB, fn func(context.Context, []string, stdio) int, args ...string) (int, string, string) {
	t.Helper()
	// The tree index and parse stores of a test stay out of the user's
	// cache.
	if _, ok := t.(*testing.B); !ok {
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
	}
	var out, errb bytes.Buffer
	code := fn(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

// TestTriageAgreesWithCheck triages the io_uring 2023 archive and compares
// every series' findings with what `check --format json` reports on the
// same mbox: triage reorders, it must not review differently.
func TestTriageAgreesWithCheck(t *testing.T) {
	mbox := corpus.Path(t, "iouring-2023.mbox")
	code, out, errOut := runCmd(t, runTriage, "--json", mbox)
	if code != exitClean {
		t.Fatalf("triage exit %d, stderr:\n%s", code, tail(errOut))
	}
	var tri report.JSONTriage
	if err := json.Unmarshal([]byte(out), &tri); err != nil {
		t.Fatalf("triage --json: %v", err)
	}
	_, out, errOut = runCmd(t, runCheck, "--format", "json", mbox)
	var chk report.JSONReport
	if err := json.Unmarshal([]byte(out), &chk); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, tail(errOut))
	}
	if len(tri.Series) != len(chk.Series) {
		t.Fatalf("triage lists %d series, check %d", len(tri.Series), len(chk.Series))
	}
	want := map[string]string{}
	totalCheck := 0
	for _, s := range chk.Series {
		want[fmt.Sprintf("%s v%d", s.ID, s.Version)] = findingKeys(s.Findings)
		totalCheck += len(s.Findings)
	}
	totalTriage := 0
	for _, s := range tri.Series {
		key := fmt.Sprintf("%s v%d", s.ID, s.Version)
		if got := findingKeys(s.Findings); got != want[key] {
			t.Errorf("series %s: triage findings %q, check %q", key, got, want[key])
		}
		sum := 0
		for _, n := range s.PerCheck {
			sum += n
		}
		if sum != len(s.Findings) || s.Errors+s.Warnings+s.Notes != len(s.Findings) {
			t.Errorf("series %s: per-check %v and severities %d/%d/%d do not add up to %d findings",
				key, s.PerCheck, s.Errors, s.Warnings, s.Notes, len(s.Findings))
		}
		totalTriage += len(s.Findings)
	}
	if totalTriage != totalCheck {
		t.Errorf("triage counts %d findings, check %d", totalTriage, totalCheck)
	}
	t.Logf("%d series, %d findings, %d mails (%d not patches)", len(tri.Series), totalTriage, tri.Mails, tri.Skipped)

	// The attention order: no state comes after a later one.
	rank := map[string]int{review.TriageErrors: 0, review.TriageWarnings: 1, review.TriageIncomplete: 2, review.TriageClean: 3, review.TriageSuperseded: 4, review.TriageStable: 5}
	for i := 1; i < len(tri.Series); i++ {
		if rank[tri.Series[i-1].State] > rank[tri.Series[i].State] {
			t.Fatalf("row %d (%s) comes before row %d (%s)", i, tri.Series[i-1].State, i+1, tri.Series[i].State)
		}
	}

	// The table says the same, in 100 columns.
	code, out, _ = runCmd(t, runTriage, mbox)
	if code != exitClean {
		t.Fatalf("triage (table) exit %d", code)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, l := range lines {
		if n := len([]rune(l)); n > 100 {
			t.Errorf("table line of %d columns: %q", n, l)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("%d series from", len(tri.Series))) {
		t.Errorf("table summary does not count %d series:\n%s", len(tri.Series), tail(out))
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colours written to a non-terminal")
	}
	// The stable backport floods of the year (AUTOSEL, "[PATCH 5.10
	// 51/63]") are one count line, not rows of "1/509, 508 missing".
	stable := 0
	for _, s := range tri.Series {
		if s.State == review.TriageStable {
			stable++
		}
	}
	if stable == 0 {
		t.Error("no stable backport recognised in a year of io-uring mail")
	}
	if want := fmt.Sprintf("%d stable backports not listed", stable); !strings.Contains(out, want) {
		t.Errorf("table lacks %q:\n%s", want, tail(out))
	}
	if strings.Contains(out, "508 missing") || strings.Contains(out, "AUTOSEL") {
		t.Errorf("a stable backport is a row of the table:\n%s", out)
	}
}

func findingKeys(fs []checks.Finding) string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = fmt.Sprintf("%s %s:%d %s", f.Check, f.File, f.Line, f.MessageID)
	}
	sort.Strings(keys)
	return strings.Join(keys, "; ")
}

// BenchmarkTriageIouring2023 triages the 30 MB io_uring 2023 archive
// (corpus iouring-2023.mbox) as `patchbot triage --json` does. Goal: under
// 3 s per run on the 2-core build machine.
func BenchmarkTriageIouring2023(b *testing.B) {
	mbox := corpus.Path(b, "iouring-2023.mbox")
	for b.Loop() {
		if code, _, errOut := runCmd(b, runTriage, "--json", mbox); code != exitClean {
			b.Fatalf("exit %d: %s", code, tail(errOut))
		}
	}
}

func TestTriageUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"nothing to triage", nil, "give -config FILE (its [imap] mailbox) or PATH..."},
		{"mark without IMAP", []string{"--mark", "a.mbox"}, "--mark labels mails on an IMAP server"},
		{"mark with paths besides the config's mailbox", []string{"--mark", "-config", "x.toml", "a.mbox"}, "use it with -config FILE and no PATH"},
		{"config and paths: the config is read", []string{"-config", "x.toml", "a.mbox"}, "read config: open x.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, runTriage, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, exitUsage, tt.want)
			}
		})
	}
}

// TestTriageMarkIMAP triages a mailbox holding a series with findings, a
// clean series and a reply, with --mark, and checks the keywords on the
// server: the series' mails are labelled, the reply is not, and \Seen is
// exactly as it was.
func TestTriageMarkIMAP(t *testing.T) {
	type server struct {
		addr, user, pass string
		client           *imapclient.Client
	}
	backends := []struct {
		name  string
		start func(t *testing.T) server
	}{
		{"imapmemserver", func(t *testing.T) server {
			s := imaptest.Start(t)
			return server{s.Addr, s.User, s.Password, s.Client()}
		}},
		{"dovecot", func(t *testing.T) server {
			s := dovecot.Start(t)
			return server{s.Addr, s.User, s.Password, s.Client()}
		}},
	}
	bad := readFixtureDir(t, "../../testdata/checks/cb")
	clean := readFixtureDir(t, "../../testdata/checks/good-user")
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			s := be.start(t)
			var badUIDs, cleanUIDs []uint32
			for i, raw := range bad {
				var flags []imap.Flag
				if i == 0 {
					flags = append(flags, imap.FlagSeen)
				}
				badUIDs = append(badUIDs, imaptest.Append(t, s.client, "INBOX", withMsgID(raw, fmt.Sprintf("bad-%d@patchbot.test", i), i, "bad-0@patchbot.test"), time.Time{}, flags...))
			}
			for i, raw := range clean {
				cleanUIDs = append(cleanUIDs, imaptest.Append(t, s.client, "INBOX", withMsgID(raw, fmt.Sprintf("clean-%d@patchbot.test", i), i, "clean-0@patchbot.test"), time.Time{}))
			}
			reply := imaptest.Append(t, s.client, "INBOX", []byte("From: Rev <rev@example.org>\r\nTo: list@example.org\r\nSubject: Re: [PATCH 1/2] net: add a uring_cmd callback to struct proto\r\nMessage-ID: <reply-1@patchbot.test>\r\nIn-Reply-To: <bad-0@patchbot.test>\r\nDate: Mon, 6 Nov 2026 10:00:00 +0000\r\n\r\nLooks fine.\r\n"), time.Time{}, imap.FlagSeen)

			dir := t.TempDir()
			cfgPath := filepath.Join(dir, "patchbot.toml")
			t.Setenv("PATCHBOT_TEST_IMAP_PASSWORD", s.pass)
			cfgText := fmt.Sprintf("[imap]\naddr = %q\ntls = \"insecure\"\nusername = %q\npassword_env = \"PATCHBOT_TEST_IMAP_PASSWORD\"\nmailbox = \"INBOX\"\n\n[state]\ndir = %q\n", s.addr, s.user, dir)
			if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCmd(t, runTriage, "-config", cfgPath, "--mark", "--json")
			if code != exitClean {
				t.Fatalf("triage exit %d, stderr:\n%s", code, errOut)
			}
			var tri report.JSONTriage
			if err := json.Unmarshal([]byte(out), &tri); err != nil {
				t.Fatalf("triage --json: %v", err)
			}
			if len(tri.Series) != 2 || tri.Series[0].State != review.TriageErrors || tri.Series[1].State != review.TriageClean {
				t.Fatalf("want the series with errors, then the clean one; got %+v", tri.Series)
			}
			if !strings.Contains(errOut, fmt.Sprintf("marked %d mails", len(bad))) {
				t.Errorf("stderr does not report the marks: %q", errOut)
			}
			msgs := map[uint32]imaptest.Message{}
			for _, m := range imaptest.Fetch(t, s.client, "INBOX", false) {
				msgs[m.UID] = m
			}
			for i, u := range badUIDs {
				m := msgs[u]
				if !m.HasFlag(mail.IMAPKeywordFindings) || m.HasFlag(mail.IMAPKeywordClean) {
					t.Errorf("patch UID %d of the bad series: flags %v", u, m.Flags)
				}
				if m.HasFlag(imap.FlagSeen) != (i == 0) {
					t.Errorf("patch UID %d: \\Seen changed: flags %v", u, m.Flags)
				}
			}
			for _, u := range cleanUIDs {
				m := msgs[u]
				if !m.HasFlag(mail.IMAPKeywordClean) || m.HasFlag(mail.IMAPKeywordFindings) || m.HasFlag(imap.FlagSeen) {
					t.Errorf("mail UID %d of the clean series: flags %v", u, m.Flags)
				}
			}
			if m := msgs[reply]; m.HasFlag(mail.IMAPKeywordClean) || m.HasFlag(mail.IMAPKeywordFindings) || !m.HasFlag(imap.FlagSeen) {
				t.Errorf("the reply was changed: flags %v", m.Flags)
			}
		})
	}
}

// readFixtureDir reads every file of a git format-patch directory.
func readFixtureDir(t *testing.T, dir string) [][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// withMsgID turns a git format-patch file into a mail as a list delivers
// it: no "From <sha>" line, a Message-ID, threaded to the first mail of
// the series (git send-email --thread), CRLF line ends.
func withMsgID(raw []byte, id string, i int, first string) []byte {
	s := string(raw)
	if strings.HasPrefix(s, "From ") {
		s = s[strings.IndexByte(s, '\n')+1:]
	}
	s = "Message-ID: <" + id + ">\n" + s
	if i > 0 {
		s = "In-Reply-To: <" + first + ">\nReferences: <" + first + ">\n" + s
	}
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}
