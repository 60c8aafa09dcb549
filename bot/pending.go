package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// pendingPool holds the patch mail that belongs to no handled series yet,
// with when each mail arrived, and decides which series are due: a
// complete series at once, an incomplete one once grace has passed since
// its last mail arrived, so that a series is reviewed whole when it can
// be and never waits for ever.
type pendingPool struct {
	msgs map[string]pendingMsg
}

type pendingMsg struct {
	msg     *mail.Message
	arrived time.Time
}

func newPendingPool() *pendingPool { return &pendingPool{msgs: map[string]pendingMsg{}} }

// add puts m in the pool; it reports false when a mail with the same
// Message-ID is there already.
func (p *pendingPool) add(m *mail.Message, arrived time.Time) bool {
	if _, ok := p.msgs[m.MessageID]; ok {
		return false
	}
	p.msgs[m.MessageID] = pendingMsg{msg: m, arrived: arrived}
	return true
}

func (p *pendingPool) has(id string) bool { _, ok := p.msgs[id]; return ok }

func (p *pendingPool) remove(ids []string) {
	for _, id := range ids {
		delete(p.msgs, id)
	}
}

func (p *pendingPool) len() int { return len(p.msgs) }

// dueSeries is what one look at the pool found.
type dueSeries struct {
	// ready are the series to review now; waiting those still within
	// their grace window.
	ready, waiting []*series.Series
	// stale are mails in no series (a cover whose patches never came, a
	// patch without a diff) whose grace window is over: the pool lets
	// them go.
	stale []string
	// next is when the earliest waiting series or mail falls due (zero
	// when none waits).
	next time.Time
}

// due assembles the pool as it stands at now. held maps series keys kept
// back (by a rate limit) to when they may be retried.
func (p *pendingPool) due(now time.Time, grace time.Duration, held map[string]time.Time) dueSeries {
	var d dueSeries
	if len(p.msgs) == 0 {
		return d
	}
	msgs := make([]*mail.Message, 0, len(p.msgs))
	for _, pm := range p.msgs {
		msgs = append(msgs, pm.msg)
	}
	res := series.Assemble(msgs)
	later := func(t time.Time) {
		if d.next.IsZero() || t.Before(d.next) {
			d.next = t
		}
	}
	for _, s := range res.Series {
		if at, ok := held[SeriesKey(s.ID, s.Version)]; ok && now.Before(at) {
			later(at)
			d.waiting = append(d.waiting, s)
			continue
		}
		if s.Complete {
			d.ready = append(d.ready, s)
			continue
		}
		deadline := p.lastArrival(s).Add(grace)
		if !now.Before(deadline) {
			d.ready = append(d.ready, s)
			continue
		}
		later(deadline)
		d.waiting = append(d.waiting, s)
	}
	for _, sk := range res.Skipped {
		pm, ok := p.msgs[sk.MessageID]
		if !ok {
			continue
		}
		if deadline := pm.arrived.Add(grace); now.Before(deadline) {
			later(deadline)
			continue
		}
		d.stale = append(d.stale, sk.MessageID)
	}
	return d
}

// firstArrival is when the oldest mail of s arrived.
func (p *pendingPool) firstArrival(s *series.Series) time.Time {
	var first time.Time
	for _, id := range seriesMessageIDs(s) {
		if pm, ok := p.msgs[id]; ok && (first.IsZero() || pm.arrived.Before(first)) {
			first = pm.arrived
		}
	}
	return first
}

// lastArrival is when the newest mail of s arrived.
func (p *pendingPool) lastArrival(s *series.Series) time.Time {
	var last time.Time
	for _, id := range seriesMessageIDs(s) {
		if pm, ok := p.msgs[id]; ok && pm.arrived.After(last) {
			last = pm.arrived
		}
	}
	return last
}

// seriesMessageIDs lists the Message-IDs of the cover letter and patches
// of s.
func seriesMessageIDs(s *series.Series) []string {
	var ids []string
	if s.Cover != nil {
		ids = append(ids, s.Cover.MessageID)
	}
	for _, p := range s.Patches {
		if p.Msg != nil {
			ids = append(ids, p.Msg.MessageID)
		}
	}
	return ids
}

// isCandidate reports whether m may be part of a patch series the bot
// reviews: not a reply, not a pull request ([GIT PULL]), and a patch
// subject or a body carrying a diff. Everything else is conversation the
// pool need not hold.
func isCandidate(m *mail.Message) bool {
	subj := series.ParseSubject(m.Subject)
	if subj.IsReply {
		return false
	}
	for _, w := range subj.Prefixes {
		if strings.EqualFold(w, "PULL") || strings.EqualFold(w, "GIT PULL") {
			return false
		}
	}
	if subj.IsPatch {
		return true
	}
	return len(subj.Prefixes) == 0 && strings.Contains(m.Body, "\ndiff --git ")
}

// ref names one handled series version.
type ref struct {
	id      string
	version int
}

// history remembers the series the pipeline handled recently: which
// version each mail belonged to (so that a straggler of a reviewed series
// is not reviewed as a series of its own, and a new version posted into
// the thread finds its predecessor) and each series by title and author
// (how b4 matches revisions).
type history struct {
	byMember map[string]ref
	byTitle  map[string][]ref
	added    map[ref]time.Time
	total    map[ref]int
}

func newHistory() *history {
	return &history{byMember: map[string]ref{}, byTitle: map[string][]ref{}, added: map[ref]time.Time{}, total: map[ref]int{}}
}

func titleKey(s *series.Series) string {
	t := strings.ToLower(strings.Join(strings.Fields(s.Title), " "))
	return strings.TrimRight(t, ". ") + "\x00" + strings.ToLower(s.Author.Email)
}

func (h *history) add(s *series.Series, at time.Time) {
	r := ref{id: s.ID, version: s.Version}
	if _, ok := h.added[r]; ok {
		return
	}
	h.added[r] = at
	h.total[r] = s.Total
	for _, id := range seriesMessageIDs(s) {
		h.byMember[id] = r
	}
	k := titleKey(s)
	h.byTitle[k] = append(h.byTitle[k], r)
}

// prune forgets what was added before before.
func (h *history) prune(before time.Time) {
	for r, at := range h.added {
		if at.Before(before) {
			delete(h.added, r)
			delete(h.total, r)
		}
	}
	for id, r := range h.byMember {
		if _, ok := h.added[r]; !ok {
			delete(h.byMember, id)
		}
	}
	for k, rs := range h.byTitle {
		kept := rs[:0]
		for _, r := range rs {
			if _, ok := h.added[r]; ok {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			delete(h.byTitle, k)
		} else {
			h.byTitle[k] = kept
		}
	}
}

// lateMember reports whether s is made of mail that arrived (first at
// arrived) after a series was handled and replies into it with the same
// version and patch count: patches that missed their series' grace
// window. A patch of its own posted into a thread ("[PATCH RFC]" under a
// 0/5 cover) has another count and is reviewed.
func (h *history) lateMember(s *series.Series, arrived time.Time) (ref, bool) {
	if s.Resend {
		return ref{}, false
	}
	for _, m := range seriesMessages(s) {
		for _, id := range append([]string{m.InReplyTo}, m.References...) {
			r, ok := h.byMember[id]
			if !ok || r.version != s.Version || r.id == s.ID || h.total[r] != s.Total || !h.added[r].Before(arrived) {
				continue
			}
			return r, true
		}
	}
	return ref{}, false
}

// join adds the mail ids to the handled series r.
func (h *history) join(r ref, ids []string) {
	if _, ok := h.added[r]; !ok {
		return
	}
	for _, id := range ids {
		h.byMember[id] = r
	}
}

// members are the Message-IDs of the mail of the handled series r.
func (h *history) members(r ref) []string {
	var ids []string
	for id, m := range h.byMember {
		if m == r {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// versionsOf lists the handled series that are earlier versions of s:
// same title and author, or posted into the thread of s.
func (h *history) versionsOf(s *series.Series) []ref {
	var out []ref
	for _, r := range h.byTitle[titleKey(s)] {
		if r.version < s.Version {
			out = append(out, r)
		}
	}
	for _, m := range seriesMessages(s) {
		for _, id := range append([]string{m.InReplyTo}, m.References...) {
			if r, ok := h.byMember[id]; ok && r.version < s.Version && !containsRef(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

func containsRef(rs []ref, r ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func seriesMessages(s *series.Series) []*mail.Message {
	var out []*mail.Message
	if s.Cover != nil {
		out = append(out, s.Cover)
	}
	for _, p := range s.Patches {
		if p.Msg != nil {
			out = append(out, p.Msg)
		}
	}
	return out
}

// Restore rebuilds, after a restart, what the pipeline had in hand from
// the spool and the store: every spooled mail of the last window (all
// when window is zero) the store still calls pending goes back into the
// pool with the time it was first seen, so its grace window runs on;
// mail spooled but never recorded (a crash in between) is recorded now;
// recently handled series are remembered for comparing their next
// version. It returns how many mails are pending.
func (p *Pipeline) Restore(ctx context.Context, window time.Duration) (n int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	err = p.inTx(func() error {
		n, err = p.restore(ctx, window)
		return err
	})
	return n, err
}

func (p *Pipeline) restore(ctx context.Context, window time.Duration) (int, error) {
	var since time.Time
	now := p.opts.Now()
	if window > 0 {
		since = now.Add(-window)
	}
	var done []*mail.Message
	histSince := now.Add(-p.opts.History)
	restoreOne := func(ref string, m *mail.Message) error {
		rec, ok, err := p.tx.Message(ctx, m.MessageID)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			if err := p.tx.MarkSeen(ctx, m.MessageID, ref); err != nil {
				return err
			}
			p.pool.add(m, now)
		case rec.Status == MessageSpooled:
			p.pool.add(m, rec.FirstSeen)
		case rec.Status == MessageDone && rec.FirstSeen.After(histSince):
			done = append(done, m)
		}
		return nil
	}
	err := p.spool.Walk(ctx, since, func(ref string, raw []byte) error {
		m, _ := mail.Parse(raw, ref)
		if m == nil || m.MessageID == "" || !isCandidate(m) || p.isOwn(m) {
			return nil
		}
		if err := restoreOne(ref, m); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// One mail the store cannot take must not keep the others
			// out of the pool; it is tried again at the next start.
			p.log.Warn("spooled mail could not be restored", "spool", ref, "msgid", mail.LogID(m.MessageID), "err", err)
		}
		return nil
	})
	if err != nil && ctx.Err() != nil {
		return 0, err
	}
	if err != nil {
		p.log.Warn("spool partly unreadable", "err", err)
	}
	if len(done) > 0 {
		for _, s := range series.Assemble(done).Series {
			if rec, ok, err := p.tx.Series(ctx, SeriesKey(s.ID, s.Version)); err != nil {
				return 0, err
			} else if ok {
				// When it was handled, not now: a late patch that arrived
				// between its review and the restart is late all the same.
				at := rec.Updated
				if at.IsZero() || at.After(now) {
					at = now
				}
				p.history.add(s, at)
			}
		}
	}
	recent, err := p.tx.RecentReplies(ctx, now.Add(-p.limiter.Window()))
	if err != nil {
		return 0, err
	}
	for _, r := range recent {
		p.limiter.Record(r.RateKeys, r.Began)
	}
	p.log.Info("pipeline restored", "pending_mails", p.pool.len(), "remembered_series", len(p.history.added),
		"recent_replies", len(recent))
	return p.pool.len(), nil
}
