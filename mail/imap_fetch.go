package mail

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// imapHeaderBatch is how many Message-ID headers one UID FETCH asks for.
const imapHeaderBatch = 500

// imapMessageIDSection is BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]: enough to
// skip mail the pipeline has seen without fetching its body.
func imapMessageIDSection() *imap.FetchItemBodySection {
	return &imap.FetchItemBodySection{
		Specifier:    imap.PartSpecifierHeader,
		HeaderFields: []string{"Message-ID"},
		Peek:         true,
	}
}

// imapWholeSection is BODY.PEEK[]: the whole mail, without setting \Seen.
func imapWholeSection() *imap.FetchItemBodySection {
	return &imap.FetchItemBodySection{Peek: true}
}

// deliverUIDs hands the given mail (ascending UIDs, all above the cursor)
// to deliver one by one, advancing and saving the cursor.
func (w *imapWatcher) deliverUIDs(ctx context.Context, c *imapConn, cur *imapCursor, uids []imap.UID) error {
	for start := 0; start < len(uids); start += imapHeaderBatch {
		batch := uids[start:min(start+imapHeaderBatch, len(uids))]
		ids, err := w.fetchMessageIDs(c, batch)
		if err != nil {
			return err
		}
		for _, uid := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := w.deliverOne(ctx, c, cur, uid, ids[uid]); err != nil {
				return err
			}
		}
	}
	return nil
}

// deliverOne fetches and delivers one mail unless the store has seen its
// Message-ID. Only connection and store failures are returned; a deliver
// error is logged.
func (w *imapWatcher) deliverOne(ctx context.Context, c *imapConn, cur *imapCursor, uid imap.UID, msgid string) error {
	log := w.log.With("uid", uint32(uid))
	if msgid != "" {
		log = log.With("msgid", LogID(msgid))
		seen, err := w.store.SeenMessageID(ctx, msgid)
		if err != nil {
			return &imapFatalError{fmt.Errorf("look up Message-ID <%s> in the state store: %w", msgid, err)}
		}
		if seen {
			log.Info("imap skipping mail already seen")
			cur.st.LastUID = uint32(uid)
			return w.saveState(ctx, cur.st)
		}
	}
	raw, err := w.fetchBody(c, uid)
	if err != nil {
		return err
	}
	if raw == nil {
		log.Warn("imap mail vanished before it could be fetched (expunged?)")
		cur.st.LastUID = uint32(uid)
		return w.saveState(ctx, cur.st)
	}
	// The position passes a mail only once deliver took it (spooled and
	// recorded it durably): a disk that is full, say, holds the mailbox
	// at this mail, retried, until it is not.
	err = w.retry(ctx, log, "deliver the mail", func() error { return w.deliver(ctx, uint32(uid), raw) })
	if err != nil {
		return err
	}
	log.Debug("imap delivered", "size", len(raw))
	cur.st.LastUID = uint32(uid)
	return w.saveState(ctx, cur.st)
}

// retry calls fn until it succeeds, waiting between attempts with the
// watcher's jittered exponential backoff and logging each failure (the
// connection may time out meanwhile; the next session resumes from the
// saved position). It returns nil once fn succeeded and ctx.Err() when
// ctx ends first.
func (w *imapWatcher) retry(ctx context.Context, log *slog.Logger, what string, fn func() error) error {
	bo := imapBackoff{min: w.cfg.MinBackoff, max: w.cfg.MaxBackoff}
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil {
			if attempt > 1 {
				log.Info("imap retry succeeded", "what", what, "attempts", attempt)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		delay := bo.next()
		log.Error("imap could not "+what+"; retrying, the mailbox position stays before it",
			"err", err, "attempt", attempt, "retry_in", delay.Round(time.Millisecond))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// fetchMessageIDs returns the Message-ID (without brackets) of each UID
// that has one.
func (w *imapWatcher) fetchMessageIDs(c *imapConn, uids []imap.UID) (map[imap.UID]string, error) {
	section := imapMessageIDSection()
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
	stop := c.guard(w.cfg.Timeout)
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), opts).Collect()
	stop()
	if err != nil {
		return nil, fmt.Errorf("UID FETCH Message-IDs of %d mails in %q: %w", len(uids), w.cfg.Mailbox, err)
	}
	ids := make(map[imap.UID]string, len(msgs))
	for _, m := range msgs {
		if id := imapHeaderMessageID(m.FindBodySection(section)); id != "" {
			ids[m.UID] = id
		}
	}
	return ids, nil
}

// fetchBody returns the whole mail, or nil if the server has no such UID
// (any more).
func (w *imapWatcher) fetchBody(c *imapConn, uid imap.UID) ([]byte, error) {
	section := imapWholeSection()
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
	stop := c.guard(10 * w.cfg.Timeout)
	msgs, err := c.Fetch(imap.UIDSetNum(uid), opts).Collect()
	stop()
	if err != nil {
		return nil, fmt.Errorf("UID FETCH %d BODY.PEEK[] in %q: %w", uid, w.cfg.Mailbox, err)
	}
	for _, m := range msgs {
		if m.UID == uid {
			if b := m.FindBodySection(section); b != nil {
				return b, nil
			}
		}
	}
	return nil, nil
}

// imapHeaderMessageID extracts the Message-ID, without angle brackets or
// surrounding space, from a mail header block; "" if there is none.
func imapHeaderMessageID(header []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(header)))
	h, err := r.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	v := strings.TrimSpace(h.Get("Message-Id"))
	if i := strings.IndexByte(v, '<'); i >= 0 {
		v = v[i+1:]
		if j := strings.IndexByte(v, '>'); j >= 0 {
			v = v[:j]
		}
	}
	return strings.TrimSpace(v)
}
