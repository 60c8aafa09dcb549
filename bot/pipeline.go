package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/series"
	"github.com/patchbot/patchbot/version"
)

// Series record statuses the pipeline writes (SeriesRecord.Status).
const (
	// SeriesReplied: the review was sent.
	SeriesReplied = "replied"
	// SeriesClean: no findings and reply_clean off, so no reply.
	SeriesClean = "clean"
	// SeriesHeld: a rate limit holds the reply back; it is retried.
	SeriesHeld = "held"
	// SeriesSending: the reply was begun (BeginReply) and handed to the
	// outbox; a record left in this state was interrupted by a crash.
	SeriesSending = "sending"
	// SeriesSendFailed: the outbox refused the reply. At-most-once: it is
	// not retried; PendingReplies lists it.
	SeriesSendFailed = "send-failed"
)

// PipelineOptions configure a Pipeline.
type PipelineOptions struct {
	// From is the bot's address; BotDomain the right-hand side of its
	// Message-IDs (both derived from the config by NewPipelineOptions).
	From      mail.Address
	BotDomain string
	// CcList replies to all (list and original recipients); Cc are copied
	// on every reply.
	CcList bool
	Cc     []mail.Address
	// MaxRecipients caps a reply's To and Cc together (see
	// mail.ReplyOptions); HonourReplyTo follows a patch's Reply-To.
	MaxRecipients int
	HonourReplyTo bool
	// ReplyClean also replies to series without findings.
	ReplyClean bool
	// Grace is how long an incomplete series waits for its missing
	// patches after its last mail arrived.
	Grace time.Duration
	// RatePerAuthor and RateTotal cap the replies; zero rates do not.
	RatePerAuthor, RateTotal config.Rate
	// Review is the review session (checks, policy, rules, tree); every
	// check on the diffs alone when nil.
	Review *review.Session
	// Signature is added to the reproduction hint after the "-- " line.
	Signature string
	// History is how long handled series are remembered in memory for
	// comparing a new version with them (7 days when zero); the store
	// keeps their findings for good.
	History time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Log receives the pipeline's diagnostics (discarded when nil).
	Log *slog.Logger
}

// Pipeline is the list bot's engine: every mail is spooled raw, then
// assembled with the other pending mail into series; a complete series
// is reviewed at once, an incomplete one when its grace window is over;
// the review is answered (at most once per series version, within the
// rate limits) and recorded. Its methods are safe for concurrent use: the
// IMAP watcher and the grace timer take turns.
type Pipeline struct {
	store *Store
	spool *Spool
	// tx is the transaction of the call in hand (Deliver, Add, AddAll,
	// Process, Restore): its records are committed together, one fsync,
	// when it returns, or earlier where the reply protocol needs them
	// durable.
	tx     *Tx
	outbox mail.Outbox
	opts   PipelineOptions
	log    *slog.Logger

	mu      sync.Mutex
	pool    *pendingPool
	limiter *RateLimiter
	held    map[string]time.Time
	history *history
	stats   PipelineStats
}

// PipelineStats counts what the pipeline did since it started.
type PipelineStats struct {
	// Mails were handed to the pipeline; Unreadable could not be parsed
	// or had no Message-ID; Duplicates were seen before.
	Mails, Unreadable, Duplicates int
	// SeriesReviewed ran the checks; Replies were sent; Clean had no
	// findings (no reply); Held were kept back by a rate limit (counted
	// each time); Failed could not be answered (compose or send error, a
	// panic).
	SeriesReviewed, Replies, Clean, Held, Failed int
}

// NewPipeline wires a pipeline; call Restore before the first Deliver
// after a restart.
func NewPipeline(store *Store, spool *Spool, outbox mail.Outbox, opts PipelineOptions) (*Pipeline, error) {
	if store == nil || spool == nil || outbox == nil {
		return nil, errors.New("pipeline: store, spool and outbox are required")
	}
	if opts.From.Email == "" {
		return nil, errors.New("pipeline: the bot's From address is required")
	}
	if opts.BotDomain == "" {
		return nil, fmt.Errorf("pipeline: no domain for the bot's Message-IDs (From %q: set smtp bot_domain)", opts.From.Email)
	}
	if opts.History <= 0 {
		opts.History = 7 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Review == nil {
		sess, err := review.NewSession(review.Options{})
		if err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		opts.Review = sess
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{
		store: store, spool: spool, outbox: outbox, opts: opts, log: log,
		pool:    newPendingPool(),
		limiter: NewRateLimiter(opts.RatePerAuthor, opts.RateTotal),
		held:    map[string]time.Time{},
		history: newHistory(),
	}, nil
}

// Stats returns the counters.
func (p *Pipeline) Stats() PipelineStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Deliver is the IMAP watcher's callback: it spools raw, adds it to the
// pending mail and reviews whatever became due. A mail that cannot be
// read is logged with its Message-ID and kept in the spool; only a
// failure to spool or record it is returned, for the watcher to try the
// mail again (it does not pass a mail Deliver failed on). A review that
// fails after the mail was recorded is logged, not returned: the mail is
// safe, and the grace timer reviews what is due again.
func (p *Pipeline) Deliver(ctx context.Context, uid uint32, raw []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The mail's records are committed before Deliver returns, so before
	// the watcher saves a UID state past it.
	return p.inTx(func() error {
		if err := p.add(ctx, raw, fmt.Sprintf("imap:%d", uid)); err != nil {
			return err
		}
		if err := p.checkpoint(); err != nil {
			return err
		}
		if _, err := p.process(ctx); err != nil {
			p.log.Error("reviewing what is due failed; it is tried again later", "err", err)
		}
		return nil
	})
}

// Add spools and records one mail without reviewing anything; Process
// then reviews what is due. Replaying an archive adds every mail first,
// best with AddAll.
func (p *Pipeline) Add(ctx context.Context, raw []byte, source string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inTx(func() error { return p.add(ctx, raw, source) })
}

// addAllCheckpoint is how many mails AddAll records in one transaction at
// the most, which bounds what a transaction holds in memory.
const addAllCheckpoint = 1024

// AddAll is Add for every mail read calls its add function with (a
// mail.ReadMbox of an archive, say), with their records committed
// together: one fsync per addAllCheckpoint mails instead of one per mail.
// The mails are recorded durably when AddAll returns; a crash before
// loses no mail the spool holds, which Restore records again. An error
// from add or read stops AddAll; the mails added before it stay recorded.
func (p *Pipeline) AddAll(ctx context.Context, read func(add func(raw []byte, source string) error) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inTx(func() error {
		n := 0
		return read(func(raw []byte, source string) error {
			if n++; n%addAllCheckpoint == 0 {
				if err := p.checkpoint(); err != nil {
					return err
				}
			}
			return p.add(ctx, raw, source)
		})
	})
}

// Process reviews the series that are due and returns when the next one
// will be (zero when nothing waits).
func (p *Pipeline) Process(ctx context.Context) (next time.Time, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	err = p.inTx(func() error {
		next, err = p.process(ctx)
		return err
	})
	return next, err
}

// inTx runs fn with p.tx open and commits what fn recorded when it
// returns, also when it fails: what it recorded before its error stands,
// as when every record was a transaction of its own. The spool is flushed
// first; if it cannot be, the records since the last checkpoint are
// discarded instead, as they are by a panic or a crash.
func (p *Pipeline) inTx(fn func() error) (err error) {
	p.tx = p.store.Begin()
	defer func() {
		tx := p.tx
		p.tx = nil
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
		if ferr := p.spool.Flush(); ferr != nil {
			// Records must not name mail a crash could still lose: the
			// mails go unrecorded and are fetched (or replayed) again.
			err = errors.Join(err, ferr, tx.Rollback())
			return
		}
		err = errors.Join(err, tx.Commit())
	}()
	return fn()
}

// checkpoint makes the spooled mail and then the records of the open
// transaction durable, in that order, so that no record ever names mail
// a crash of the machine could lose.
func (p *Pipeline) checkpoint() error {
	if err := p.spool.Flush(); err != nil {
		return err
	}
	return p.tx.Checkpoint()
}

// Pending is how many mails wait in the pool.
func (p *Pipeline) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pool.len()
}

func (p *Pipeline) add(ctx context.Context, raw []byte, source string) (err error) {
	p.stats.Mails++
	path, err := p.spool.Write(ctx, raw)
	if err != nil {
		return err
	}
	log := p.log.With("source", source, "spool", path)
	defer func() {
		if r := recover(); r != nil {
			log.Error("mail crashed the pipeline; kept in the spool", "panic", r, "stack", string(debug.Stack()))
			p.stats.Unreadable++
			err = nil
		}
	}()
	m, perr := mail.Parse(raw, source)
	if m == nil {
		p.stats.Unreadable++
		var re *mail.ReadError
		id := ""
		if errors.As(perr, &re) {
			id = re.MessageID
		}
		log.Warn("mail could not be read; kept in the spool", "msgid", mail.LogID(id), "err", perr)
		if id != "" {
			if err := p.tx.MarkSeen(ctx, id, path); err != nil {
				return err
			}
			return p.tx.SetMessageStatus(ctx, id, MessageFailed)
		}
		return nil
	}
	log = log.With("msgid", mail.LogID(m.MessageID))
	if perr != nil {
		log.Info("mail read with problems", "err", perr)
	}
	if m.MessageID == "" {
		p.stats.Unreadable++
		log.Warn("mail has no Message-ID, so no reply could be threaded; kept in the spool", "subject", m.Subject)
		return nil
	}
	rec, seen, err := p.tx.Message(ctx, m.MessageID)
	if err != nil {
		return err
	}
	if seen && (rec.Status != MessageSpooled || p.pool.has(m.MessageID)) {
		p.stats.Duplicates++
		log.Debug("mail seen before; ignored", "status", rec.Status)
		return nil
	}
	if !isCandidate(m) || p.isOwn(m) {
		// Conversation and the bot's own mail are kept in the spool but
		// not recorded: most list mail is conversation, nothing is ever
		// answered from it, and the store need not hold it. (After a
		// UIDVALIDITY change the watcher fetches it again, harmlessly.)
		log.Debug("not a patch; spooled only", "subject", m.Subject)
		return nil
	}
	if err := p.tx.MarkSeen(ctx, m.MessageID, path); err != nil {
		return err
	}
	arrived := p.opts.Now()
	if seen {
		arrived = rec.FirstSeen
	}
	// The raw bytes are in the spool; the pool needs the decoded mail
	// only, and a busy list keeps many mails waiting.
	m.Raw = nil
	p.pool.add(m, arrived)
	log.Debug("mail pending", "subject", m.Subject)
	return nil
}

// isOwn reports mail the bot wrote: From the bot, or marked X-Patchbot.
func (p *Pipeline) isOwn(m *mail.Message) bool {
	return strings.EqualFold(m.From.Email, p.opts.From.Email) || m.HasXPatchbot
}

func (p *Pipeline) process(ctx context.Context) (time.Time, error) {
	now := p.opts.Now()
	p.history.prune(now.Add(-p.opts.History))
	d := p.pool.due(now, p.opts.Grace, p.held)
	for _, id := range d.stale {
		p.log.Debug("mail belongs to no series; no longer waited for", "msgid", mail.LogID(id))
	}
	if len(d.stale) > 0 {
		if err := p.tx.SetMessagesStatus(ctx, d.stale, MessageDone); err != nil {
			return time.Time{}, err
		}
	}
	p.pool.remove(d.stale)
	if len(d.ready) == 0 {
		return d.next, nil
	}
	// The review may take a while: let other writers (the watcher's UID
	// state) in meanwhile.
	if err := p.checkpoint(); err != nil {
		return d.next, err
	}
	run, err := p.opts.Review.Review(ctx, d.ready)
	if err != nil {
		return d.next, err
	}
	reviews := make(map[*series.Series]review.Result, len(run.Results))
	for _, r := range run.Results {
		reviews[r.Series] = r
	}
	for _, s := range d.ready {
		if err := ctx.Err(); err != nil {
			return d.next, err
		}
		rv, ok := reviews[s]
		if !ok {
			// Not started: the context ended; the mail stays pending.
			continue
		}
		retry, err := p.handle(ctx, s, rv, run.Tree, run.TreeHead)
		if err != nil {
			return d.next, err
		}
		if !retry.IsZero() && (d.next.IsZero() || retry.Before(d.next)) {
			d.next = retry
		}
	}
	return d.next, nil
}

// handle answers one reviewed series; tree says the review used the
// kernel tree. A non-zero retry says a rate limit held the reply back
// until then. Errors are the store's.
func (p *Pipeline) handle(ctx context.Context, s *series.Series, rv review.Result, tree bool, treeHead string) (retry time.Time, err error) {
	key := SeriesKey(s.ID, s.Version)
	log := p.log.With("series", key, "title", s.Title)
	if pe, ok := errors.AsType[*review.PanicError](rv.Err); ok {
		log.Error("series crashed the review; its mail stays in the spool", "panic", pe.Value, "stack", pe.Stack)
		p.stats.Failed++
		return time.Time{}, p.finish(ctx, s)
	}
	defer func() {
		if r := recover(); r != nil {
			log.Error("series crashed the reply; its mail stays in the spool", "panic", r, "stack", string(debug.Stack()))
			p.stats.Failed++
			err = p.finish(ctx, s)
		}
	}()
	rec, ok, err := p.tx.Series(ctx, key)
	if err != nil {
		return time.Time{}, err
	}
	if ok && rec.Status == SeriesSending {
		// Sending is recorded with the reply's begin, in one
		// transaction; a record that says sending without a begun reply
		// (written by a crash between the two in an older patchbot)
		// never reached the outbox, so the reply is still owed.
		if _, begun, err := p.tx.Reply(ctx, rec.ReplyMessageID); err != nil {
			return time.Time{}, err
		} else if !begun {
			log.Warn("series was being answered, but its reply never began (interrupted); answering it now")
			ok = false
		}
	}
	if ok && rec.Status != SeriesHeld {
		log.Info("series already handled; not reviewed again", "status", rec.Status)
		return time.Time{}, p.finish(ctx, s)
	}
	if prior, late := p.history.lateMember(s, p.pool.firstArrival(s)); late {
		return time.Time{}, p.followUp(ctx, s, prior, log)
	}

	if rv.Err != nil {
		log.Error("check failed", "err", rv.Err)
	}
	findings := rv.Findings
	p.stats.SeriesReviewed++
	fps := make([]string, len(findings))
	for i, f := range findings {
		fps[i] = report.Fingerprint(f)
	}
	in := report.ReplyInput{Series: s, Findings: findings, Verdict: rv.Verdict, Tree: tree, TreeHead: treeHead, ReportedBy: p.opts.From.String(),
		Checks: p.opts.Review.Restricted()}
	if !s.Complete {
		in.Grace = p.opts.Grace.String()
	}
	if prev, prevRec, ok := p.previous(ctx, s); ok {
		in.Previous = prev
		in.Still = map[string]bool{}
		for _, fp := range prevRec.Findings {
			if slices.Contains(fps, fp) {
				in.Still[fp] = true
			} else {
				in.Fixed = append(in.Fixed, report.FingerprintLabel(fp))
			}
		}
	}
	log.Info("series reviewed", "findings", len(findings), "complete", s.Complete, "missing", s.Missing, "previous_version", in.Previous)
	save := SeriesRecord{SeriesID: s.ID, Version: s.Version, Findings: fps}
	if len(findings) == 0 && !p.opts.ReplyClean {
		p.stats.Clean++
		save.Status = SeriesClean
		if err := p.tx.SaveSeries(ctx, save); err != nil {
			return time.Time{}, err
		}
		return time.Time{}, p.finish(ctx, s)
	}
	return p.reply(ctx, s, in, save, log)
}

// reply composes, rate-limits and sends the review of s under the
// at-most-once protocol.
func (p *Pipeline) reply(ctx context.Context, s *series.Series, in report.ReplyInput, save SeriesRecord, log *slog.Logger) (time.Time, error) {
	key := SeriesKey(s.ID, s.Version)
	replyID := ReplyMessageID(s.ID, s.Version, p.opts.BotDomain)
	if _, ok, err := p.tx.Reply(ctx, replyID); err != nil {
		return time.Time{}, err
	} else if ok {
		log.Info("reply already begun; never sent twice", "reply", replyID)
		return time.Time{}, p.finish(ctx, s)
	}
	target := replyTarget(s, in.Findings)
	if target == nil {
		log.Warn("series has no mail to reply to")
		return time.Time{}, p.finish(ctx, s)
	}
	r, rateKeys, err := p.compose(target, replyID, s.ID, in, log)
	if err != nil {
		log.Warn("no reply possible", "err", err)
		p.stats.Failed++
		return time.Time{}, p.finish(ctx, s)
	}
	now := p.opts.Now()
	if ok, at := p.limiter.Take(rateKeys, now); !ok {
		p.stats.Held++
		p.held[key] = at
		log.Info("reply held back by the rate limit; will retry", "retry_at", at.Format(time.RFC3339), "author", target.From.Email)
		save.Status = SeriesHeld
		return at, p.tx.SaveSeries(ctx, save)
	}
	delete(p.held, key)
	save.Status = SeriesSending
	save.ReplyMessageID = replyID
	sent, err := p.sendOnce(ctx, r, key, rateKeys, log,
		func() error { return p.tx.SaveSeries(ctx, save) },
		func(ctx context.Context, status string) error {
			save.Status = status
			return p.tx.SaveSeries(ctx, save)
		})
	if err != nil {
		return time.Time{}, err
	}
	if sent {
		// The outbox said what became of the reply ("reply sent", "reply
		// written (dry run, not sent)", "reply saved as a draft"), once.
		log.Debug("reply recorded", "reply", replyID, "in_reply_to", r.InReplyTo, "to", target.From.Email, "findings", len(in.Findings))
	}
	if err := p.finish(context.WithoutCancel(ctx), s); err != nil {
		return time.Time{}, err
	}
	// A reply that went out is recorded sent at once, not at the end of
	// the pass: a crash later must not leave a reply that went out listed
	// as maybe sent. The fsync it costs is one per reply, a few a pass.
	return time.Time{}, p.checkpoint()
}

// compose writes the reply replyID to target for the review in of the
// series seriesID, and the addresses it counts against in the rate limits
// (its To); recipients over the cap are logged.
func (p *Pipeline) compose(target *mail.Message, replyID, seriesID string, in report.ReplyInput, log *slog.Logger) (*mail.Reply, []string, error) {
	sig := report.ReplySignature(seriesID, in.Tree, version.Read().Short())
	if p.opts.CcList {
		// The reply copies the list: lore will have it under its
		// Message-ID, which the Closes: tag can point at.
		in.ReportURL = report.LoreURL(replyID)
	}
	if p.opts.Signature != "" {
		sig += "\n" + p.opts.Signature
	}
	r, err := mail.ComposeReply(target, mail.ReplyOptions{
		From: p.opts.From, MessageID: replyID, CcList: p.opts.CcList, Cc: p.opts.Cc,
		MaxRecipients: p.opts.MaxRecipients, HonourReplyTo: p.opts.HonourReplyTo,
		Date: p.opts.Now(), Signature: sig, Verdict: in.Verdict,
	}, report.ReplyBody(in))
	if err != nil {
		return nil, nil, err
	}
	if len(r.Dropped) > 0 {
		first := make([]string, 0, 5)
		for _, a := range r.Dropped[:min(5, len(r.Dropped))] {
			first = append(first, a.Email)
		}
		log.Warn("reply recipients over the cap were dropped", "dropped", len(r.Dropped), "first", first,
			"max_recipients", cmp.Or(p.opts.MaxRecipients, mail.DefaultMaxRecipients))
	}
	// The author and whomever else the reply is to, but not the list (a
	// list that sets Reply-To to itself would put every author under one
	// limit): rate_total bounds what the list gets.
	rateKeys := []string{target.From.Email}
	list := mail.ListAddress(target.ListID)
	for _, a := range r.To {
		if !strings.EqualFold(a.Email, list) {
			rateKeys = append(rateKeys, a.Email)
		}
	}
	return r, rateKeys, nil
}

// sendOnce hands r to the outbox at most once. The reply is recorded as
// begun (under beginKey, counting against rateKeys), with what before
// records, and made durable before the outbox sees it; after records the
// outcome (SeriesReplied, or SeriesSendFailed) with the reply's end. A
// reply begun before is not sent again. It reports whether r went out;
// errors are the store's.
func (p *Pipeline) sendOnce(ctx context.Context, r *mail.Reply, beginKey string, rateKeys []string, log *slog.Logger,
	before func() error, after func(ctx context.Context, status string) error) (bool, error) {
	replyID := strings.Trim(r.MessageID, "<>")
	if err := before(); err != nil {
		return false, err
	}
	already, err := p.tx.BeginReplyTo(ctx, beginKey, replyID, rateKeys)
	if err != nil {
		return false, err
	}
	// At most once: the reply is recorded durably before the outbox sees
	// it, with all this pass recorded before.
	if err := p.checkpoint(); err != nil {
		return false, err
	}
	if already {
		log.Info("reply already begun; never sent twice", "reply", replyID)
		return false, nil
	}
	if err := p.outbox.Send(ctx, r); err != nil {
		p.stats.Failed++
		ctx := context.WithoutCancel(ctx)
		switch {
		case errors.Is(err, mail.ErrRejected):
			log.Error("reply rejected by the mail server; not sent, and not tried again", "reply", replyID, "err", err)
			if err := p.tx.RejectReply(ctx, replyID); err != nil {
				return false, err
			}
		case errors.Is(err, mail.ErrMaybeSent):
			log.Error("reply handed over, but the server never said whether it took it; at-most-once, so it stays pending for a human", "reply", replyID, "err", err)
		default:
			log.Error("reply not sent after the outbox's retries; it stays pending for a human", "reply", replyID, "err", err)
		}
		return false, after(ctx, SeriesSendFailed)
	}
	// The reply is out: record it even if we are being stopped.
	ctx = context.WithoutCancel(ctx)
	if err := p.tx.FinishReply(ctx, replyID); err != nil {
		return false, err
	}
	p.stats.Replies++
	return true, after(ctx, SeriesReplied)
}

// finish marks the mail of s handled, lets it out of the pool and
// remembers the series for its next version.
func (p *Pipeline) finish(ctx context.Context, s *series.Series) error {
	ids := seriesMessageIDs(s)
	if err := p.tx.SetMessagesStatus(ctx, ids, MessageDone); err != nil {
		return err
	}
	p.pool.remove(ids)
	delete(p.held, SeriesKey(s.ID, s.Version))
	p.history.add(s, p.opts.Now())
	return nil
}

// previous finds the latest earlier version of s the bot recorded.
func (p *Pipeline) previous(ctx context.Context, s *series.Series) (int, SeriesRecord, bool) {
	cands := p.history.versionsOf(s)
	for _, v := range s.Versions {
		if v.Version < s.Version {
			cands = append(cands, ref{id: v.ID, version: v.Version})
		}
	}
	slices.SortFunc(cands, func(a, b ref) int { return b.version - a.version })
	for _, c := range cands {
		rec, ok, err := p.tx.Series(ctx, SeriesKey(c.id, c.version))
		if err != nil {
			p.log.Warn("previous version unreadable", "series", SeriesKey(c.id, c.version), "err", err)
			continue
		}
		if ok && rec.Status != SeriesHeld {
			return c.version, rec, true
		}
	}
	return 0, SeriesRecord{}, false
}

// replyTarget is the mail a review answers: the patch all findings are
// in, else the cover letter, else the first patch.
func replyTarget(s *series.Series, fs []checks.Finding) *mail.Message {
	if len(fs) > 0 {
		id := fs[0].MessageID
		same := id != ""
		for _, f := range fs[1:] {
			same = same && f.MessageID == id
		}
		if same {
			for _, pt := range s.Patches {
				if pt.Msg != nil && pt.Msg.MessageID == id {
					return pt.Msg
				}
			}
		}
	}
	if s.Cover != nil {
		return s.Cover
	}
	for _, pt := range s.Patches {
		if pt.Msg != nil {
			return pt.Msg
		}
	}
	return nil
}
