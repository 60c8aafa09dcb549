package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// IMAPState is where the watcher stands in one mailbox: the UIDVALIDITY the
// UIDs belong to and the highest UID already handed to the pipeline.
type IMAPState struct {
	UIDValidity uint32
	LastUID     uint32
	// Saved is when the state was last saved, as the store loads it (it
	// is not saved itself): how far the watcher had read the mailbox in
	// time, for a mailbox recreated since. Zero when the store cannot say.
	Saved time.Time
}

// UIDStore persists IMAPState per mailbox and answers whether the pipeline
// has already seen a Message-ID. The key is "server/mailbox" (IMAPConfig
// Addr + "/" + Mailbox); Message-IDs are passed without angle brackets, as
// in Message.MessageID. bot's bbolt store implements it.
type UIDStore interface {
	LoadUIDState(ctx context.Context, key string) (IMAPState, bool, error)
	SaveUIDState(ctx context.Context, key string, st IMAPState) error
	SeenMessageID(ctx context.Context, id string) (bool, error)
}

// WatchIMAP watches one mailbox and hands each new mail to deliver, in UID
// order, until ctx is done (then it returns nil). Mail is fetched with
// BODY.PEEK[], so flags never change.
//
// Where it starts: at LastUID+1 of the state saved for (server, mailbox);
// on the first run at "now" (UIDNEXT), or with the mail since cfg.Since
// when set. The state is saved after every mail deliver accepts, so a crash
// re-delivers at most the mail in flight (at-least-once). A mail whose
// Message-ID the store has already seen is skipped without fetching its
// body. When UIDVALIDITY changes (the server renumbered the mailbox), the
// watcher resumes after the newest mail whose Message-ID the store has
// seen, so nothing is processed twice and older mail the bot never saw is
// not dug up; if none was seen (a mailbox deleted and created again), it
// delivers the mail since the day before the state was last saved (see
// IMAPState.Saved), skipping what was seen, else starts as on a first run. A
// mail deliver fails on (or a position the store cannot save) is retried
// with backoff, logged with its UID and Message-ID each time, and the
// position never passes it before it was taken: a full disk delays mail,
// it never drops it.
//
// New mail is noticed through IDLE and, because IDLE can die silently or
// miss a wake-up, by asking the server every cfg.PollInterval; a server
// that stops answering for cfg.Timeout is given up on. A broken connection
// is re-established with jittered exponential backoff (cfg.MinBackoff to
// cfg.MaxBackoff, from the start again after each session that reached
// the mailbox). WatchIMAP returns an error only for what retrying cannot fix:
// an invalid cfg, a password, mailbox or certificate rejected on the very
// first connection, or a state store that cannot be read.
func WatchIMAP(ctx context.Context, cfg IMAPConfig, store UIDStore, log *slog.Logger,
	deliver func(ctx context.Context, uid uint32, raw []byte) error) error {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	if store == nil || deliver == nil {
		return errors.New("imap watcher: store and deliver must not be nil")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &imapWatcher{
		cfg:     cfg,
		key:     cfg.stateKey(),
		store:   store,
		log:     log.With("mailbox", cfg.stateKey()),
		deliver: deliver,
	}

	bo := imapBackoff{min: cfg.MinBackoff, max: cfg.MaxBackoff}
	everConnected := false
	w.log.Info("imap watcher starting", "imap", cfg)
	for attempt := 1; ; attempt++ {
		w.log.Info("imap connecting", "attempt", attempt)
		began := time.Now()
		selectedAt, err := w.session(ctx)
		if ctx.Err() != nil {
			w.log.Info("imap watcher stopped")
			return nil
		}
		var fatal *imapFatalError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		if !selectedAt.IsZero() {
			everConnected = true
		} else if !everConnected && imapConfigError(err) {
			// A password, mailbox or certificate refused on the first
			// try is a configuration mistake: say so instead of
			// retrying forever.
			return err
		}
		if !selectedAt.IsZero() {
			// The session reached its mailbox: server, password and
			// mailbox work, and this is a new outage (a restarted
			// server, say), to be retried from MinBackoff again.
			bo.reset()
		}
		delay := bo.next()
		w.log.Warn("imap session ended; reconnecting",
			"err", err, "session", time.Since(began).Round(time.Millisecond), "retry_in", delay.Round(time.Millisecond))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			w.log.Info("imap watcher stopped")
			return nil
		case <-t.C:
		}
	}
}

// imapFatalError wraps an error that ends the watcher instead of causing a
// reconnection (a failing state store).
type imapFatalError struct{ err error }

func (e *imapFatalError) Error() string { return e.err.Error() }
func (e *imapFatalError) Unwrap() error { return e.err }

// imapWatcher is the state of one WatchIMAP call; each session (one
// connection) works on it in turn, never concurrently.
type imapWatcher struct {
	cfg     IMAPConfig
	key     string
	store   UIDStore
	log     *slog.Logger
	deliver func(ctx context.Context, uid uint32, raw []byte) error
}

// saveState persists st, retrying with backoff while the store fails (a
// full disk). It is not cancelled with ctx while the store answers: a mail
// deliver accepted while the watcher was being stopped must still count as
// delivered; a store that fails until ctx ends loses nothing either, as
// the mail is fetched again and skipped by its Message-ID.
func (w *imapWatcher) saveState(ctx context.Context, st IMAPState) error {
	log := w.log.With("uidvalidity", st.UIDValidity, "last_uid", st.LastUID)
	return w.retry(ctx, log, "save the mailbox position", func() error {
		return w.store.SaveUIDState(context.WithoutCancel(ctx), w.key, st)
	})
}
