// Package config loads patchbot's one TOML configuration file into typed
// structs, fills in defaults, rejects unknown keys and validates every
// value with an error that names the key and says how to fix it. Secrets
// never live in the file: they come from the environment or a file.
package config

import (
	"os"
	"path/filepath"
	"time"
)

// TLS modes for [imap] tls and [smtp] tls.
const (
	// TLSImplicit connects with TLS from the first byte (IMAPS 993,
	// submissions 465).
	TLSImplicit = "implicit"
	// TLSStartTLS connects in plain text and upgrades with STARTTLS before
	// anything else is sent (IMAP 143, submission 587).
	TLSStartTLS = "starttls"
	// TLSInsecure never encrypts. Only sensible on loopback or in tests.
	TLSInsecure = "insecure"
)

// Outbox modes for [outbox] mode.
const (
	// OutboxDryRun writes each reply as an .eml file into [outbox] dir and
	// sends nothing. It is the default.
	OutboxDryRun = "dry-run"
	// OutboxSMTP sends replies through [smtp].
	OutboxSMTP = "smtp"
	// OutboxDrafts appends replies to [outbox] drafts_mailbox on the
	// [imap] server, for a human to review and send.
	OutboxDrafts = "drafts"
)

// DryRunFrom is the From of dry-run replies when [smtp] from is unset.
const DryRunFrom = `"patchbot (dry run)" <patchbot@localhost>`

// Config is the whole patchbot configuration, one field per TOML table.
type Config struct {
	IMAP   IMAP   `toml:"imap"`
	SMTP   SMTP   `toml:"smtp"`
	Outbox Outbox `toml:"outbox"`
	Reply  Reply  `toml:"reply"`
	Checks Checks `toml:"checks"`
	State  State  `toml:"state"`
	Log    Log    `toml:"log"`

	// Path is the file the configuration was loaded from ("" for
	// Defaults()). Relative paths in the file are resolved against its
	// directory.
	Path string `toml:"-"`
}

// IMAP is the [imap] table: the mailbox the list bot watches.
type IMAP struct {
	// Addr is host:port of the IMAP server; empty means no IMAP.
	Addr string `toml:"addr"`
	// TLS is "implicit", "starttls" or "insecure".
	TLS string `toml:"tls"`
	// Insecure allows tls = "insecure" to a host that is not loopback.
	Insecure bool   `toml:"insecure"`
	Username string `toml:"username"`
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string `toml:"password_env"`
	// PasswordFile names a file holding the password (trailing newline
	// trimmed).
	PasswordFile string `toml:"password_file"`
	// Mailbox is the mailbox to watch (default INBOX).
	Mailbox string `toml:"mailbox"`
	// ReadOnly opens the mailbox with EXAMINE instead of SELECT, as for a
	// public archive such as lore's public-inbox IMAP.
	ReadOnly bool `toml:"read_only"`
	// PollInterval is how often to poll when the server has no IDLE, and
	// the longest the bot waits before checking anyway.
	PollInterval Duration `toml:"poll_interval"`
	// Since limits the first scan of a mailbox to mail on or after this
	// date (IMAP SEARCH SINCE); zero means everything.
	Since Date `toml:"since"`
}

// SMTP is the [smtp] table: the submission server replies are sent by.
type SMTP struct {
	// Addr is host:port of the submission server.
	Addr string `toml:"addr"`
	// TLS is "implicit", "starttls" or "insecure".
	TLS string `toml:"tls"`
	// Insecure allows tls = "insecure" to a host that is not loopback.
	Insecure     bool   `toml:"insecure"`
	Username     string `toml:"username"`
	PasswordEnv  string `toml:"password_env"`
	PasswordFile string `toml:"password_file"`
	// From is the bot's address, "Name <addr@example.org>".
	From string `toml:"from"`
	// BotDomain is the right-hand side of the Message-IDs the bot makes
	// (default: the domain of From).
	BotDomain string `toml:"bot_domain"`
}

// Outbox is the [outbox] table: where composed replies go.
type Outbox struct {
	// Mode is "dry-run" (default), "smtp" or "drafts".
	Mode string `toml:"mode"`
	// Dir is where dry-run replies are written as .eml files (default:
	// <state dir>/outbox).
	Dir string `toml:"dir"`
	// DraftsMailbox is the IMAP mailbox drafts mode appends to.
	DraftsMailbox string `toml:"drafts_mailbox"`
}

// Reply is the [reply] table: who a review goes to, and how often.
type Reply struct {
	// CcList copies the list and the original recipients (reply-all).
	// Off by default: the author alone hears from the bot.
	CcList bool `toml:"cc_list"`
	// Cc are extra addresses copied on every reply.
	Cc []string `toml:"cc"`
	// MaxRecipients caps the addresses (To and Cc together) of one reply:
	// a mail's headers must not make the bot an amplifier. Default 10.
	MaxRecipients int `toml:"max_recipients"`
	// HonourReplyTo sends replies to a patch's Reply-To instead of its
	// author. Off by default: Reply-To is anyone's to set, and a hostile
	// one names thousands.
	HonourReplyTo bool `toml:"honour_reply_to"`
	// ReplyClean also replies when a series has no findings.
	ReplyClean bool `toml:"reply_clean"`
	// Grace is how long to wait after the last patch of a series arrives
	// before reviewing it, so that a series is reviewed whole.
	Grace Duration `toml:"grace"`
	// RatePerAuthor caps the replies one author gets ("5/h").
	RatePerAuthor Rate `toml:"rate_per_author"`
	// RateTotal caps all replies ("60/h").
	RateTotal Rate `toml:"rate_total"`
	// SignatureCommand, when set, is run with sh -c and its output is the
	// reply's signature.
	SignatureCommand string `toml:"signature_command"`
}

// Checks is the [checks] table.
type Checks struct {
	// Tree is a kernel source tree to index (optional).
	Tree string `toml:"tree"`
	// Enable lists the check IDs to run; empty (the default) runs all.
	Enable []string `toml:"enable"`
	// WarningsFail makes warnings count as failures (exit status, reply).
	WarningsFail bool `toml:"warnings_fail"`
	// Rules are pinned callback conversion rules ([[checks.rule]]).
	Rules []Rule `toml:"rule"`
}

// Rule is one pinned conversion rule: member Member of struct Struct
// changes type from Old to New. It mirrors checks.Rule, which config may
// not import.
type Rule struct {
	Struct string `toml:"struct"`
	Member string `toml:"member"`
	Old    string `toml:"old"`
	New    string `toml:"new"`
}

// State is the [state] table: where the bot keeps what it must remember.
type State struct {
	// Dir holds the state database (default $XDG_STATE_HOME/patchbot or
	// ~/.local/state/patchbot).
	Dir string `toml:"dir"`
	// Spool holds a copy of every mail read (default <dir>/spool).
	Spool string `toml:"spool"`
}

// DBPath is the state database file inside Dir.
func (s State) DBPath() string { return filepath.Join(s.Dir, "patchbot.db") }

// Log is the [log] table.
type Log struct {
	// Format is "text" (default) or "json".
	Format string `toml:"format"`
	// Level is "debug", "info" (default), "warn" or "error".
	Level string `toml:"level"`
}

// Defaults returns the configuration used when a key is absent. The state
// directory follows the XDG base directory spec.
func Defaults() *Config {
	stateDir := defaultStateDir()
	return &Config{
		IMAP: IMAP{
			TLS:          TLSImplicit,
			Mailbox:      "INBOX",
			PollInterval: Duration(5 * time.Minute),
		},
		SMTP: SMTP{
			TLS: TLSStartTLS,
		},
		Outbox: Outbox{
			Mode:          OutboxDryRun,
			Dir:           filepath.Join(stateDir, "outbox"),
			DraftsMailbox: "Drafts",
		},
		Reply: Reply{
			MaxRecipients: 10,
			Grace:         Duration(10 * time.Minute),
			RatePerAuthor: Rate{N: 5, Per: time.Hour},
			RateTotal:     Rate{N: 60, Per: time.Hour},
		},
		State: State{
			Dir:   stateDir,
			Spool: filepath.Join(stateDir, "spool"),
		},
		Log: Log{
			Format: "text",
			Level:  "info",
		},
	}
}

// defaultStateDir is systemd's $STATE_DIRECTORY (StateDirectory=, which a
// DynamicUser=yes unit keeps across restarts), else $XDG_STATE_HOME/patchbot,
// else ~/.local/state/patchbot, else a patchbot directory under the system
// temporary directory when no home directory is known.
func defaultStateDir() string {
	if d := SystemdDirectory("STATE_DIRECTORY"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "patchbot")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".local", "state", "patchbot")
	}
	return filepath.Join(os.TempDir(), "patchbot-state")
}

// SystemdDirectory is the first absolute directory of the list systemd
// puts in variable env for StateDirectory=, LogsDirectory= and the like
// ("/var/lib/patchbot:/var/lib/other"), "" when there is none.
func SystemdDirectory(env string) string {
	for _, d := range filepath.SplitList(os.Getenv(env)) {
		if filepath.IsAbs(d) {
			return d
		}
	}
	return ""
}
