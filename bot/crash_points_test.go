package bot

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/mail"
)

// crashPointMails are three series, one of three mails: what the crash
// points run delivers, mail by mail, as the IMAP watcher does.
func crashPointMails(t *testing.T) [][]byte {
	var mails [][]byte
	for _, name := range []string{"4-unconverted-v1", "2-dropped-user", "3-callback-signature"} {
		mails = append(mails, demoMails(t, name)...)
	}
	return mails
}

// deliverAll delivers mails to p in order and reviews what is due.
func deliverAll(t *testing.T, p *Pipeline, mails [][]byte) {
	t.Helper()
	ctx := context.Background()
	for i, raw := range mails {
		if err := p.Deliver(ctx, uint32(i+1), raw); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Process(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPipelineCrashAtEveryCommitPoint kills the bot (this test binary,
// run again) right after each fsync in turn, the spool's and the store's,
// and right after each reply the outbox took, of a run that receives three series mail by mail and answers them; then
// restarts on its state twice, each time receiving all the mail again.
// At every point each series that deserves a reply has exactly one: sent
// once, or begun and listed as pending at start (the crash came between
// recording it and handing it to the outbox, and at-most-once forbids a
// second try); no reply goes out twice, and no mail is lost.
func TestPipelineCrashAtEveryCommitPoint(t *testing.T) {
	mails := crashPointMails(t)
	if dir := os.Getenv("PATCHBOT_CRASH_POINT_DIR"); dir != "" {
		at, _ := strconv.Atoi(os.Getenv("PATCHBOT_CRASH_POINT"))
		p := crashChild(t, dir, filepath.Join(dir, "outbox"), at, PipelineOptions{Grace: time.Hour})
		deliverAll(t, p, mails)
		os.Exit(0) // past the last commit point
	}

	// What a run without a crash answers.
	clean := newPipeFixture(t, PipelineOptions{Grace: time.Hour})
	deliverAll(t, clean.p, mails)
	var want []string
	for _, r := range clean.out.replies() {
		want = append(want, strings.Trim(r.MessageID, "<>"))
	}
	if len(want) != 3 {
		t.Fatalf("a run without a crash sent %d replies, want one per series (%+v)", len(want), clean.p.Stats())
	}

	ctx := context.Background()
	points := 0
	for at := 1; ; at++ {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestPipelineCrashAtEveryCommitPoint$")
		cmd.Env = append(childEnv(t), "PATCHBOT_CRASH_POINT_DIR="+dir, "PATCHBOT_CRASH_POINT="+strconv.Itoa(at))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err == nil {
			break // the run ended before this point: every one was tried
		}
		if !errors.As(err, &ee) || ee.ExitCode() != 42 {
			t.Fatalf("crash point %d: child: %v\n%s", at, err, out)
		}
		points++
		sent := countSent(want, filepath.Join(dir, "outbox"))
		var pending []ReplyRecord
		for restart := 1; restart <= 2; restart++ {
			f := newPipeFixtureIn(t, dir, PipelineOptions{Grace: time.Hour})
			if restart == 1 {
				if pending, err = f.store.PendingReplies(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.p.Restore(ctx, 0); err != nil {
				t.Fatal(err)
			}
			deliverAll(t, f.p, mails)
			for _, r := range f.out.replies() {
				id := strings.Trim(r.MessageID, "<>")
				if !slices.Contains(want, id) {
					t.Errorf("crash point %d, restart %d: reply <%s>, which a run without a crash never sends", at, restart, id)
				}
				sent[id]++
			}
			f.close(t)
		}
		for _, id := range want {
			isPending := slices.ContainsFunc(pending, func(r ReplyRecord) bool { return r.MessageID == id })
			switch {
			case sent[id] > 1:
				t.Errorf("crash point %d: reply <%s> sent %d times", at, id, sent[id])
			case sent[id] == 1 && isPending:
				// Sent before the crash, recorded sent after it: the
				// pending list says so, and it was not sent again.
			case sent[id] == 0 && !isPending:
				t.Errorf("crash point %d: reply <%s> neither sent nor reported pending: lost", at, id)
			}
		}
		f := newPipeFixtureIn(t, dir, PipelineOptions{Grace: time.Hour})
		for _, raw := range mails {
			if rec, ok, err := f.store.Message(ctx, msgIDOf(raw)); err != nil || !ok || rec.Status != MessageDone {
				t.Errorf("crash point %d: mail <%s> after two restarts: %+v %v %v, want it done", at, msgIDOf(raw), rec, ok, err)
			}
		}
		f.close(t)
	}
	if points < 10 {
		t.Errorf("only %d crash points; the run must have more commits", points)
	}
	t.Logf("%d crash points, each followed by two restarts", points)
}

// crashingOutbox calls crash after each reply its Outbox took.
type crashingOutbox struct {
	mail.Outbox
	crash func()
}

func (o *crashingOutbox) Send(ctx context.Context, r *mail.Reply) error {
	if err := o.Outbox.Send(ctx, r); err != nil {
		return err
	}
	o.crash()
	return nil
}

// crashChild is the crashing side of the crash tests: the pipeline on the
// state in dir, replying into the directory outbox, that ends the process
// (status 42) at the at-th of its fsyncs of the spool and the store and of
// the replies its outbox took.
func crashChild(t *testing.T, dir, outbox string, at int, opts PipelineOptions) *Pipeline {
	f := newPipeFixtureIn(t, dir, opts)
	n := 0
	crash := func() {
		if n++; n == at {
			os.Exit(42)
		}
	}
	f.store.afterCommit = crash
	f.p.spool.Sync = true
	f.p.spool.afterSync = crash
	out := &crashingOutbox{Outbox: &mail.DirOutbox{Dir: outbox, Log: slog.New(slog.DiscardHandler)}, crash: crash}
	p, err := NewPipeline(f.store, f.p.spool, out, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// countSent counts the replies of want (Message-IDs) in the outbox
// directories dirs.
func countSent(want []string, dirs ...string) map[string]int {
	sent := map[string]int{}
	for _, dir := range dirs {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			for _, id := range want {
				if e.Name() == mail.DirOutboxFileName(id) {
					sent[id]++
				}
			}
		}
	}
	return sent
}
