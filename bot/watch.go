package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/mail"
)

// restoreWindow is how far back in the spool Watch looks for pending mail
// after a restart.
const restoreWindow = 30 * 24 * time.Hour

// WatchOptions are what Watch takes besides the configuration.
type WatchOptions struct {
	// Log receives every diagnostic (slog.Default() when nil).
	Log *slog.Logger
	// Transport says how to reach the IMAP and SMTP servers beyond the
	// config (a private CA, a dialer).
	Transport Transport
	// Ready, when set, is called with the pipeline once it is restored
	// and before the first mail is read.
	Ready func(*Pipeline)
	// Notifier tells systemd the bot is ready once the mailbox is open,
	// feeds its watchdog from the IDLE loop, and says when it stops (nil:
	// not run by systemd).
	Notifier *Notifier
}

// NewLogger returns the logger [log] asks for: text or JSON on w, at the
// configured level.
func NewLogger(w io.Writer, l config.Log) *slog.Logger {
	ho := &slog.HandlerOptions{Level: l.SlogLevel()}
	if strings.EqualFold(l.Format, "json") {
		return slog.New(slog.NewJSONHandler(w, ho))
	}
	return slog.New(slog.NewTextHandler(w, ho))
}

// Watch runs the list bot until ctx is done: it opens the state store,
// logs the replies a crash left pending, restores the pending mail from
// the spool, watches the IMAP mailbox with the pipeline as the delivery
// callback and runs the grace timer. On cancellation it finishes the
// mail in hand, then closes the store.
func Watch(ctx context.Context, cfg *config.Config, opts WatchOptions) error {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	imapCfg, err := IMAPConfig(ctx, cfg, "", opts.Transport)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if opts.Notifier != nil {
		imapCfg.Alive = opts.Notifier.Alive
		defer opts.Notifier.Stopping()
	}
	popts, err := NewPipelineOptions(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	outbox, err := NewOutbox(ctx, cfg, imapCfg, opts.Transport, log)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}

	store, err := Open(cfg.State.DBPath())
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing the state store", "err", err)
		}
	}()
	pending, err := store.PendingReplies(ctx)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	for _, r := range pending {
		log.Warn("reply begun but never confirmed (interrupted): it may or may not have gone out and will not be sent again",
			"reply", r.MessageID, "series", r.SeriesKey, "began", r.Began.Format(time.RFC3339))
	}

	spool := &Spool{Dir: cfg.State.Spool, Sync: true}
	if n, err := spool.RemoveLeftovers(); err != nil {
		log.Warn("leftovers of an earlier crash in the spool could not all be removed", "removed", n, "err", err)
	} else if n > 0 {
		log.Info("removed leftovers of an earlier crash from the spool", "files", n)
	}
	defer func() {
		if err := spool.Close(); err != nil {
			log.Error("closing the spool", "err", err)
		}
	}()
	p, err := NewPipeline(store, spool, outbox, popts)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if _, err := p.Restore(ctx, restoreWindow); err != nil {
		return fmt.Errorf("watch: restore pending mail: %w", err)
	}
	if opts.Ready != nil {
		opts.Ready(p)
	}
	log.Info("patchbot watching", "imap", imapCfg, "outbox", cfg.Outbox.Mode, "grace", cfg.Reply.Grace.D(),
		"state", cfg.State.DBPath(), "spool", cfg.State.Spool)

	wake := make(chan struct{}, 1)
	timerCtx, stopTimer := context.WithCancel(ctx)
	defer stopTimer()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runGraceTimer(timerCtx, p, wake, log)
	}()
	deliver := func(c context.Context, uid uint32, raw []byte) error {
		// The mail in hand is finished even when a signal arrives
		// meanwhile: its reply must be recorded once it went out.
		err := p.Deliver(context.WithoutCancel(c), uid, raw)
		select {
		case wake <- struct{}{}:
		default:
		}
		return err
	}
	err = mail.WatchIMAP(ctx, imapCfg, store, log, deliver)
	stopTimer()
	wg.Wait()
	st := p.Stats()
	log.Info("patchbot stopped", "mails", st.Mails, "series_reviewed", st.SeriesReviewed, "replies", st.Replies,
		"held", st.Held, "pending_mails", p.Pending())
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return nil
}

// runGraceTimer reviews incomplete series when their grace window ends
// and held replies when the rate limit lets them go.
func runGraceTimer(ctx context.Context, p *Pipeline, wake <-chan struct{}, log *slog.Logger) {
	const idle = time.Minute
	for {
		next, err := p.Process(context.WithoutCancel(ctx))
		if err != nil {
			log.Error("reviewing due series", "err", err)
		}
		wait := idle
		if !next.IsZero() {
			wait = max(time.Until(next), 10*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}
