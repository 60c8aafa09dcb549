// Package demo runs `patchbot demo`: the real list-bot pipeline (bot.Watch)
// against an in-process IMAP server seeded with example series and an
// in-process SMTP server that catches the replies, all on loopback, with
// no configuration and no network.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/internal/imapmem"
	"github.com/patchbot/patchbot/report"
	demodata "github.com/patchbot/patchbot/testdata/demo"
)

// BotAddress is the From of the demo's replies.
const BotAddress = "patchbot demo <patchbot@demo.patchbot.invalid>"

// Options tune a demo run.
type Options struct {
	// Grace is how long the incomplete series waits (2 s when zero).
	Grace time.Duration
	// Timeout bounds the whole run (30 s when zero).
	Timeout time.Duration
	// Log receives the bot's diagnostics (discarded when nil).
	Log *slog.Logger
}

// Result is what a demo run did.
type Result struct {
	// Mails is how many mails were seeded; Series how many series.
	Mails, Series int
	// Replies are the replies as the SMTP server received them, in order.
	Replies []Received
	// Stats are the pipeline's counters at the end.
	Stats bot.PipelineStats
	// Elapsed is how long the bot ran.
	Elapsed time.Duration
}

// Run seeds the mailbox, runs the watch pipeline until every mail was
// handled and nothing waits any more, and returns what was sent.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Grace <= 0 {
		o.Grace = 2 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	work, err := os.MkdirTemp("", "patchbot-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(work)
	tree := filepath.Join(work, "tree")
	if err := ExtractTree(tree); err != nil {
		return nil, fmt.Errorf("demo: unpack the example tree: %w", err)
	}
	mails, nseries, err := SeriesMails()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}

	password := randomPassword()
	// go-imap's in-memory server, one user with an INBOX, clear text
	// (loopback only).
	imapSrv, err := imapmem.New(imapmem.Options{User: "demo", Password: password})
	if err != nil {
		return nil, fmt.Errorf("demo: imap server: %w", err)
	}
	defer imapSrv.Close()
	for _, m := range mails {
		// Dated now, as a list's delivery would be: the bot reads the
		// mailbox from today on.
		if _, err := imapSrv.Deliver("INBOX", m, time.Now()); err != nil {
			return nil, fmt.Errorf("demo: seed the mailbox: imap server: %w", err)
		}
	}
	smtpSrv, err := StartSMTP()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer smtpSrv.Close()

	pwFile := filepath.Join(work, "imap-password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	cfg := Config(work, imapSrv.Addr, smtpSrv.Addr, pwFile, tree, o.Grace)

	pipe := make(chan *bot.Pipeline, 1)
	done := make(chan error, 1)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	began := time.Now()
	go func() {
		done <- bot.Watch(wctx, cfg, bot.WatchOptions{Log: log, Ready: func(p *bot.Pipeline) { pipe <- p }})
	}()
	var p *bot.Pipeline
	select {
	case p = <-pipe:
	case err := <-done:
		return nil, fmt.Errorf("demo: %w", err)
	}
	// Every mail delivered and none waiting means every reply is out:
	// the pipeline sends synchronously.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for p.Stats().Mails < len(mails) || p.Pending() > 0 {
		select {
		case <-ctx.Done():
			stop()
			<-done
			return nil, fmt.Errorf("demo: timed out after %s with %d of %d mails read and %d waiting", o.Timeout, p.Stats().Mails, len(mails), p.Pending())
		case err := <-done:
			return nil, fmt.Errorf("demo: the bot stopped early: %v", err)
		case <-tick.C:
		}
	}
	elapsed := time.Since(began)
	stop()
	if err := <-done; err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return &Result{Mails: len(mails), Series: nseries, Replies: smtpSrv.Received(), Stats: p.Stats(), Elapsed: elapsed}, nil
}

// Config is the configuration the demo runs the bot with: state under
// work, the in-process servers on loopback without TLS, replies by SMTP,
// the given grace window and kernel tree, generous rate limits.
func Config(work, imapAddr, smtpAddr, passwordFile, tree string, grace time.Duration) *config.Config {
	cfg := config.Defaults()
	cfg.State.Dir = filepath.Join(work, "state")
	cfg.State.Spool = filepath.Join(work, "state", "spool")
	cfg.Outbox.Dir = filepath.Join(work, "state", "outbox")
	cfg.IMAP.Addr = imapAddr
	cfg.IMAP.TLS = config.TLSInsecure
	cfg.IMAP.Username = "demo"
	cfg.IMAP.PasswordFile = passwordFile
	cfg.IMAP.PollInterval = config.Duration(time.Second)
	// The mailbox was seeded before the bot starts: read it from today
	// on rather than from "now".
	cfg.IMAP.Since = config.Date{Time: time.Now().UTC().Truncate(24 * time.Hour)}
	cfg.Outbox.Mode = config.OutboxSMTP
	cfg.SMTP.Addr = smtpAddr
	cfg.SMTP.TLS = config.TLSInsecure
	cfg.SMTP.From = BotAddress
	cfg.Reply.Grace = config.Duration(grace)
	cfg.Reply.RatePerAuthor = config.Rate{N: 10, Per: time.Hour}
	cfg.Reply.RateTotal = config.Rate{N: 100, Per: time.Hour}
	cfg.Checks.Tree = tree
	cfg.Log.Level = "warn"
	return cfg
}

// Series is one embedded example series.
type Series struct {
	// Name is its directory, e.g. "2-dropped-user".
	Name string
	// Mails are its raw mails in the order git format-patch numbered
	// them, without the mbox "From " line.
	Mails [][]byte
}

// AllSeries returns the embedded example series in delivery order.
func AllSeries() ([]Series, error) {
	dirs, err := fs.ReadDir(demodata.Files, "series")
	if err != nil {
		return nil, err
	}
	var out []Series
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := fs.ReadDir(demodata.Files, path.Join("series", d.Name()))
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(files))
		for _, f := range files {
			names = append(names, f.Name())
		}
		sort.Strings(names)
		s := Series{Name: d.Name()}
		for _, name := range names {
			raw, err := fs.ReadFile(demodata.Files, path.Join("series", d.Name(), name))
			if err != nil {
				return nil, err
			}
			s.Mails = append(s.Mails, stripFromLine(raw))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errors.New("no demo series embedded")
	}
	return out, nil
}

// SeriesMails returns the raw mails of every example series in delivery
// order, and how many series there are.
func SeriesMails() ([][]byte, int, error) {
	all, err := AllSeries()
	if err != nil {
		return nil, 0, err
	}
	var out [][]byte
	for _, s := range all {
		out = append(out, s.Mails...)
	}
	return out, len(all), nil
}

// ExtractTree writes the embedded miniature kernel tree to dir.
func ExtractTree(dir string) error { return extract(demodata.Files, "tree", dir) }

// stripFromLine removes the mbox separator git format-patch starts each
// file with: it is no header and a mail server would not keep it.
func stripFromLine(raw []byte) []byte {
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			return raw[i+1:]
		}
	}
	return raw
}

// extract copies the embedded directory dir to dst.
func extract(fsys fs.FS, dir, dst string) error {
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(strings.TrimPrefix(p, dir)))
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o640)
	})
}

func randomPassword() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Print writes every reply as received (envelope, headers and body) and
// a summary.
func Print(w io.Writer, r *Result) error {
	var b strings.Builder
	for i, rep := range r.Replies {
		fmt.Fprintf(&b, "=== reply %d of %d: MAIL FROM:<%s> RCPT TO:<%s>\n", i+1, len(r.Replies), rep.From, strings.Join(rep.To, ">, <"))
		b.WriteString(strings.ReplaceAll(string(rep.Data), "\r\n", "\n"))
		if !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	s := r.Stats
	fmt.Fprintf(&b, "=== summary\n%s in %d series read over IMAP; %d series reviewed: %s sent by SMTP, %d clean (no reply), %d held, %d failed; %s.\n",
		report.Plural(r.Mails, "mail", "mails"), r.Series, s.SeriesReviewed, report.Plural(len(r.Replies), "reply", "replies"),
		s.Clean, s.Held, s.Failed, r.Elapsed.Round(10*time.Millisecond))
	_, err := io.WriteString(w, b.String())
	return err
}
