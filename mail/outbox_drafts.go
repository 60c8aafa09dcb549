package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
)

// DraftsOutbox is the "drafts" outbox: each reply is appended to an IMAP
// drafts mailbox with the \Draft flag (AppendDraft), for a human to review
// in a mail client and send.
type DraftsOutbox struct {
	// IMAP holds the connection settings; its Mailbox is not used.
	IMAP IMAPConfig
	// Mailbox is the drafts mailbox ("Drafts"); it is created when the
	// server says it does not exist.
	Mailbox string
	// Log receives one line per reply; slog.Default() when nil.
	Log *slog.Logger
}

// Send appends r to the drafts mailbox.
func (o *DraftsOutbox) Send(ctx context.Context, r *Reply) error {
	if err := AppendDraft(ctx, o.IMAP, o.Mailbox, r.Bytes()); err != nil {
		return err
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "reply saved as a draft", "mailbox", o.Mailbox, "msgid", r.MessageID, "in_reply_to", r.InReplyTo)
	return nil
}

// AppendDraft stores raw (an RFC 5322 message) in mailbox with the \Draft
// flag, creating the mailbox when the server says it does not exist. It is
// the "drafts" outbox: a human reviews the bot's reply in a mail client
// and sends it. cfg.Mailbox is not used; the connection settings are.
func AppendDraft(ctx context.Context, cfg IMAPConfig, mailbox string, raw []byte) error {
	if mailbox == "" {
		return errors.New("append draft: no drafts mailbox given (set outbox drafts_mailbox, e.g. \"Drafts\")")
	}
	cfg = cfg.withDefaults()
	c, err := dialIMAP(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("append draft: %w", err)
	}
	defer c.close()

	defer c.guard(10 * cfg.Timeout)()
	err = imapAppend(c, mailbox, raw)
	if imapNoSuchMailbox(err) {
		if cerr := c.Create(mailbox, nil).Wait(); cerr != nil && !imapAlreadyExists(cerr) {
			return fmt.Errorf("append draft: create mailbox %q: %w", mailbox, cerr)
		}
		err = imapAppend(c, mailbox, raw)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = errors.Join(ctx.Err(), err)
		}
		return fmt.Errorf("append draft to %q on %s: %w", mailbox, cfg.Addr, err)
	}
	return nil
}

// imapAppend sends one APPEND with the \Draft flag.
func imapAppend(c *imapConn, mailbox string, raw []byte) error {
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDraft}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		_ = cmd.Close()
		_, _ = cmd.Wait()
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err := cmd.Wait()
	return err
}

// imapNoSuchMailbox reports the server's "no such mailbox" answer to
// APPEND: the TRYCREATE response code (RFC 3501 6.3.11) or NONEXISTENT.
func imapNoSuchMailbox(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && (ie.Code == imap.ResponseCodeTryCreate || ie.Code == imap.ResponseCodeNonExistent)
}

// imapAlreadyExists reports CREATE's "mailbox already exists" answer, which
// a concurrent creator can cause.
func imapAlreadyExists(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists
}
