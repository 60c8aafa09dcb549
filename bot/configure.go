package bot

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/review"
)

// This file is the one translation from the configuration to what the
// mail layer, the review session and the pipeline take. Nothing else
// reads config fields to build runtime settings.

// Transport is how the translated IMAP and SMTP settings reach their
// servers, beyond what the config file says.
type Transport struct {
	// IMAPTLS and SMTPTLS, when set, are used for the TLS handshakes (to
	// trust a private CA).
	IMAPTLS, SMTPTLS *tls.Config
	// Dial, when set, opens every TCP connection instead of a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ReviewOptions translates [checks] into the review session's options:
// the checks enabled, warnings_fail as the failure level, the pinned
// rules and the tree. A nil cfg means the defaults (every check, errors
// fail, diff only).
func ReviewOptions(cfg *config.Config) review.Options {
	if cfg == nil {
		return review.Options{Policy: review.Policy{FailOn: review.FailError}}
	}
	return review.Options{
		Policy: review.Policy{
			Enable: cfg.Checks.Enable,
			FailOn: review.FailOnFor(cfg.Checks.WarningsFail),
		},
		Rules: configRules(cfg),
		Tree:  cfg.Checks.Tree,
	}
}

// IMAPConfig translates [imap] into the mail layer's settings, with the
// password resolved. mailbox, when set, replaces [imap] mailbox.
func IMAPConfig(ctx context.Context, cfg *config.Config, mailbox string, tr Transport) (mail.IMAPConfig, error) {
	if cfg.IMAP.Addr == "" {
		return mail.IMAPConfig{}, errors.New("no mailbox: set [imap] addr (and username, password_env) in the config")
	}
	pass, err := cfg.Secret(ctx, config.SecretIMAP)
	if err != nil {
		return mail.IMAPConfig{}, err
	}
	c := mail.IMAPConfig{
		Addr: cfg.IMAP.Addr, TLS: cfg.IMAP.TLS, Insecure: cfg.IMAP.Insecure,
		TLSConfig: tr.IMAPTLS, Dial: tr.Dial,
		Username: cfg.IMAP.Username, Password: pass,
		Mailbox: cfg.IMAP.Mailbox, ReadOnly: cfg.IMAP.ReadOnly,
		PollInterval: cfg.IMAP.PollInterval.D(), Since: cfg.IMAP.Since.Time,
	}
	if mailbox != "" {
		c.Mailbox = mailbox
	}
	if err := c.Validate(); err != nil {
		return mail.IMAPConfig{}, err
	}
	return c, nil
}

// SMTPOptions translates [smtp] into the SMTP outbox's settings, with the
// password resolved.
func SMTPOptions(ctx context.Context, cfg *config.Config, tr Transport, log *slog.Logger) (mail.SMTPOptions, error) {
	pass, err := cfg.Secret(ctx, config.SecretSMTP)
	if err != nil {
		return mail.SMTPOptions{}, err
	}
	return mail.SMTPOptions{
		Addr: cfg.SMTP.Addr, TLS: cfg.SMTP.TLS, Insecure: cfg.SMTP.Insecure,
		TLSConfig: tr.SMTPTLS, Dial: tr.Dial,
		Username: cfg.SMTP.Username, Password: pass, Log: log,
		RetryDelays: smtpRetryDelays,
	}, nil
}

// smtpRetryDelays are the waits before the list bot sends a reply again
// after a 4xx or a connection lost before the message was handed over:
// under a minute in all, since the bot answers nothing else meanwhile; a
// reply still refused stays pending for a human.
var smtpRetryDelays = []time.Duration{2 * time.Second, 10 * time.Second, 30 * time.Second}

// NewOutbox builds the outbox [outbox] mode selects; imap is the
// translated [imap] (drafts mode appends there).
func NewOutbox(ctx context.Context, cfg *config.Config, imap mail.IMAPConfig, tr Transport, log *slog.Logger) (mail.Outbox, error) {
	switch cfg.Outbox.Mode {
	case config.OutboxDryRun, "":
		return &mail.DirOutbox{Dir: cfg.Outbox.Dir, Log: log}, nil
	case config.OutboxSMTP:
		opts, err := SMTPOptions(ctx, cfg, tr, log)
		if err != nil {
			return nil, err
		}
		return mail.NewSMTPOutbox(opts)
	case config.OutboxDrafts:
		return &mail.DraftsOutbox{IMAP: imap, Mailbox: cfg.Outbox.DraftsMailbox, Log: log}, nil
	}
	return nil, fmt.Errorf("[outbox] mode %q: use %q, %q or %q", cfg.Outbox.Mode, config.OutboxDryRun, config.OutboxSMTP, config.OutboxDrafts)
}

// NewPipelineOptions translates [smtp] from, [reply] and [checks] into the
// pipeline's options: the bot's address and Message-ID domain (derived by
// the config, once), who is copied, the grace window and rates, the
// signature, and a review session that goes on without the tree when it
// cannot be indexed.
func NewPipelineOptions(ctx context.Context, cfg *config.Config, log *slog.Logger) (PipelineOptions, error) {
	from, domain, err := cfg.ReplyFrom()
	if err != nil {
		return PipelineOptions{}, err
	}
	if from == nil {
		return PipelineOptions{}, errors.New("[smtp] from is not set: the bot needs an address to send replies from")
	}
	ccs, errs := cfg.ReplyCc()
	if len(errs) > 0 {
		return PipelineOptions{}, errors.Join(errs...)
	}
	var cc []mail.Address
	for _, a := range ccs {
		cc = append(cc, mail.Address{Name: a.Name, Email: a.Address})
	}
	sig := ""
	if cfg.Reply.SignatureCommand != "" {
		out, err := exec.CommandContext(ctx, "sh", "-c", cfg.Reply.SignatureCommand).Output()
		if err != nil {
			return PipelineOptions{}, fmt.Errorf("[reply] signature_command: %w", err)
		}
		sig = strings.TrimRight(string(out), "\n")
	}
	ro := ReviewOptions(cfg)
	ro.TreeBestEffort = true
	ro.Log = log
	ro.Note = func(msg string) { log.Debug("check note", "note", msg) }
	ro.Summary = func(line string) { log.Info("review pass", "note", line) }
	sess, err := review.NewSession(ro)
	if err != nil {
		return PipelineOptions{}, fmt.Errorf("[checks]: %w", err)
	}
	return PipelineOptions{
		From:      mail.Address{Name: from.Name, Email: from.Address},
		BotDomain: domain,
		CcList:    cfg.Reply.CcList, Cc: cc,
		MaxRecipients: cfg.Reply.MaxRecipients, HonourReplyTo: cfg.Reply.HonourReplyTo,
		ReplyClean:    cfg.Reply.ReplyClean,
		Grace:         cfg.Reply.Grace.D(),
		RatePerAuthor: cfg.Reply.RatePerAuthor, RateTotal: cfg.Reply.RateTotal,
		Review:    sess,
		Signature: sig,
		Log:       log,
	}, nil
}

// configRules are the conversion rules pinned in [[checks.rule]].
func configRules(cfg *config.Config) []review.Rule {
	rules := make([]review.Rule, len(cfg.Checks.Rules))
	for i, r := range cfg.Checks.Rules {
		rules[i] = review.Rule{Struct: r.Struct, Member: r.Member, Old: r.Old, New: r.New}
	}
	return rules
}
