package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// IMAP keywords `patchbot triage --mark` sets on the mails of a series, so
// that a maintainer's mail client can filter on them. Keywords are case
// insensitive in IMAP; some servers (go-imap's memory server) store them
// lowercased.
const (
	IMAPKeywordFindings = "$patchbot-findings"
	IMAPKeywordClean    = "$patchbot-clean"
)

// imapKeywords are all the keywords patchbot owns: setting one removes the
// others, so a series that was fixed by a RESEND loses its old label.
var imapKeywords = []string{IMAPKeywordFindings, IMAPKeywordClean}

// imapReadBatch is how many whole mails one UID FETCH asks for while
// reading a mailbox for triage.
const imapReadBatch = 100

// ReadIMAPMailbox reads every mail of cfg.Mailbox once, in UID order, and
// hands each to fn with its UID. It opens the mailbox read-only (EXAMINE)
// and fetches with BODY.PEEK[], so it changes no flag, \Seen included.
// progress, when set, is called after each mail with how many are done
// out of how many. It returns the mailbox's UIDVALIDITY, which MarkIMAP
// needs to be sure the UIDs still name the same mails. fn's error stops
// the read and is returned.
func ReadIMAPMailbox(ctx context.Context, cfg IMAPConfig, progress func(done, total int), fn func(uid uint32, raw []byte) error) (uidValidity uint32, err error) {
	cfg = cfg.withDefaults()
	c, err := dialIMAP(ctx, cfg, nil)
	if err != nil {
		return 0, err
	}
	defer c.close()

	stop := c.guard(cfg.Timeout)
	sel, err := c.Select(cfg.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	stop()
	if err != nil {
		return 0, fmt.Errorf("EXAMINE %q on %s: %w", cfg.Mailbox, cfg.Addr, err)
	}
	var uids []imap.UID
	if sel.NumMessages > 0 {
		stop = c.guard(cfg.Timeout)
		data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		stop()
		if err != nil {
			return 0, fmt.Errorf("UID SEARCH ALL in %q: %w", cfg.Mailbox, err)
		}
		uids = data.AllUIDs()
		slices.Sort(uids)
	}
	section := imapWholeSection()
	done := 0
	for start := 0; start < len(uids); start += imapReadBatch {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		batch := uids[start:min(start+imapReadBatch, len(uids))]
		opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
		stop := c.guard(10 * cfg.Timeout)
		msgs, err := c.Fetch(imap.UIDSetNum(batch...), opts).Collect()
		stop()
		if err != nil {
			return 0, fmt.Errorf("UID FETCH %d mails BODY.PEEK[] in %q: %w", len(batch), cfg.Mailbox, err)
		}
		slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
		for _, m := range msgs {
			raw := m.FindBodySection(section)
			if raw == nil {
				// Expunged between SEARCH and FETCH.
				continue
			}
			if err := fn(uint32(m.UID), raw); err != nil {
				return 0, err
			}
			done++
			if progress != nil {
				progress(done, len(uids))
			}
		}
	}
	return sel.UIDValidity, nil
}

// MarkIMAP labels mails of cfg.Mailbox: marks maps a keyword (such as
// IMAPKeywordFindings) to the UIDs that get it. Each UID loses the other
// patchbot keywords. Only keywords are stored, with UID STORE
// +FLAGS.SILENT / -FLAGS.SILENT, so \Seen and every other flag stay as they
// were. uidValidity must be the value ReadIMAPMailbox returned: if the
// server renumbered the mailbox since, nothing is marked and an error
// says to run triage again.
func MarkIMAP(ctx context.Context, cfg IMAPConfig, uidValidity uint32, marks map[string][]uint32) error {
	cfg = cfg.withDefaults()
	if cfg.ReadOnly {
		return errors.New("mark mails: the mailbox is configured read_only; keywords cannot be stored (drop read_only or run triage without --mark)")
	}
	for kw := range marks {
		if !slices.Contains(imapKeywords, kw) {
			return fmt.Errorf("mark mails: %q is not a patchbot keyword", kw)
		}
	}
	c, err := dialIMAP(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer c.close()

	stop := c.guard(cfg.Timeout)
	sel, err := c.Select(cfg.Mailbox, nil).Wait()
	stop()
	if err != nil {
		return fmt.Errorf("SELECT %q on %s: %w", cfg.Mailbox, cfg.Addr, err)
	}
	if sel.UIDValidity != uidValidity {
		return fmt.Errorf("mark mails in %q: UIDVALIDITY changed from %d to %d since the mailbox was read; run triage again", cfg.Mailbox, uidValidity, sel.UIDValidity)
	}
	for _, kw := range imapKeywords {
		uids := marks[kw]
		if len(uids) == 0 {
			continue
		}
		set := make([]imap.UID, len(uids))
		for i, u := range uids {
			set[i] = imap.UID(u)
		}
		var others []imap.Flag
		for _, o := range imapKeywords {
			if o != kw {
				others = append(others, imap.Flag(o))
			}
		}
		if err := imapStore(c, cfg, set, imap.StoreFlagsDel, others); err != nil {
			return err
		}
		if err := imapStore(c, cfg, set, imap.StoreFlagsAdd, []imap.Flag{imap.Flag(kw)}); err != nil {
			return err
		}
	}
	return nil
}

// imapStore runs one UID STORE ±FLAGS.SILENT.
func imapStore(c *imapConn, cfg IMAPConfig, uids []imap.UID, op imap.StoreFlagsOp, flags []imap.Flag) error {
	stop := c.guard(cfg.Timeout)
	err := c.Store(imap.UIDSetNum(uids...), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close()
	stop()
	if err != nil {
		return fmt.Errorf("UID STORE %v on %d mails in %q: %w", flags, len(uids), cfg.Mailbox, err)
	}
	return nil
}
