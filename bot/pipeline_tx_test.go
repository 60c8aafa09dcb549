package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/mail"
)

// storeRecords is what a store holds of the given mails and series.
func storeRecords(t *testing.T, s *Store, msgids, seriesKeys []string) (msgs []MessageRecord, series []SeriesRecord) {
	t.Helper()
	ctx := context.Background()
	for _, id := range msgids {
		rec, _, err := s.Message(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		rec.FirstSeen, rec.SpoolPath = rec.FirstSeen.UTC(), ""
		msgs = append(msgs, rec)
	}
	for _, k := range seriesKeys {
		rec, _, err := s.Series(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		series = append(series, rec)
	}
	return msgs, series
}

func TestPipelineAddAllIsAddForEveryMail(t *testing.T) {
	// Both versions of a series in one pass: v2's review compares with
	// the v1 record the same pass wrote.
	mails := append(demoMails(t, "4-unconverted-v1"), demoMails(t, "5-unconverted-v2")...)
	mails = append(mails, demoMails(t, "2-dropped-user")...)
	var msgids []string
	for _, raw := range mails {
		m, err := mail.Parse(raw, "test")
		if m == nil {
			t.Fatal(err)
		}
		msgids = append(msgids, m.MessageID)
	}

	one := newPipeFixture(t, PipelineOptions{})
	one.store.now = one.clock.Now
	for i, raw := range mails {
		if err := one.p.Add(context.Background(), raw, "test:"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	one.process(t)

	all := newPipeFixture(t, PipelineOptions{})
	all.store.now = all.clock.Now
	before := storeTxID(t, all.store)
	err := all.p.AddAll(context.Background(), func(add func([]byte, string) error) error {
		for i, raw := range mails {
			if err := add(raw, "test:"+string(rune('a'+i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := storeTxID(t, all.store) - before; n != 1 {
		t.Errorf("AddAll of %d mails made %d commits, want 1", len(mails), n)
	}
	all.process(t)

	wantReplies, gotReplies := one.out.replies(), all.out.replies()
	if len(gotReplies) != len(wantReplies) || len(gotReplies) < 2 {
		t.Fatalf("%d replies after AddAll, %d after Add", len(gotReplies), len(wantReplies))
	}
	var keys []string
	for i, r := range gotReplies {
		if r.MessageID != wantReplies[i].MessageID || r.Body != wantReplies[i].Body {
			t.Errorf("reply %d differs:\n%s\nwant\n%s", i, r.Body, wantReplies[i].Body)
		}
		if rec, ok, err := all.store.Reply(context.Background(), strings.Trim(r.MessageID, "<>")); err != nil || !ok || rec.State != ReplySent {
			t.Errorf("reply %s: %+v %v %v, want it recorded sent", r.MessageID, rec, ok, err)
		} else {
			keys = append(keys, rec.SeriesKey)
		}
	}
	if !slices.ContainsFunc(gotReplies, func(r *mail.Reply) bool { return strings.Contains(r.Body, "Compared with v1") }) {
		t.Error("no reply compares v2 with the v1 recorded in the same pass")
	}
	wantMsgs, wantSeries := storeRecords(t, one.store, msgids, keys)
	gotMsgs, gotSeries := storeRecords(t, all.store, msgids, keys)
	if !slices.Equal(gotMsgs, wantMsgs) {
		t.Errorf("mail records after AddAll:\n%+v\nafter Add:\n%+v", gotMsgs, wantMsgs)
	}
	for i := range gotSeries {
		gotSeries[i].Updated, wantSeries[i].Updated = gotSeries[i].Updated.UTC(), wantSeries[i].Updated.UTC()
		if g, w := gotSeries[i], wantSeries[i]; g.Key != w.Key || g.Status != w.Status || g.ReplyMessageID != w.ReplyMessageID || !slices.Equal(g.Findings, w.Findings) || !g.Updated.Equal(w.Updated) {
			t.Errorf("series record after AddAll:\n%+v\nafter Add:\n%+v", g, w)
		}
	}
}

// replyCheckingOutbox checks, as the outbox is handed a reply, that the
// reply was already committed as pending for its series.
type replyCheckingOutbox struct {
	recordingOutbox
	t     *testing.T
	store func() *Store
}

func (o *replyCheckingOutbox) Send(ctx context.Context, r *mail.Reply) error {
	s := o.store()
	id := strings.Trim(r.MessageID, "<>")
	// Another transaction sees only what was committed.
	pending, err := s.PendingReplies(ctx)
	if err != nil || !slices.ContainsFunc(pending, func(p ReplyRecord) bool { return p.MessageID == id }) {
		o.t.Errorf("reply %s handed to the outbox before it was committed pending: %+v %v", id, pending, err)
	}
	if rec, ok, err := s.Reply(ctx, id); err == nil && ok {
		if sr, ok, err := s.Series(ctx, rec.SeriesKey); err != nil || !ok || sr.Status != SeriesSending || sr.ReplyMessageID != id {
			o.t.Errorf("series %s when its reply is handed to the outbox: %+v %v %v", rec.SeriesKey, sr, ok, err)
		}
	}
	return o.recordingOutbox.Send(ctx, r)
}

func TestPipelineReplyCommittedBeforeTheOutboxHasIt(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{})
	out := &replyCheckingOutbox{t: t, store: func() *Store { return f.store }}
	p, err := NewPipeline(f.store, f.p.spool, out, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	addAllMails(t, p, append(demoMails(t, "4-unconverted-v1"), demoMails(t, "2-dropped-user")...))
	if _, err := p.Process(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.replies()
	if len(got) != 2 {
		t.Fatalf("%d replies, want 2", len(got))
	}
	for _, r := range got {
		if rec, _, _ := f.store.Reply(context.Background(), strings.Trim(r.MessageID, "<>")); rec.State != ReplySent {
			t.Errorf("reply %s: state %q after Process, want %q", r.MessageID, rec.State, ReplySent)
		}
	}
}

// addAllMails hands mails to a fresh AddAll of p.
func addAllMails(t *testing.T, p *Pipeline, mails [][]byte) {
	t.Helper()
	err := p.AddAll(context.Background(), func(add func([]byte, string) error) error {
		for _, raw := range mails {
			if err := add(raw, "test"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPipelineProcessCommitsTwicePerReply pins the fsyncs of the reply
// protocol: a pass commits a reply's BeginReply before the send and its
// sent record right after, and nothing else.
func TestPipelineProcessCommitsTwicePerReply(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{})
	addAllMails(t, f.p, append(demoMails(t, "4-unconverted-v1"), demoMails(t, "2-dropped-user")...))
	before := storeTxID(t, f.store)
	f.process(t)
	if n := len(f.out.replies()); n != 2 {
		t.Fatalf("%d replies, want 2", n)
	}
	// Each BeginReply is committed before its send, and that the reply
	// went out right after it: two commits a reply, none besides.
	if n := storeTxID(t, f.store) - before; n != 4 {
		t.Errorf("a pass with 2 replies made %d commits, want 4", n)
	}
	for _, r := range f.out.replies() {
		if rec, _, _ := f.store.Reply(context.Background(), strings.Trim(r.MessageID, "<>")); rec.State != ReplySent {
			t.Errorf("reply %s: state %q after the pass, want %q", r.MessageID, rec.State, ReplySent)
		}
	}
}

// exitAtLog is a slog handler that ends the process with status 42, as a
// crash would, at the n-th record with message msg.
type exitAtLog struct {
	msg  string
	n    int
	seen *int
}

func (h exitAtLog) Enabled(context.Context, slog.Level) bool { return true }
func (h exitAtLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h exitAtLog) WithGroup(string) slog.Handler            { return h }
func (h exitAtLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		if *h.seen++; *h.seen == h.n {
			os.Exit(42)
		}
	}
	return nil
}

// TestPipelineCrashAfterASendNeverRepliesTwice kills a process (this test
// binary, run again) in a pass that answers two series, after the first
// reply went out (before or after that was recorded), and restarts on its
// state: the first reply is never sent again (listed as pending when the
// crash came before it was recorded sent), the second series is answered
// once, and no mail is lost.
func TestPipelineCrashAfterASendNeverRepliesTwice(t *testing.T) {
	mails := append(demoMails(t, "4-unconverted-v1"), demoMails(t, "2-dropped-user")...)
	if dir := os.Getenv("PATCHBOT_PIPE_CRASH_DIR"); dir != "" {
		n, _ := strconv.Atoi(os.Getenv("PATCHBOT_PIPE_CRASH_N"))
		f := newPipeFixtureIn(t, dir, PipelineOptions{})
		opts := f.opts
		opts.Log = slog.New(exitAtLog{msg: os.Getenv("PATCHBOT_PIPE_CRASH_AT"), n: n, seen: new(int)})
		p, err := NewPipeline(f.store, f.p.spool, &mail.DirOutbox{Dir: filepath.Join(dir, "outbox"), Log: slog.New(slog.DiscardHandler)}, opts)
		if err != nil {
			t.Fatal(err)
		}
		addAllMails(t, p, mails)
		_, err = p.Process(context.Background())
		t.Fatalf("the pass ended without the crash: %v", err)
	}
	tests := []struct {
		name string
		// at and n: the crash comes at the n-th log record with message at.
		at string
		n  int
	}{
		{"as the first send is recorded", "reply recorded", 1},
		{"while the second series is handled", "series reviewed", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestPipelineCrashAfterASendNeverRepliesTwice$")
			cmd.Env = append(childEnv(t), "PATCHBOT_PIPE_CRASH_DIR="+dir, "PATCHBOT_PIPE_CRASH_AT="+tc.at, "PATCHBOT_PIPE_CRASH_N="+strconv.Itoa(tc.n))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 42 {
				t.Fatalf("crashing child: %v\n%s", err, out)
			}
			sent, err := os.ReadDir(filepath.Join(dir, "outbox"))
			if err != nil || len(sent) != 1 {
				t.Fatalf("the child sent %d replies (%v), want 1 before its crash", len(sent), err)
			}

			f := newPipeFixtureIn(t, dir, PipelineOptions{})
			if _, err := f.p.Restore(ctx, 0); err != nil {
				t.Fatal(err)
			}
			f.process(t)
			got := f.out.replies()
			if len(got) != 1 {
				t.Fatalf("%d replies after the restart, want 1 (the second series')", len(got))
			}
			if name := mail.DirOutboxFileName(got[0].MessageID); name == sent[0].Name() {
				t.Fatalf("reply %s sent again after the crash", got[0].MessageID)
			}
			pending, err := f.store.PendingReplies(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range pending {
				if mail.DirOutboxFileName(r.MessageID) != sent[0].Name() {
					t.Errorf("reply <%s> pending, but only the crash's reply may be", r.MessageID)
				}
			}
			for _, raw := range mails {
				id := msgIDOf(raw)
				if rec, ok, err := f.store.Message(ctx, id); err != nil || !ok || rec.Status != MessageDone {
					t.Errorf("mail <%s> after the restart: %+v %v %v, want it done", id, rec, ok, err)
				}
			}
		})
	}
}

// TestPipelineAddAllCrashLosesNoMail kills a process in the middle of an
// AddAll, past its first checkpoint: the mails checkpointed are recorded,
// every mail recorded is in the spool, and Restore records the mails
// spooled after the checkpoint.
func TestPipelineAddAllCrashLosesNoMail(t *testing.T) {
	const total, crashAt = addAllCheckpoint + 80, addAllCheckpoint + 40
	patch := demoMails(t, "2-dropped-user")[0]
	mailN := func(i int) []byte {
		return bytes.Replace(patch, []byte("Message-Id: <"), []byte("Message-Id: <crash"+strconv.Itoa(i)+"."), 1)
	}
	if dir := os.Getenv("PATCHBOT_ADDALL_CRASH_DIR"); dir != "" {
		f := newPipeFixtureIn(t, dir, PipelineOptions{})
		_ = f.p.AddAll(context.Background(), func(add func([]byte, string) error) error {
			for i := range total {
				if i == crashAt {
					os.Exit(42) // with the AddAll's transaction open
				}
				if err := add(mailN(i), "test"); err != nil {
					return err
				}
			}
			return nil
		})
		t.Fatal("AddAll ended without the crash")
	}
	ctx := context.Background()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPipelineAddAllCrashLosesNoMail$")
	cmd.Env = append(childEnv(t), "PATCHBOT_ADDALL_CRASH_DIR="+dir)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 42 {
		t.Fatalf("crashing child: %v\n%s", err, out)
	}

	f := newPipeFixtureIn(t, dir, PipelineOptions{})
	recorded := 0
	for i := range crashAt {
		rec, ok, err := f.store.Message(ctx, msgIDOf(mailN(i)))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		recorded++
		if raw, err := f.p.spool.Read(rec.SpoolPath); err != nil || !bytes.Equal(raw, mailN(i)) {
			t.Errorf("mail %d recorded, but its spool file %s: %v", i, rec.SpoolPath, err)
		}
	}
	if recorded < addAllCheckpoint-1 {
		t.Errorf("%d mails recorded after the crash, want the %d checkpointed", recorded, addAllCheckpoint-1)
	}
	n, err := f.p.Restore(ctx, 0)
	if err != nil || n != crashAt {
		t.Fatalf("Restore: %d mails pending (%v), want the %d spooled", n, err, crashAt)
	}
	for i := range crashAt {
		if _, ok, err := f.store.Message(ctx, msgIDOf(mailN(i))); err != nil || !ok {
			t.Errorf("mail %d not recorded after Restore: %v", i, err)
		}
	}
}

// childEnv is the environment of a test's crashing child process: the
// child dies before its own clean-up, so its temporary directories are
// made in one of the parent's, which the parent removes.
func childEnv(t *testing.T) []string {
	return append(os.Environ(), "TMPDIR="+t.TempDir())
}

// A mail the spool could not make durable is not recorded: its record
// would name mail a crash of the machine could lose. It stays unrecorded,
// to be fetched or replayed again, and the error says why.
func TestPipelineRecordsNoMailTheSpoolCouldNotKeep(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{})
	f.p.spool.Sync = true
	ctx := context.Background()
	patch := demoMails(t, "2-dropped-user")[0]
	err := f.p.AddAll(ctx, func(add func([]byte, string) error) error {
		if err := add(patch, "test"); err != nil {
			return err
		}
		// The disk fails under the segment before the records commit.
		return f.p.spool.seg.f.Close()
	})
	if err == nil || !strings.Contains(err.Error(), "spool: sync") {
		t.Errorf("AddAll = %v, want the spool's failure", err)
	}
	if _, ok, err := f.store.Message(ctx, msgIDOf(patch)); err != nil || ok {
		t.Errorf("the mail was recorded (%v) though its spooled copy was never made durable", err)
	}
}

// A [PATCH] whose Message-ID is longer than any store key (40 KB) is
// recorded like any other mail, and neither it nor a restart keeps the
// series that wait with it from being restored and answered.
func TestPipelineHostileMessageIDStopsNoRestore(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	ctx := context.Background()
	hostile := bytes.Replace(demoMails(t, "2-dropped-user")[0], []byte("Message-Id: <"),
		[]byte("Message-Id: <"+strings.Repeat("x", 40<<10)+"."), 1)
	if err := f.p.Add(ctx, hostile, "test"); err != nil {
		t.Fatalf("Add of the mail with a 40 KB Message-ID: %v", err)
	}
	if _, ok, err := f.store.Message(ctx, msgIDOf(hostile)); err != nil || !ok {
		t.Fatalf("the mail with a 40 KB Message-ID was not recorded (%v)", err)
	}
	const waiting = 20
	for i := range waiting {
		for _, raw := range demoMails(t, "6-incomplete") {
			raw = bytes.ReplaceAll(raw, []byte("1795754134"), []byte(fmt.Sprintf("1795754134%02d", i)))
			raw = bytes.Replace(raw, []byte("\nSubject: [PATCH"), []byte(fmt.Sprintf("\nSubject: [PATCH %02d", i)), 1)
			if err := f.p.Add(ctx, raw, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.restart(t)
	if n := f.p.Pending(); n != 1+3*waiting {
		t.Errorf("%d mails pending after the restart, want %d", n, 1+3*waiting)
	}
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if got := len(f.out.replies()); got != 1+waiting {
		t.Errorf("%d replies, want %d: the hostile mail's and one per waiting series", got, 1+waiting)
	}
}

// A series recorded as being answered whose reply never began (a crash
// between the two records, which patchbot now writes in one transaction)
// is answered: its reply never reached the outbox. Once, even across a
// restart.
func TestPipelineSendingWithoutABegunReplyIsAnswered(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{})
	ctx := context.Background()
	patch := demoMails(t, "2-dropped-user")[0]
	id := msgIDOf(patch)
	if err := f.store.SaveSeries(ctx, SeriesRecord{SeriesID: id, Version: 1, Status: SeriesSending,
		ReplyMessageID: ReplyMessageID(id, 1, "patchbot.test")}); err != nil {
		t.Fatal(err)
	}
	f.deliver(t, patch)
	if n := len(f.out.replies()); n != 1 {
		t.Fatalf("%d replies, want the one still owed", n)
	}
	f.restart(t)
	f.deliver(t, patch)
	f.process(t)
	if n := len(f.out.replies()); n != 1 {
		t.Errorf("%d replies after a restart, want still 1", n)
	}
	rec, ok, err := f.store.Series(ctx, SeriesKey(id, 1))
	if err != nil || !ok || rec.Status != SeriesReplied {
		t.Errorf("series record %+v (%v, %v), want replied", rec, ok, err)
	}
}

// failingOutbox fails every Send with err.
type failingOutbox struct{ err error }

func (o failingOutbox) Send(context.Context, *mail.Reply) error { return o.err }

// A reply the server refused for good (5xx) is reported and not left
// pending; one that failed otherwise, after the outbox's own retries, or
// whose fate is unknown, stays pending for a human. Neither is sent again.
func TestPipelineSendFailures(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		wantState   string
		wantPending int
	}{
		{"550 rejected", fmt.Errorf("smtp: %w: 550 message refused", mail.ErrRejected), ReplyRejected, 0},
		{"451 after every retry", errors.New("smtp: 451 try again later"), ReplyPending, 1},
		{"hung up after DATA", fmt.Errorf("smtp: %w: EOF", mail.ErrMaybeSent), ReplyPending, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newPipeFixture(t, PipelineOptions{})
			p, err := NewPipeline(f.store, f.p.spool, failingOutbox{tc.err}, f.opts)
			if err != nil {
				t.Fatal(err)
			}
			patch := demoMails(t, "2-dropped-user")[0]
			if err := p.Deliver(ctx, 1, patch); err != nil {
				t.Fatal(err)
			}
			id := msgIDOf(patch)
			rec, ok, err := f.store.Reply(ctx, ReplyMessageID(id, 1, "patchbot.test"))
			if err != nil || !ok || rec.State != tc.wantState {
				t.Errorf("reply record %+v (%v, %v), want state %q", rec, ok, err, tc.wantState)
			}
			if pending, err := f.store.PendingReplies(ctx); err != nil || len(pending) != tc.wantPending {
				t.Errorf("%d pending replies (%v), want %d", len(pending), err, tc.wantPending)
			}
			if s, _, _ := f.store.Series(ctx, SeriesKey(id, 1)); s.Status != SeriesSendFailed {
				t.Errorf("series status %q, want %q", s.Status, SeriesSendFailed)
			}
			// Delivered again (after a restart, say): never sent again.
			f.restart(t)
			f.deliver(t, patch)
			if n := len(f.out.replies()); n != 0 {
				t.Errorf("%d replies sent after the failure, want none", n)
			}
		})
	}
}

// An incomplete series reviewed when its grace window ended, its missing
// patch arriving later, then a restart (a clean one) before that patch's
// own grace window ends: the late patch is known late after the restart
// too, and the series gets no second reply.
func TestPipelineLatePatchAcrossARestartGetsNoSecondReply(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	mails := demoMails(t, "6-incomplete")
	f.deliver(t, mails...)
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if n := len(f.out.replies()); n != 1 {
		t.Fatalf("%d replies to the incomplete series, want 1", n)
	}
	// Patch 2/3, late.
	late := bytes.Replace(mails[1], []byte("[PATCH 1/3]"), []byte("[PATCH 2/3]"), 1)
	late = bytes.Replace(late, []byte("Message-Id: <"), []byte("Message-Id: <late."), 1)
	f.clock.Advance(time.Minute)
	f.deliver(t, late)
	f.clock.Advance(time.Minute)
	f.restart(t)
	f.clock.Advance(20 * time.Minute)
	f.process(t)
	if n := len(f.out.replies()); n != 1 {
		t.Errorf("%d replies after the late patch and a restart, want still 1", n)
	}
}

// The rate limits count the replies of before a restart: an author who
// had their one reply of the hour gets the next one held back after a
// restart too, until the hour is over.
func TestPipelineRateLimitsSurviveARestart(t *testing.T) {
	opts := PipelineOptions{RatePerAuthor: config.Rate{N: 1, Per: time.Hour}}
	f := newPipeFixture(t, opts)
	patch := demoMails(t, "2-dropped-user")[0]
	f.deliver(t, patch)
	if n := len(f.out.replies()); n != 1 {
		t.Fatalf("%d replies, want 1", n)
	}
	f.restart(t)
	next := bytes.Replace(patch, []byte("Message-Id: <"), []byte("Message-Id: <next."), 1)
	next = bytes.Replace(next, []byte("\nSubject: [PATCH"), []byte("\nSubject: [PATCH v2"), 1)
	f.clock.Advance(10 * time.Minute)
	f.deliver(t, next)
	// The outbox has seen both lives of the bot.
	if n := len(f.out.replies()); n != 1 {
		t.Errorf("%d replies to the author within the hour, across a restart, want 1: the second held", n)
	}
	f.clock.Advance(time.Hour)
	f.process(t)
	if n := len(f.out.replies()); n != 2 {
		t.Errorf("%d replies once the hour was over, want the held one too", n)
	}
}

// On a list that sets Reply-To to itself, with reply-all, every reply is
// to the list; the per-author limit still holds each author apart (the
// list is bounded by rate_total alone).
func TestPipelineRateLimitIsPerAuthorOnAReplyToList(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{CcList: true, RatePerAuthor: config.Rate{N: 1, Per: time.Hour}})
	patch := demoMails(t, "2-dropped-user")[0]
	listed := func(from, id string) []byte {
		raw := bytes.Replace(patch, []byte("\nFrom: "), []byte("\nList-Id: <netdev.vger.kernel.org>\nReply-To: netdev@vger.kernel.org\nFrom: "), 1)
		raw = bytes.Replace(raw, []byte("bob@example.org"), []byte(from), -1)
		return bytes.Replace(raw, []byte("Message-Id: <"), []byte("Message-Id: <"+id+"."), 1)
	}
	f.deliver(t, listed("ann@example.org", "a"))
	f.clock.Advance(time.Minute)
	f.deliver(t, listed("cid@example.org", "c"))
	got := f.out.replies()
	if len(got) != 2 {
		t.Fatalf("%d replies to two authors of a list that sets Reply-To, want 2", len(got))
	}
	if got[0].To[0].Email != "netdev@vger.kernel.org" {
		t.Errorf("reply to %v, want the list (reply-all, Reply-To the list)", got[0].To)
	}
}
