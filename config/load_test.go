package config

import (
	"errors"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/var/xdg")
	d := Defaults()
	tests := []struct {
		name      string
		got, want any
	}{
		{"imap tls is implicit", d.IMAP.TLS, TLSImplicit},
		{"imap mailbox is INBOX", d.IMAP.Mailbox, "INBOX"},
		{"imap poll interval is 5m", d.IMAP.PollInterval.D(), 5 * time.Minute},
		{"smtp tls is starttls", d.SMTP.TLS, TLSStartTLS},
		{"outbox mode is dry-run", d.Outbox.Mode, OutboxDryRun},
		{"outbox dir is under state", d.Outbox.Dir, "/var/xdg/patchbot/outbox"},
		{"drafts mailbox", d.Outbox.DraftsMailbox, "Drafts"},
		{"reply cc_list off", d.Reply.CcList, false},
		{"reply_clean off", d.Reply.ReplyClean, false},
		{"at most 10 recipients", d.Reply.MaxRecipients, 10},
		{"Reply-To not followed", d.Reply.HonourReplyTo, false},
		{"grace is 10m", d.Reply.Grace.D(), 10 * time.Minute},
		{"rate per author 5/h", d.Reply.RatePerAuthor, Rate{N: 5, Per: time.Hour}},
		{"rate total 60/h", d.Reply.RateTotal, Rate{N: 60, Per: time.Hour}},
		{"all checks enabled (none named)", strings.Join(d.Checks.Enable, ","), ""},
		{"state dir from XDG_STATE_HOME", d.State.Dir, "/var/xdg/patchbot"},
		{"spool under state", d.State.Spool, "/var/xdg/patchbot/spool"},
		{"db path", d.State.DBPath(), "/var/xdg/patchbot/patchbot.db"},
		{"log text", d.Log.Format, "text"},
		{"log info", d.Log.Level, "info"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestDefaultStateDirWithoutXDG(t *testing.T) {
	tests := []struct {
		name, xdg, home, want string
	}{
		{"unset XDG uses ~/.local/state", "", "/home/u", "/home/u/.local/state/patchbot"},
		{"relative XDG is ignored as the spec says", "rel/dir", "/home/u", "/home/u/.local/state/patchbot"},
		{"absolute XDG wins", "/x", "/home/u", "/x/patchbot"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", tc.xdg)
			t.Setenv("HOME", tc.home)
			if got := Defaults().State.Dir; got != tc.want {
				t.Errorf("state dir = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/var/xdg")
	t.Setenv("HOME", "/home/u")
	tests := []struct {
		name  string
		toml  string
		check func(t *testing.T, c *Config)
	}{
		{"empty file gives defaults", "", func(t *testing.T, c *Config) {
			from, dom, err := c.ReplyFrom()
			if c.Outbox.Mode != OutboxDryRun || err != nil || from.String() != `"patchbot (dry run)" <patchbot@localhost>` || dom != "localhost" {
				t.Errorf("outbox %q from %v domain %q err %v", c.Outbox.Mode, from, dom, err)
			}
			if c.SMTP.From != "" || c.SMTP.BotDomain != "" {
				t.Errorf("validation changed the config: from %q domain %q", c.SMTP.From, c.SMTP.BotDomain)
			}
		}},
		{"durations are strings", "[reply]\ngrace = \"90s\"\n[imap]\npoll_interval = \"1h\"", func(t *testing.T, c *Config) {
			if c.Reply.Grace.D() != 90*time.Second || c.IMAP.PollInterval.D() != time.Hour {
				t.Errorf("grace %v poll %v", c.Reply.Grace, c.IMAP.PollInterval)
			}
		}},
		{"zero grace is allowed", "[reply]\ngrace = \"0s\"", func(t *testing.T, c *Config) {
			if c.Reply.Grace != 0 {
				t.Errorf("grace %v", c.Reply.Grace)
			}
		}},
		{"rates with units and durations", "[reply]\nrate_per_author = \"3/d\"\nrate_total = \"10/30m\"", func(t *testing.T, c *Config) {
			if c.Reply.RatePerAuthor != (Rate{3, 24 * time.Hour}) || c.Reply.RateTotal != (Rate{10, 30 * time.Minute}) {
				t.Errorf("rates %v %v", c.Reply.RatePerAuthor, c.Reply.RateTotal)
			}
			if got := c.Reply.RateTotal.Interval(); got != 3*time.Minute {
				t.Errorf("interval %v", got)
			}
		}},
		{"unlimited rate", "[reply]\nrate_total = \"unlimited\"", func(t *testing.T, c *Config) {
			if !c.Reply.RateTotal.IsZero() || c.Reply.RateTotal.String() != "unlimited" {
				t.Errorf("rate %v", c.Reply.RateTotal)
			}
		}},
		{"since as TOML date", "[imap]\nsince = 2023-05-01", func(t *testing.T, c *Config) {
			if c.IMAP.Since.String() != "2023-05-01" {
				t.Errorf("since %v", c.IMAP.Since)
			}
		}},
		{"since as string", "[imap]\nsince = \"2023-05-01\"", func(t *testing.T, c *Config) {
			if c.IMAP.Since.String() != "2023-05-01" {
				t.Errorf("since %v", c.IMAP.Since)
			}
		}},
		{"bot domain from from", "[smtp]\nfrom = \"Bot <bot@bots.example.org>\"", func(t *testing.T, c *Config) {
			if _, dom, err := c.ReplyFrom(); err != nil || dom != "bots.example.org" {
				t.Errorf("bot domain %q, %v", dom, err)
			}
		}},
		{"state dir moves outbox and spool", "[state]\ndir = \"st\"", func(t *testing.T, c *Config) {
			if c.State.Dir != "/etc/pb/st" || c.State.Spool != "/etc/pb/st/spool" || c.Outbox.Dir != "/etc/pb/st/outbox" {
				t.Errorf("state %q spool %q outbox %q", c.State.Dir, c.State.Spool, c.Outbox.Dir)
			}
		}},
		{"tilde expands to home", "[outbox]\ndir = \"~/out\"", func(t *testing.T, c *Config) {
			if c.Outbox.Dir != "/home/u/out" {
				t.Errorf("outbox dir %q", c.Outbox.Dir)
			}
		}},
		{"pinned rules", "[[checks.rule]]\nstruct = \"proto\"\nmember = \"ioctl\"\nold = \"int (*)(struct sock *, int, unsigned long)\"\nnew = \"int (*)(struct sock *, int, int *)\"\n", func(t *testing.T, c *Config) {
			if len(c.Checks.Rules) != 1 || c.Checks.Rules[0].Member != "ioctl" || c.Checks.Rules[0].New != "int (*)(struct sock *, int, int *)" {
				t.Errorf("rules %+v", c.Checks.Rules)
			}
		}},
		{"plain text to loopback needs no opt-in", "[imap]\naddr = \"127.0.0.1:143\"\ntls = \"insecure\"\nusername = \"u\"\n[smtp]\naddr = \"localhost:25\"\ntls = \"insecure\"", func(t *testing.T, c *Config) {
			if c.IMAP.Insecure || c.SMTP.Insecure {
				t.Errorf("insecure set: %v %v", c.IMAP.Insecure, c.SMTP.Insecure)
			}
		}},
		{"plain text to a remote host when insecure = true", "[imap]\naddr = \"imap.example.org:143\"\ntls = \"insecure\"\ninsecure = true\nusername = \"u\"", func(t *testing.T, c *Config) {
			if !c.IMAP.Insecure {
				t.Error("insecure not set")
			}
		}},
		{"smtp mode with addr and from", "[outbox]\nmode = \"smtp\"\n[smtp]\naddr = \"mail.example.org:587\"\nfrom = \"bot@example.org\"", func(t *testing.T, c *Config) {
			if c.Outbox.Mode != OutboxSMTP {
				t.Errorf("mode %q", c.Outbox.Mode)
			}
		}},
		{"log level is case-insensitive", "[log]\nlevel = \"DEBUG\"\nformat = \"json\"", func(t *testing.T, c *Config) {
			if c.Log.SlogLevel().String() != "DEBUG" {
				t.Errorf("level %v", c.Log.SlogLevel())
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(tc.toml, "/etc/pb", testChecks)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			tc.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tree := t.TempDir()
	file := filepath.Join(tree, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		toml string
		// want lists substrings the error must contain: the key and the fix.
		want []string
	}{
		{"misspelt key suggests the right one", "[imap]\npasword = \"x\"", []string{"imap.pasword", "unknown key", "did you mean password_env?"}},
		{"literal password is refused", "[imap]\npassword = \"hunter2\"", []string{"imap.password", "not read from the config file", "imap.password_env", "imap.password_file"}},
		{"literal smtp password is refused", "[smtp]\npassword = \"hunter2\"", []string{"smtp.password", "smtp.password_env"}},
		{"unknown key with no near match lists the table", "[reply]\nfrobnicate = true", []string{"reply.frobnicate", "[reply] accepts", "cc_list"}},
		{"unknown table", "[imapp]\naddr = \"x:1\"", []string{"imapp", "did you mean imap?"}},
		{"no recipients at all", "[reply]\nmax_recipients = 0", []string{"reply.max_recipients", "at least 1"}},
		{"a cap the configured Cc fills", "[reply]\nmax_recipients = 2\ncc = [\"a@example.org\", \"b@example.org\"]", []string{"reply.max_recipients", "no room for the author"}},
		{"unknown table reported once", "[imapp]\naddr = \"x:1\"\nmailbox = \"y\"", []string{"imapp: unknown key"}},
		{"misspelt rule key", "[[checks.rule]]\nstrct = \"proto\"", []string{"checks.rule.strct", "did you mean struct?"}},
		{"bad imap tls", "[imap]\ntls = \"ssl\"", []string{"imap.tls", "\"ssl\" is not a TLS mode", "use \"implicit\", \"starttls\" or \"insecure\""}},
		{"bad smtp tls", "[smtp]\ntls = \"yes\"", []string{"smtp.tls", "use \"implicit\""}},
		{"addr without port", "[imap]\naddr = \"imap.example.org\"\nusername = \"u\"", []string{"imap.addr", "host:port", "993"}},
		{"plain text to a remote IMAP host", "[imap]\naddr = \"imap.example.org:143\"\ntls = \"insecure\"\nusername = \"u\"", []string{"imap.tls", "clear text", "imap.insecure = true"}},
		{"plain text to a remote SMTP host", "[smtp]\naddr = \"mail.example.org:25\"\ntls = \"insecure\"", []string{"smtp.tls", "smtp.insecure = true"}},
		{"imap without username", "[imap]\naddr = \"imap.example.org:993\"", []string{"imap.username", "anonymous"}},
		{"both secrets", "[imap]\npassword_env = \"A\"\npassword_file = \"/x\"", []string{"imap.password_file", "keep only one"}},
		{"poll interval too short", "[imap]\npoll_interval = \"1s\"", []string{"imap.poll_interval", "10s"}},
		{"duration without unit", "[reply]\ngrace = 600", []string{"grace", "no unit", "600m"}},
		{"duration not a duration", "[reply]\ngrace = \"soon\"", []string{"grace", "\"10m\""}},
		{"negative duration", "[reply]\ngrace = \"-1m\"", []string{"grace", "negative"}},
		{"bad rate", "[reply]\nrate_total = \"lots\"", []string{"rate_total", "count/period"}},
		{"zero rate count", "[reply]\nrate_total = \"0/h\"", []string{"rate_total", "at least 1", "unlimited"}},
		{"bad rate unit", "[reply]\nrate_per_author = \"5/fortnight\"", []string{"rate_per_author", "s, m, h, d"}},
		{"bad since", "[imap]\nsince = \"May 1st\"", []string{"since", "YYYY-MM-DD"}},
		{"bad outbox mode", "[outbox]\nmode = \"send\"", []string{"outbox.mode", "\"dry-run\", \"smtp\" or \"drafts\""}},
		{"smtp mode needs addr and from", "[outbox]\nmode = \"smtp\"", []string{"smtp.addr", "smtp.from", "required when outbox.mode is \"smtp\""}},
		{"drafts mode needs imap", "[outbox]\nmode = \"drafts\"\n[smtp]\nfrom = \"b@example.org\"", []string{"imap.addr", "accepts APPEND"}},
		{"bad from", "[smtp]\nfrom = \"not an address\"", []string{"smtp.from", "Patchbot <patchbot@example.org>"}},
		{"bad bot domain", "[smtp]\nbot_domain = \"a b\"", []string{"smtp.bot_domain", "not a domain"}},
		{"bad cc", "[reply]\ncc = [\"ok@example.org\", \"nope\"]", []string{"reply.cc[1]", "\"nope\""}},
		{"unknown check suggests", "[checks]\nenable = [\"dropped-usr\"]", []string{"checks.enable[0]", "did you mean dropped-user?"}},
		{"unknown check lists all", "[checks]\nenable = [\"spelling\"]", []string{"checks.enable[0]", "known checks: dropped-user"}},
		{"missing tree", "[checks]\ntree = \"" + filepath.Join(tree, "nope") + "\"", []string{"checks.tree", "cannot be read", "remove it to check diffs alone"}},
		{"tree is a file", "[checks]\ntree = \"" + file + "\"", []string{"checks.tree", "not a directory"}},
		{"incomplete rule", "[[checks.rule]]\nstruct = \"proto\"\nmember = \"ioctl\"", []string{"checks.rule[0].old", "checks.rule[0].new", "is missing"}},
		{"bad log format", "[log]\nformat = \"xml\"", []string{"log.format", "\"text\" or \"json\""}},
		{"bad log level", "[log]\nlevel = \"loud\"", []string{"log.level", "\"debug\""}},
		{"toml syntax error names the line", "[imap\naddr = 1", []string{"At line 2", "end table name"}},
		{"string for a bool", "[reply]\ncc_list = \"yes\"", []string{"reply.cc_list", "line 2", "write true or false, without quotes"}},
		{"string for a list", "[reply]\ncc = \"a@example.org\"", []string{"reply.cc", "write a list"}},
		{"bool for a string", "[imap]\naddr = true", []string{"imap.addr", "write it in double quotes"}},
		{"value for a table", "imap = 3", []string{"imap", "write it as a table"}},
		{"number for a date", "[imap]\nsince = 5", []string{"imap.since", "YYYY-MM-DD"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(tc.toml, "/etc/pb", testChecks)
			if err == nil {
				t.Fatal("parse succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := parse("[imap]\ntls = \"ssl\"\n[log]\nformat = \"xml\"\nlevel = \"loud\"", "", testChecks)
	if err == nil {
		t.Fatal("want errors")
	}
	var n int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Errorf("%v is not a *config.Error", e)
			continue
		}
		if ce.Key == "" || ce.Fix == "" {
			t.Errorf("%#v lacks a key or a fix", ce)
		}
		n++
	}
	if n != 3 {
		t.Errorf("got %d errors, want 3: %v", n, err)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "patchbot.toml")
	if err := os.WriteFile(p, []byte("[imap]\npasword = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p, testChecks)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("error %v does not name %s", err, p)
	}
	if _, err := Load(filepath.Join(dir, "missing.toml"), testChecks); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestLoadRelativePathsFollowTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "patchbot.toml")
	if err := os.WriteFile(p, []byte("[imap]\npassword_file = \"imap.pass\"\n[outbox]\ndir = \"out\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p, testChecks)
	if err != nil {
		t.Fatal(err)
	}
	if c.IMAP.PasswordFile != filepath.Join(dir, "imap.pass") || c.Outbox.Dir != filepath.Join(dir, "out") || c.Path != p {
		t.Errorf("password_file %q outbox %q path %q", c.IMAP.PasswordFile, c.Outbox.Dir, c.Path)
	}
}

func TestExampleFilesLoad(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	tests := []struct {
		name, file string
		check      func(t *testing.T, c *Config)
	}{
		{"local dovecot", "patchbot.example.toml", func(t *testing.T, c *Config) {
			if c.IMAP.Addr != "127.0.0.1:143" || c.IMAP.ReadOnly || c.Outbox.Mode != OutboxDryRun {
				t.Errorf("imap %+v outbox %+v", c.IMAP, c.Outbox)
			}
			if _, dom, err := c.ReplyFrom(); err != nil || dom != "patchbot.example.org" {
				t.Errorf("bot domain %q, %v", dom, err)
			}
		}},
		{"lore public-inbox", "patchbot.lore.example.toml", func(t *testing.T, c *Config) {
			if !c.IMAP.ReadOnly || c.IMAP.TLS != TLSImplicit || c.Outbox.Mode != OutboxDryRun {
				t.Errorf("imap %+v outbox %+v", c.IMAP, c.Outbox)
			}
			if c.IMAP.PasswordEnv != "" || c.IMAP.PasswordFile != "" {
				t.Errorf("lore needs no password, got %+v", c.IMAP)
			}
			if c.IMAP.Since.IsZero() {
				t.Error("lore example should bound the first scan with since")
			}
			if !strings.HasSuffix(c.State.Spool, filepath.Join("lore", "spool")) {
				t.Errorf("spool %q not under the lore state dir", c.State.Spool)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(filepath.Join("..", tc.file), testChecks)
			if err != nil {
				t.Fatalf("example does not load: %v", err)
			}
			tc.check(t, c)
		})
	}
}

func TestDryRunFromParses(t *testing.T) {
	a, err := netmail.ParseAddress(DryRunFrom)
	if err != nil || a.Name != "patchbot (dry run)" || a.Address != "patchbot@localhost" {
		t.Errorf("DryRunFrom parses as %+v, %v", a, err)
	}
}

// testChecks stand for the checks' registry, which owns the IDs.
var testChecks = []string{"dropped-user", "callback-signature", "unconverted-implementer", "karg-type"}

// Under systemd (StateDirectory=) the state lives in $STATE_DIRECTORY,
// the unit's own directory, whatever XDG_STATE_HOME says.
func TestStateDirectoryFromSystemd(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "/var/lib/patchbot:/var/lib/other")
	t.Setenv("XDG_STATE_HOME", "/home/u/.state")
	if d := Defaults().State.Dir; d != "/var/lib/patchbot" {
		t.Errorf("state dir %q, want /var/lib/patchbot", d)
	}
	t.Setenv("STATE_DIRECTORY", "")
	if d := Defaults().State.Dir; d != "/home/u/.state/patchbot" {
		t.Errorf("state dir %q without systemd, want /home/u/.state/patchbot", d)
	}
}
