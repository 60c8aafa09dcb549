package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/series"
)

// followUp answers s, patches that arrived after the series they belong
// to (prior) was handled: that series is read back from the spool and
// reviewed again with them. When they change its findings (new ones, or
// ones of the first review that no longer hold: a missing patch that
// converts what the first review found unconverted), a follow-up with
// only the change goes to the first late patch; when they change
// nothing, nothing does. Never a second full reply.
func (p *Pipeline) followUp(ctx context.Context, s *series.Series, prior ref, log *slog.Logger) error {
	priorKey := SeriesKey(prior.id, prior.version)
	log = log.With("reviewed", priorKey)
	rec, ok, err := p.tx.Series(ctx, priorKey)
	if err != nil {
		return err
	}
	if !ok || rec.Status == SeriesHeld || rec.Status == SeriesSending {
		log.Info("late mail of a series whose reply is not out yet; not reviewed again")
		return p.finishLate(ctx, s, prior)
	}
	replyID := ReplyMessageID(prior.id+"|late|"+strings.Join(seriesMessageIDs(s), " "), prior.version, p.opts.BotDomain)
	if _, begun, err := p.tx.Reply(ctx, replyID); err != nil {
		return err
	} else if begun {
		log.Info("late mail already followed up; never twice", "reply", replyID)
		return p.finishLate(ctx, s, prior)
	}
	whole, err := p.readBack(ctx, s, prior)
	if err != nil {
		log.Warn("late mail of a series already reviewed; its series could not be read back, so no follow-up", "err", err)
		return p.finishLate(ctx, s, prior)
	}
	run, err := p.opts.Review.Review(ctx, []*series.Series{whole})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(run.Results, func(r review.Result) bool { return r.Series == whole })
	if i < 0 || run.Results[i].Err != nil {
		err := errors.New("the series was not reviewed")
		if i >= 0 {
			err = run.Results[i].Err
		}
		log.Warn("late mail of a series already reviewed; the review with it failed, so no follow-up", "err", err)
		return p.finishLate(ctx, s, prior)
	}
	res := run.Results[i]
	fps := make([]string, len(res.Findings))
	var added []checks.Finding
	for i, f := range res.Findings {
		fps[i] = report.Fingerprint(f)
		if !slices.Contains(rec.Findings, fps[i]) {
			added = append(added, f)
		}
	}
	var gone []string
	for _, fp := range rec.Findings {
		if !slices.Contains(fps, fp) {
			gone = append(gone, report.FingerprintLabel(fp))
		}
	}
	if len(added) == 0 && len(gone) == 0 {
		log.Info("late mail of a series already reviewed; it changes no finding, so no follow-up")
		return p.finishLate(ctx, s, prior)
	}
	var late []string
	for _, pt := range s.Patches {
		late = append(late, strconv.Itoa(pt.Index)+"/"+strconv.Itoa(whole.Total))
	}
	target := replyTarget(s, nil)
	in := report.ReplyInput{Series: whole, Findings: added, Fixed: gone, Late: late, Tree: run.Tree, TreeHead: run.TreeHead, Verdict: res.Verdict,
		ReportedBy: p.opts.From.String(), Checks: p.opts.Review.Restricted()}
	r, rateKeys, err := p.compose(target, replyID, whole.ID, in, log)
	if err != nil {
		log.Warn("no follow-up possible", "err", err)
		return p.finishLate(ctx, s, prior)
	}
	if ok, at := p.limiter.Take(rateKeys, p.opts.Now()); !ok {
		log.Info("follow-up held back by the rate limit; it is not sent", "retry_at", at)
		return p.finishLate(ctx, s, prior)
	}
	sent, err := p.sendOnce(ctx, r, priorKey+" late", rateKeys, log, func() error { return nil },
		func(ctx context.Context, status string) error {
			if status != SeriesReplied {
				return nil
			}
			// The next late patch is compared with the series as it
			// stands now.
			rec.Findings = fps
			return p.tx.SaveSeries(ctx, rec)
		})
	if err != nil {
		return err
	}
	if sent {
		log.Info("follow-up sent for late mail", "reply", replyID, "new_findings", len(added), "no_longer", len(gone))
	}
	if err := p.finishLate(context.WithoutCancel(ctx), s, prior); err != nil {
		return err
	}
	return p.checkpoint()
}

// readBack assembles the handled series prior from its mail in the spool
// with the late mail of s.
func (p *Pipeline) readBack(ctx context.Context, s *series.Series, prior ref) (*series.Series, error) {
	var msgs []*mail.Message
	for _, id := range p.history.members(prior) {
		rec, ok, err := p.tx.Message(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok || rec.SpoolPath == "" {
			return nil, fmt.Errorf("mail <%s> is not in the spool", mail.LogID(id))
		}
		raw, err := p.spool.Read(rec.SpoolPath)
		if err != nil {
			return nil, err
		}
		m, err := mail.Parse(raw, rec.SpoolPath)
		if m == nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	msgs = append(msgs, seriesMessages(s)...)
	for _, w := range series.Assemble(msgs).Series {
		if w.ID == prior.id && w.Version == prior.version {
			return w, nil
		}
	}
	return nil, errors.New("the late mail does not assemble with its series")
}

// finishLate is finish for late mail: its mail is handled, and it is
// remembered as part of the series prior it belongs to, so that the next
// late patch of that series is reviewed with it.
func (p *Pipeline) finishLate(ctx context.Context, s *series.Series, prior ref) error {
	ids := seriesMessageIDs(s)
	if err := p.tx.SetMessagesStatus(ctx, ids, MessageDone); err != nil {
		return err
	}
	p.pool.remove(ids)
	delete(p.held, SeriesKey(s.ID, s.Version))
	p.history.join(prior, ids)
	return nil
}
