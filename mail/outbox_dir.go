package mail

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// DirOutbox is the dry-run outbox: each reply is written to
// Dir/<message-id>.eml, where a human can read it before any bot mail
// goes out. Files appear atomically (written to a temporary file, synced,
// renamed), so a watcher of the directory never sees half a reply.
type DirOutbox struct {
	// Dir receives the .eml files; it is created when missing.
	Dir string
	// Log receives one line per reply; slog.Default() when nil.
	Log *slog.Logger
}

// Send writes r to Dir. Sending the same Message-ID again replaces the
// file.
func (o *DirOutbox) Send(ctx context.Context, r *Reply) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name := DirOutboxFileName(r.MessageID)
	if name == "" {
		return fmt.Errorf("dry-run outbox: reply to <%s> has no Message-ID", r.InReplyTo)
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("dry-run outbox: create %s: %w", o.Dir, err)
	}
	path := filepath.Join(o.Dir, name)
	if err := outboxWriteAtomic(path, r.Bytes()); err != nil {
		return fmt.Errorf("dry-run outbox: write reply <%s>: %w", r.MessageID, err)
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "reply written (dry run, not sent)",
		"path", path, "msgid", r.MessageID, "in_reply_to", r.InReplyTo,
		"to", len(r.To), "cc", len(r.Cc), "subject", r.Subject)
	return nil
}

// DirOutboxFileName is the file name a reply with Message-ID msgid gets:
// the ID with anything but letters, digits and ".@+=_-" replaced by "_",
// and ".eml". Message-IDs may hold "/" (as in real list mail), which must
// not become a path.
func DirOutboxFileName(msgid string) string {
	id := replyCleanMsgID(msgid)
	if id == "" {
		return ""
	}
	id = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case strings.ContainsRune(".@+=_-", r):
			return r
		}
		return '_'
	}, id)
	if strings.HasPrefix(id, ".") {
		id = "_" + id[1:]
	}
	return id + ".eml"
}

// outboxWriteAtomic writes data to a temporary file beside path, syncs it,
// renames it over path and syncs the directory, so that path holds either
// nothing or all of data, even across a crash.
func outboxWriteAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o640); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
