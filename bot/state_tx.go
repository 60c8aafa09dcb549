package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/patchbot/patchbot/mail"
	bolt "go.etcd.io/bbolt"
)

// Tx groups several of the store's records into one bbolt transaction,
// so that they cost one fsync together: the mails of a replay, the
// records of one processing pass. What its methods write is seen by its
// own reads at once and becomes durable, all of it, with Checkpoint or
// Commit; a crash before loses all of it and nothing committed before.
// An operation that fails writes nothing, so the Tx can still be
// committed after it.
//
// The bbolt transaction is begun by the first operation, so a Tx holds
// the store's write lock (other writers wait) from its first operation
// to Checkpoint, Commit or Rollback. A Tx belongs to one goroutine; while
// it is open that goroutine must not use the Store's own methods.
type Tx struct {
	s   *Store
	btx *bolt.Tx
	// dirty says the open transaction wrote something: one that only
	// read is rolled back instead of committed, which costs no fsync.
	dirty bool
}

// Begin returns a transaction on the store; end it with Commit or
// Rollback.
func (s *Store) Begin() *Tx { return &Tx{s: s} }

// Checkpoint makes what the Tx wrote so far durable (one fsync) and lets
// other writers in; the Tx goes on with the next operation in a new
// transaction. The at-most-once reply protocol checkpoints after
// BeginReply, before the outbox is handed the reply.
func (t *Tx) Checkpoint() error {
	if t.btx == nil {
		return nil
	}
	btx, dirty := t.btx, t.dirty
	t.btx, t.dirty = nil, false
	if !dirty {
		if err := btx.Rollback(); err != nil {
			return fmt.Errorf("end state transaction: %w", err)
		}
		return nil
	}
	if err := btx.Commit(); err != nil {
		return fmt.Errorf("commit state: %w", err)
	}
	t.s.committed()
	return nil
}

// Commit makes what the Tx wrote durable and ends it.
func (t *Tx) Commit() error { return t.Checkpoint() }

// Rollback discards what the Tx wrote since its last checkpoint and ends
// it, as a crash would.
func (t *Tx) Rollback() error {
	if t.btx == nil {
		return nil
	}
	btx := t.btx
	t.btx, t.dirty = nil, false
	if err := btx.Rollback(); err != nil {
		return fmt.Errorf("roll back state transaction: %w", err)
	}
	return nil
}

// MarkSeen records that the mail id was read and spooled at spoolPath,
// with status MessageSpooled. Marking a mail seen again keeps its first
// sighting and status and only fills in a missing spool path.
func (t *Tx) MarkSeen(ctx context.Context, msgid, spoolPath string) error {
	err := t.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketMessages))
		var rec MessageRecord
		if v := b.Get(storeKey(msgid)); v != nil {
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			if rec.SpoolPath != "" || spoolPath == "" {
				return nil
			}
			rec.SpoolPath = spoolPath
		} else {
			rec = MessageRecord{MessageID: msgid, FirstSeen: t.s.now().UTC(), SpoolPath: spoolPath, Status: MessageSpooled}
		}
		return putJSON(b, msgid, rec)
	})
	if err != nil {
		return fmt.Errorf("mark message <%s> seen: %w", mail.LogID(msgid), err)
	}
	return nil
}

// SetMessageStatus records what became of a mail (see SetMessagesStatus).
func (t *Tx) SetMessageStatus(ctx context.Context, msgid, status string) error {
	return t.SetMessagesStatus(ctx, []string{msgid}, status)
}

// SetMessagesStatus records what became of the mails of one series. Every
// mail must have been marked seen; if one was not, no status changes.
func (t *Tx) SetMessagesStatus(ctx context.Context, msgids []string, status string) error {
	err := t.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketMessages))
		recs := make([]MessageRecord, len(msgids))
		for i, msgid := range msgids {
			v := b.Get(storeKey(msgid))
			if v == nil {
				return fmt.Errorf("message <%s>: not marked seen", mail.LogID(msgid))
			}
			if err := json.Unmarshal(v, &recs[i]); err != nil {
				return fmt.Errorf("message <%s>: %w", mail.LogID(msgid), err)
			}
		}
		for i, msgid := range msgids {
			recs[i].Status = status
			if err := putJSON(b, msgid, recs[i]); err != nil {
				return fmt.Errorf("message <%s>: %w", mail.LogID(msgid), err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set status %q of %d messages: %w", status, len(msgids), err)
	}
	return nil
}

// Message returns the record of the mail msgid.
func (t *Tx) Message(ctx context.Context, msgid string) (MessageRecord, bool, error) {
	return txRecord[MessageRecord](ctx, t, bucketMessages, msgid, "message <"+msgid+">")
}

// Series returns the record stored under key (see SeriesKey).
func (t *Tx) Series(ctx context.Context, key string) (SeriesRecord, bool, error) {
	return txRecord[SeriesRecord](ctx, t, bucketSeries, key, "series "+strconv.Quote(key))
}

// SaveSeries stores rec under SeriesKey(rec.SeriesID, rec.Version). A
// reply Message-ID already recorded by BeginReply is kept when rec has
// none.
func (t *Tx) SaveSeries(ctx context.Context, rec SeriesRecord) error {
	if rec.SeriesID == "" {
		return errors.New("save series: no series ID")
	}
	rec.Key = SeriesKey(rec.SeriesID, rec.Version)
	rec.Updated = t.s.now().UTC()
	err := t.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketSeries))
		if rec.ReplyMessageID == "" {
			if v := b.Get(storeKey(rec.Key)); v != nil {
				var old SeriesRecord
				if err := json.Unmarshal(v, &old); err != nil {
					return err
				}
				rec.ReplyMessageID = old.ReplyMessageID
			}
		}
		return putJSON(b, rec.Key, rec)
	})
	if err != nil {
		return fmt.Errorf("save series %q: %w", rec.Key, err)
	}
	return nil
}

// BeginReply records replyMsgID as pending for seriesKey and returns
// already=false, or records nothing and returns already=true when
// replyMsgID was begun before (see Store.BeginReply). The record is
// durable only after Checkpoint or Commit, which must come before the
// outbox is handed the reply.
func (t *Tx) BeginReply(ctx context.Context, seriesKey, replyMsgID string) (already bool, err error) {
	return t.BeginReplyTo(ctx, seriesKey, replyMsgID, nil)
}

// BeginReplyTo is BeginReply for a reply that counts against rateKeys in
// the rate limits (ReplyRecord.RateKeys).
func (t *Tx) BeginReplyTo(ctx context.Context, seriesKey, replyMsgID string, rateKeys []string) (already bool, err error) {
	if replyMsgID == "" {
		return false, errors.New("begin reply: no Message-ID")
	}
	err = t.write(ctx, func(tx *bolt.Tx) error {
		replies := tx.Bucket([]byte(bucketReplies))
		if replies.Get(storeKey(replyMsgID)) != nil {
			already = true
			return nil
		}
		rec := ReplyRecord{MessageID: replyMsgID, SeriesKey: seriesKey, State: ReplyPending, Began: t.s.now().UTC(), RateKeys: rateKeys}
		series := tx.Bucket([]byte(bucketSeries))
		var sr SeriesRecord
		v := series.Get(storeKey(seriesKey))
		if v != nil {
			if err := json.Unmarshal(v, &sr); err != nil {
				return err
			}
		}
		if err := putJSON(replies, replyMsgID, rec); err != nil {
			return err
		}
		if v == nil {
			return nil
		}
		sr.ReplyMessageID = replyMsgID
		sr.Updated = rec.Began
		return putJSON(series, seriesKey, sr)
	})
	if err != nil {
		return false, fmt.Errorf("begin reply <%s> to series %q: %w", mail.LogID(replyMsgID), seriesKey, err)
	}
	return already, nil
}

// FinishReply records that the outbox accepted the reply replyMsgID. It is
// an error to finish a reply that was never begun.
func (t *Tx) FinishReply(ctx context.Context, replyMsgID string) error {
	return t.endReply(ctx, replyMsgID, ReplySent, "finish")
}

// RejectReply records that the mail server refused the reply replyMsgID
// for good: it was not sent, and it is no longer pending.
func (t *Tx) RejectReply(ctx context.Context, replyMsgID string) error {
	return t.endReply(ctx, replyMsgID, ReplyRejected, "reject")
}

// endReply moves a begun, pending reply to state.
func (t *Tx) endReply(ctx context.Context, replyMsgID, state, verb string) error {
	err := t.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketReplies))
		v := b.Get(storeKey(replyMsgID))
		if v == nil {
			return errors.New("it was never begun (call BeginReply before sending)")
		}
		var rec ReplyRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		if rec.State != ReplyPending {
			return nil
		}
		rec.State = state
		if state == ReplySent {
			rec.Sent = t.s.now().UTC()
		}
		return putJSON(b, replyMsgID, rec)
	})
	if err != nil {
		return fmt.Errorf("%s reply <%s>: %w", verb, mail.LogID(replyMsgID), err)
	}
	return nil
}

// Reply returns the record of the reply replyMsgID.
func (t *Tx) Reply(ctx context.Context, replyMsgID string) (ReplyRecord, bool, error) {
	return txRecord[ReplyRecord](ctx, t, bucketReplies, replyMsgID, "reply <"+replyMsgID+">")
}

// txRecord loads the record under key in bucket; what names it in the
// error.
func txRecord[T any](ctx context.Context, t *Tx, bucket, key, what string) (T, bool, error) {
	var rec T
	ok, err := t.get(ctx, bucket, key, &rec)
	if err != nil {
		return rec, false, fmt.Errorf("load %s: %w", what, err)
	}
	return rec, ok, nil
}

// bolt returns the open bbolt transaction, beginning one if needed.
func (t *Tx) bolt() (*bolt.Tx, error) {
	if t.btx == nil {
		btx, err := t.s.db.Begin(true)
		if err != nil {
			return nil, fmt.Errorf("begin state transaction: %w", err)
		}
		t.btx = btx
	}
	return t.btx, nil
}

// write runs fn in the open transaction, which then has something to
// commit.
func (t *Tx) write(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	btx, err := t.bolt()
	if err != nil {
		return err
	}
	t.dirty = true
	return fn(btx)
}

func (t *Tx) get(ctx context.Context, bucket string, key string, v any) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	btx, err := t.bolt()
	if err != nil {
		return false, err
	}
	b := btx.Bucket([]byte(bucket)).Get(storeKey(key))
	if b == nil {
		return false, nil
	}
	return true, json.Unmarshal(b, v)
}

// RecentReplies returns the replies begun at since or later that were
// sent or may have been (pending), oldest first: what the rate limits
// count when the bot starts again.
func (t *Tx) RecentReplies(ctx context.Context, since time.Time) ([]ReplyRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	btx, err := t.bolt()
	if err != nil {
		return nil, err
	}
	var out []ReplyRecord
	err = btx.Bucket([]byte(bucketReplies)).ForEach(func(k, v []byte) error {
		var rec ReplyRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("reply <%s>: %w", mail.LogID(string(k)), err)
		}
		if !rec.Began.Before(since) && (rec.State == ReplySent || rec.State == ReplyPending) {
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recent replies: %w", err)
	}
	slices.SortFunc(out, func(a, b ReplyRecord) int { return a.Began.Compare(b.Began) })
	return out, nil
}
