package bot

// The state store is an embedded bbolt database rather than SQLite:
//   - bbolt is pure Go: no cgo (we already pay for cgo once, for the
//     tree-sitter C grammar, and want no second C dependency), and it
//     builds in well under a second, where modernc.org/sqlite (the pure-Go
//     SQLite) adds ~26 s to a cold build;
//   - the list bot is one daemon, a single writer: bbolt's one-writer,
//     file-locked model fits it exactly, and a second bot started on the
//     same state is refused instead of corrupting it;
//   - every Update is an ACID transaction fsynced before it returns, which
//     is what the at-most-once reply protocol needs;
//   - our records are looked up by key (mailbox, Message-ID, series key),
//     never joined or queried: a key-value store is enough.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/patchbot/patchbot/mail"
)

// Bucket names. Each value is a JSON record.
const (
	bucketMeta     = "meta"     // "schema" → version
	bucketIMAP     = "imap"     // "server/mailbox" → imapRecord
	bucketMessages = "messages" // Message-ID → MessageRecord
	bucketSeries   = "series"   // series key → SeriesRecord
	bucketReplies  = "replies"  // reply Message-ID → ReplyRecord
)

const stateSchema = "1"

// Message statuses, MessageRecord.Status.
const (
	// MessageSpooled: read and spooled, not yet part of a reviewed series.
	MessageSpooled = "spooled"
	// MessageDone: handled (reviewed, or not a patch).
	MessageDone = "done"
	// MessageFailed: could not be handled; see the logs.
	MessageFailed = "failed"
)

// Reply states, ReplyRecord.State.
const (
	// ReplyPending: recorded before the send. A reply still pending after
	// a restart may or may not have gone out and is never sent again.
	ReplyPending = "pending"
	// ReplySent: the outbox accepted the reply.
	ReplySent = "sent"
	// ReplyRejected: the mail server refused the reply for good (a 5xx):
	// it was not sent, and it is not pending.
	ReplyRejected = "rejected"
)

// Store is patchbot's state: where the IMAP watcher stands in each
// mailbox, which Message-IDs were seen, what each series' review found and
// which replies went out. It implements mail.UIDStore.
type Store struct {
	db  *bolt.DB
	now func() time.Time
	// afterCommit, when set, runs after every commit that made records
	// durable: the crash tests end the process there, at each such point
	// in turn.
	afterCommit func()
}

var _ mail.UIDStore = (*Store)(nil)

// MessageRecord is what the store keeps per Message-ID.
type MessageRecord struct {
	MessageID string    `json:"message_id"`
	FirstSeen time.Time `json:"first_seen"`
	// SpoolPath is where the raw mail is in the spool: a Spool reference
	// (segment path, colon, offset) or, from before segments, a file.
	SpoolPath string `json:"spool_path,omitempty"`
	Status    string `json:"status"`
}

// SeriesRecord is what the store keeps per series version.
type SeriesRecord struct {
	// Key is SeriesKey(SeriesID, Version).
	Key      string `json:"key"`
	SeriesID string `json:"series_id"`
	Version  int    `json:"version"`
	// Status is the pipeline's word for where the series is ("waiting",
	// "reviewed", "replied", ...).
	Status string `json:"status"`
	// Findings are fingerprints of the findings of the last review, so
	// that a resend with the same problems is recognised.
	Findings []string `json:"findings,omitempty"`
	// ReplyMessageID is the bot's reply, once one was begun.
	ReplyMessageID string    `json:"reply_message_id,omitempty"`
	Updated        time.Time `json:"updated"`
}

// ReplyRecord is what the store keeps per reply the bot began.
type ReplyRecord struct {
	MessageID string    `json:"message_id"`
	SeriesKey string    `json:"series_key"`
	State     string    `json:"state"`
	Began     time.Time `json:"began"`
	Sent      time.Time `json:"sent,omitzero"`
	// RateKeys are the addresses the reply counts against in the rate
	// limits (its To), so that a restart keeps the limits.
	RateKeys []string `json:"rate_keys,omitempty"`
}

type imapRecord struct {
	UIDValidity uint32    `json:"uid_validity"`
	LastUID     uint32    `json:"last_uid"`
	Updated     time.Time `json:"updated"`
}

// SeriesKey names one version of a series in the store: the Message-ID
// the series is known by (cover letter, else first patch) and its version.
// A Message-ID holds no whitespace, so the key is unambiguous.
func SeriesKey(seriesID string, version int) string {
	return seriesID + " v" + strconv.Itoa(version)
}

// ReplyMessageID derives the Message-ID of the bot's reply to one version
// of a series, without angle brackets: patchbot.<16 hex digits of
// sha256(seriesID|version)>@domain. Being deterministic, it is the same
// after a restart, so the store recognises a reply it already began.
func ReplyMessageID(seriesID string, version int, domain string) string {
	sum := sha256.Sum256([]byte(seriesID + "|" + strconv.Itoa(version)))
	return "patchbot." + hex.EncodeToString(sum[:])[:16] + "@" + domain
}

// Open opens (creating it and its directory if needed) the state database
// at path. A second process opening the same file waits one second for
// the lock and then fails, naming the likely cause.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open state: create directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open state %s: the database is locked; is another patchbot running on it?", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{bucketMeta, bucketIMAP, bucketMessages, bucketSeries, bucketReplies} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		meta := tx.Bucket([]byte(bucketMeta))
		switch v := meta.Get([]byte("schema")); {
		case v == nil:
			return meta.Put([]byte("schema"), []byte(stateSchema))
		case string(v) != stateSchema:
			return fmt.Errorf("schema version %q, this patchbot knows %q: use a patchbot of that version, or a new state directory", v, stateSchema)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return &Store{db: db, now: time.Now}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close state: %w", err)
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// LoadUIDState returns the saved position in the mailbox key
// ("server/mailbox"); ok is false when there is none.
func (s *Store) LoadUIDState(ctx context.Context, key string) (st mail.IMAPState, ok bool, err error) {
	var rec imapRecord
	ok, err = s.get(ctx, bucketIMAP, key, &rec)
	if err != nil {
		return st, false, fmt.Errorf("load IMAP state %q: %w", key, err)
	}
	return mail.IMAPState{UIDValidity: rec.UIDValidity, LastUID: rec.LastUID, Saved: rec.Updated}, ok, nil
}

// SaveUIDState records the position in the mailbox key.
func (s *Store) SaveUIDState(ctx context.Context, key string, st mail.IMAPState) error {
	rec := imapRecord{UIDValidity: st.UIDValidity, LastUID: st.LastUID, Updated: s.now().UTC()}
	if err := s.put(ctx, bucketIMAP, key, rec); err != nil {
		return fmt.Errorf("save IMAP state %q: %w", key, err)
	}
	return nil
}

// SeenMessageID reports whether MarkSeen was called for id.
func (s *Store) SeenMessageID(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var seen bool
	err := s.db.View(func(tx *bolt.Tx) error {
		seen = tx.Bucket([]byte(bucketMessages)).Get(storeKey(id)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("look up message <%s>: %w", mail.LogID(id), err)
	}
	return seen, nil
}

// MarkSeen records that the mail id was read and spooled at spoolPath
// (see Tx.MarkSeen), in a transaction of its own.
func (s *Store) MarkSeen(ctx context.Context, msgid, spoolPath string) error {
	return s.commit(func(tx *Tx) error { return tx.MarkSeen(ctx, msgid, spoolPath) })
}

// SetMessageStatus records what became of a mail (see SetMessagesStatus).
func (s *Store) SetMessageStatus(ctx context.Context, msgid, status string) error {
	return s.SetMessagesStatus(ctx, []string{msgid}, status)
}

// SetMessagesStatus records what became of the mails of one series, in one
// transaction (one fsync, however many patches the series has). Every mail
// must have been marked seen.
func (s *Store) SetMessagesStatus(ctx context.Context, msgids []string, status string) error {
	return s.commit(func(tx *Tx) error { return tx.SetMessagesStatus(ctx, msgids, status) })
}

// Message returns the record of the mail msgid.
func (s *Store) Message(ctx context.Context, msgid string) (rec MessageRecord, ok bool, err error) {
	err = s.view(func(tx *Tx) error {
		rec, ok, err = tx.Message(ctx, msgid)
		return err
	})
	return rec, ok, err
}

// PruneMessages forgets the mails first seen before before and returns
// how many. A forgotten mail that is delivered again (a mailbox renumbered
// by a UIDVALIDITY change is read anew) is reviewed again, but replies
// are never pruned, so no series is answered twice.
func (s *Store) PruneMessages(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketMessages))
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var rec MessageRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("message <%s>: %w", mail.LogID(string(k)), err)
			}
			if rec.FirstSeen.Before(before) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune messages seen before %s: %w", before.Format(time.RFC3339), err)
	}
	return n, nil
}

// Series returns the record stored under key (see SeriesKey).
func (s *Store) Series(ctx context.Context, key string) (rec SeriesRecord, ok bool, err error) {
	err = s.view(func(tx *Tx) error {
		rec, ok, err = tx.Series(ctx, key)
		return err
	})
	return rec, ok, err
}

// SaveSeries stores rec (see Tx.SaveSeries) in a transaction of its own.
func (s *Store) SaveSeries(ctx context.Context, rec SeriesRecord) error {
	return s.commit(func(tx *Tx) error { return tx.SaveSeries(ctx, rec) })
}

// BeginReply is the first half of the at-most-once reply protocol: call it
// before handing a reply to the outbox. It durably records replyMsgID as
// pending for seriesKey and returns already=false; the caller then sends
// and calls FinishReply. If replyMsgID was begun before, pending or sent,
// it records nothing and returns already=true: the caller must not send.
// A reply left pending by a crash may have gone out, so it is never
// retried; PendingReplies lists such replies for a human.
func (s *Store) BeginReply(ctx context.Context, seriesKey, replyMsgID string) (already bool, err error) {
	err = s.commit(func(tx *Tx) error {
		already, err = tx.BeginReply(ctx, seriesKey, replyMsgID)
		return err
	})
	return already, err
}

// FinishReply records that the outbox accepted the reply replyMsgID. It is
// an error to finish a reply that was never begun.
func (s *Store) FinishReply(ctx context.Context, replyMsgID string) error {
	return s.commit(func(tx *Tx) error { return tx.FinishReply(ctx, replyMsgID) })
}

// Reply returns the record of the reply replyMsgID.
func (s *Store) Reply(ctx context.Context, replyMsgID string) (rec ReplyRecord, ok bool, err error) {
	err = s.view(func(tx *Tx) error {
		rec, ok, err = tx.Reply(ctx, replyMsgID)
		return err
	})
	return rec, ok, err
}

// PendingReplies lists the replies begun but never finished, oldest
// first. At startup these are replies a crash interrupted: they may or may
// not have been sent, and the bot will not send them again; log them so
// that a human can look.
func (s *Store) PendingReplies(ctx context.Context) ([]ReplyRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []ReplyRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketReplies)).ForEach(func(k, v []byte) error {
			var rec ReplyRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("reply <%s>: %w", mail.LogID(string(k)), err)
			}
			if rec.State == ReplyPending {
				out = append(out, rec)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list pending replies: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Began.Before(out[j].Began) })
	return out, nil
}

// Update runs fn in one transaction and commits it (one fsync) if fn
// returns nil; if fn fails, nothing fn wrote is kept. fn may call
// Tx.Checkpoint to make what it wrote so far durable on its own.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state transaction: %w", err)
	}
	return s.commit(fn)
}

// commit is Update without the context check: the Tx methods fn calls
// check it and name the operation in their errors.
func (s *Store) commit(fn func(tx *Tx) error) (err error) {
	tx := s.Begin()
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// view runs fn in a read-only transaction.
func (s *Store) view(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{s: s, btx: btx}) })
}

func (s *Store) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.Update(fn); err != nil {
		return err
	}
	s.committed()
	return nil
}

// committed runs the afterCommit hook.
func (s *Store) committed() {
	if s.afterCommit != nil {
		s.afterCommit()
	}
}

func (s *Store) get(ctx context.Context, bucket string, key string, v any) (found bool, err error) {
	err = s.view(func(tx *Tx) error {
		found, err = tx.get(ctx, bucket, key, v)
		return err
	})
	return found, err
}

func (s *Store) put(ctx context.Context, bucket string, key string, v any) error {
	return s.update(ctx, func(tx *bolt.Tx) error { return putJSON(tx.Bucket([]byte(bucket)), key, v) })
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(storeKey(key), data)
}

// maxKeyLen is the longest key the store keeps as it is. A longer one (a
// hostile Message-ID of 40 KB is past bbolt's 32 KB bound on keys) is
// kept as its SHA-256 behind a NUL, which no Message-ID holds: a mail is
// recorded whatever its headers say.
const maxKeyLen = 512

// storeKey is the bbolt key of a Message-ID, series or reply key.
func storeKey(s string) []byte {
	if len(s) <= maxKeyLen {
		return []byte(s)
	}
	sum := sha256.Sum256([]byte(s))
	return append([]byte("\x00sha256:"), hex.EncodeToString(sum[:])...)
}
