package mail

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session runs one connection: log in, open the mailbox, catch up, then
// wait for new mail (IDLE and polling) and fetch it, until the connection
// breaks or ctx is done. selectedAt is when the mailbox was opened (zero if
// it never was), for the watcher's backoff and first-run decisions.
func (w *imapWatcher) session(ctx context.Context) (selectedAt time.Time, err error) {
	// The handler runs on go-imap's reader goroutine: it must neither block
	// nor send commands, so it only drops a token into a buffered channel.
	wake := make(chan struct{}, 1)
	opts := &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case wake <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	c, err := dialIMAP(ctx, w.cfg, opts)
	if err != nil {
		return time.Time{}, err
	}
	defer c.close()

	stop := c.guard(w.cfg.Timeout)
	sel, err := c.Select(w.cfg.Mailbox, &imap.SelectOptions{ReadOnly: w.cfg.ReadOnly}).Wait()
	stop()
	if err != nil {
		verb := "SELECT"
		if w.cfg.ReadOnly {
			verb = "EXAMINE"
		}
		return time.Time{}, fmt.Errorf("%s mailbox %q on %s: %w", verb, w.cfg.Mailbox, w.cfg.Addr, err)
	}
	selectedAt = time.Now()
	if sel.UIDValidity == 0 {
		return selectedAt, fmt.Errorf("mailbox %q on %s: server sent no UIDVALIDITY", w.cfg.Mailbox, w.cfg.Addr)
	}
	w.log.Info("imap mailbox open", "uidvalidity", sel.UIDValidity, "uidnext", uint32(sel.UIDNext), "exists", sel.NumMessages)
	w.alive()

	cur, err := w.start(ctx, c, sel)
	if err != nil {
		return selectedAt, err
	}
	idle := !w.cfg.DisableIdle && imapHasIdle(c.Client)
	if !idle {
		w.log.Info("imap polling only (IDLE disabled or not offered)", "every", w.cfg.PollInterval)
	}
	for {
		if err := w.fetchNew(ctx, c, cur); err != nil {
			return selectedAt, err
		}
		if err := w.waitForMail(ctx, c, wake, idle); err != nil {
			return selectedAt, err
		}
		w.alive()
	}
}

// alive reports that the server has just answered (IMAPConfig.Alive).
func (w *imapWatcher) alive() {
	if w.cfg.Alive != nil {
		w.cfg.Alive()
	}
}

// imapCursor is the position of a session in the opened mailbox.
type imapCursor struct {
	st IMAPState
}

// start decides where this session begins: at the saved LastUID, after the
// newest mail already seen when UIDVALIDITY changed, or as a first run.
func (w *imapWatcher) start(ctx context.Context, c *imapConn, sel *imap.SelectData) (*imapCursor, error) {
	saved, ok, err := w.store.LoadUIDState(ctx, w.key)
	if err != nil {
		return nil, &imapFatalError{fmt.Errorf("load IMAP state of %s: %w", w.key, err)}
	}
	cur := &imapCursor{st: IMAPState{UIDValidity: sel.UIDValidity}}
	switch {
	case ok && saved.UIDValidity == sel.UIDValidity:
		cur.st.LastUID = saved.LastUID
		w.log.Info("imap resuming", "last_uid", saved.LastUID)
		return cur, nil

	case ok:
		// The server renumbered the mailbox: our UIDs mean nothing now.
		// Resume after the newest mail the pipeline has seen, found by
		// Message-ID; fetchNew then skips anything seen above it.
		last, found, err := w.newestSeen(ctx, c)
		if err != nil {
			return nil, err
		}
		if found {
			w.log.Warn("imap UIDVALIDITY changed; resuming after the newest mail already seen",
				"old_uidvalidity", saved.UIDValidity, "new_uidvalidity", sel.UIDValidity, "last_uid", last)
			cur.st.LastUID = last
			return cur, w.saveState(ctx, cur.st)
		}
		if !saved.Saved.IsZero() {
			// Nothing we know is left (a mailbox deleted and created
			// again): the mail in it that arrived since the mailbox was
			// last read is new to us. SINCE is a date, in the server's
			// zone: a day earlier is safe, as mail already seen is
			// skipped by its Message-ID.
			since := saved.Saved.AddDate(0, 0, -1)
			w.log.Warn("imap UIDVALIDITY changed and no mail in the mailbox was seen before (recreated?); delivering the mail since it was last read",
				"old_uidvalidity", saved.UIDValidity, "new_uidvalidity", sel.UIDValidity, "last_read", saved.Saved.Format(time.RFC3339),
				"since", since.Format(time.DateOnly))
			if err := w.deliverSearch(ctx, c, cur, sel, &imap.SearchCriteria{Since: since}); err != nil {
				return nil, err
			}
			return cur, nil
		}
		// Nothing we know is left, and no time to resume from: treat it
		// as a first run.
		w.log.Warn("imap UIDVALIDITY changed and no mail in the mailbox was seen before; starting afresh (set since to deliver older mail)",
			"old_uidvalidity", saved.UIDValidity, "new_uidvalidity", sel.UIDValidity)
		return w.firstRun(ctx, c, sel, cur)

	default:
		return w.firstRun(ctx, c, sel, cur)
	}
}

// firstRun starts at "now" (the next UID the server will assign) or, with
// Since, delivers the mail from that day on first.
func (w *imapWatcher) firstRun(ctx context.Context, c *imapConn, sel *imap.SelectData, cur *imapCursor) (*imapCursor, error) {
	switch {
	case !w.cfg.Since.IsZero():
		w.log.Info("imap first run; delivering mail since", "since", w.cfg.Since.Format(time.DateOnly))
		if err := w.deliverSearch(ctx, c, cur, sel, &imap.SearchCriteria{Since: w.cfg.Since}); err != nil {
			return nil, err
		}
		return cur, nil

	default:
		highest, err := w.highestUID(c, sel)
		if err != nil {
			return nil, err
		}
		cur.st.LastUID = highest
		w.log.Info("imap first run; starting at now", "last_uid", cur.st.LastUID)
		return cur, w.saveState(ctx, cur.st)
	}
}

// newestSeen scans the mailbox from its newest mail backwards, Message-ID
// headers only, for the newest mail the store has seen. Mail below it that
// was never seen predates the watcher (or was skipped on purpose) and is
// not delivered.
func (w *imapWatcher) newestSeen(ctx context.Context, c *imapConn) (uid uint32, found bool, err error) {
	uids, err := w.search(c, &imap.SearchCriteria{})
	if err != nil {
		return 0, false, err
	}
	for end := len(uids); end > 0; end -= imapHeaderBatch {
		batch := uids[max(0, end-imapHeaderBatch):end]
		ids, err := w.fetchMessageIDs(c, batch)
		if err != nil {
			return 0, false, err
		}
		for i := len(batch) - 1; i >= 0; i-- {
			id := ids[batch[i]]
			if id == "" {
				continue
			}
			seen, err := w.store.SeenMessageID(ctx, id)
			if err != nil {
				return 0, false, &imapFatalError{fmt.Errorf("look up Message-ID <%s> in the state store: %w", id, err)}
			}
			if seen {
				return uint32(batch[i]), true, nil
			}
		}
	}
	return 0, false, nil
}

// deliverSearch delivers every mail matching criteria, then moves the
// cursor to the last UID that existed when the mailbox was opened, so that
// older mail that did not match is not delivered by the next fetchNew.
func (w *imapWatcher) deliverSearch(ctx context.Context, c *imapConn, cur *imapCursor, sel *imap.SelectData, criteria *imap.SearchCriteria) error {
	highest, err := w.highestUID(c, sel)
	if err != nil {
		return err
	}
	uids, err := w.search(c, criteria)
	if err != nil {
		return err
	}
	if err := w.deliverUIDs(ctx, c, cur, uids); err != nil {
		return err
	}
	cur.st.LastUID = max(cur.st.LastUID, highest)
	return w.saveState(ctx, cur.st)
}

// highestUID is the UID of the newest mail when the mailbox was opened
// (UIDNEXT-1), or 0 for an empty mailbox.
func (w *imapWatcher) highestUID(c *imapConn, sel *imap.SelectData) (uint32, error) {
	if sel.UIDNext > 0 {
		return uint32(sel.UIDNext) - 1, nil
	}
	if sel.NumMessages == 0 {
		return 0, nil
	}
	// UIDNEXT is optional in IMAP4rev1: ask for the UIDs instead.
	uids, err := w.search(c, &imap.SearchCriteria{})
	if err != nil || len(uids) == 0 {
		return 0, err
	}
	return uint32(uids[len(uids)-1]), nil
}

// fetchNew delivers the mail above the cursor.
func (w *imapWatcher) fetchNew(ctx context.Context, c *imapConn, cur *imapCursor) error {
	from := imap.UID(cur.st.LastUID + 1)
	uids, err := w.search(c, &imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: from, Stop: 0}}}})
	if err != nil {
		return err
	}
	// "n:*" always matches the highest UID, even when it is below n.
	uids = slices.DeleteFunc(uids, func(u imap.UID) bool { return u < from })
	return w.deliverUIDs(ctx, c, cur, uids)
}

// search runs UID SEARCH and returns the UIDs in ascending order.
func (w *imapWatcher) search(c *imapConn, criteria *imap.SearchCriteria) ([]imap.UID, error) {
	stop := c.guard(w.cfg.Timeout)
	data, err := c.UIDSearch(criteria, nil).Wait()
	stop()
	if err != nil {
		return nil, fmt.Errorf("UID SEARCH in %q: %w", w.cfg.Mailbox, err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	return uids, nil
}
