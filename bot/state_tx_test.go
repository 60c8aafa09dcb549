package bot

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// storeTxID is the ID of the store's last committed transaction: it moves
// with every commit.
func storeTxID(t testing.TB, s *Store) int {
	t.Helper()
	var id int
	if err := s.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStoreTx(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// run works on a fresh store holding the mail "old@x" (seen).
		run   func(t *testing.T, s *Store)
		check func(t *testing.T, s *Store)
		// commits is how many commits run makes.
		commits int
	}{
		{
			name: "its reads see its writes before the commit",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				if err := tx.MarkSeen(ctx, "a@x", "/spool/a"); err != nil {
					t.Fatal(err)
				}
				if err := tx.SaveSeries(ctx, SeriesRecord{SeriesID: "a@x", Version: 1, Status: SeriesClean}); err != nil {
					t.Fatal(err)
				}
				if rec, ok, err := tx.Message(ctx, "a@x"); err != nil || !ok || rec.Status != MessageSpooled {
					t.Errorf("Message in the Tx: %+v %v %v", rec, ok, err)
				}
				if rec, ok, err := tx.Series(ctx, "a@x v1"); err != nil || !ok || rec.Status != SeriesClean {
					t.Errorf("Series in the Tx: %+v %v %v", rec, ok, err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if rec, ok, _ := s.Message(ctx, "a@x"); !ok || rec.SpoolPath != "/spool/a" {
					t.Errorf("a@x after the commit: %+v %v", rec, ok)
				}
			},
			commits: 1,
		},
		{
			name: "many records are one commit",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				for _, id := range []string{"a@x", "b@x", "c@x"} {
					if err := tx.MarkSeen(ctx, id, ""); err != nil {
						t.Fatal(err)
					}
				}
				if err := tx.SetMessagesStatus(ctx, []string{"a@x", "b@x", "c@x", "old@x"}, MessageDone); err != nil {
					t.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				for _, id := range []string{"a@x", "b@x", "c@x", "old@x"} {
					if rec, _, _ := s.Message(ctx, id); rec.Status != MessageDone {
						t.Errorf("%s: status %q, want %q", id, rec.Status, MessageDone)
					}
				}
			},
			commits: 1,
		},
		{
			name: "a rollback keeps nothing",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				if err := tx.MarkSeen(ctx, "a@x", ""); err != nil {
					t.Fatal(err)
				}
				if err := tx.SetMessageStatus(ctx, "old@x", MessageFailed); err != nil {
					t.Fatal(err)
				}
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if _, ok, _ := s.Message(ctx, "a@x"); ok {
					t.Error("a@x recorded by a rolled back Tx")
				}
				if rec, _, _ := s.Message(ctx, "old@x"); rec.Status != MessageSpooled {
					t.Errorf("old@x: status %q after a rollback", rec.Status)
				}
			},
		},
		{
			name: "a checkpoint keeps what came before it",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				if err := tx.MarkSeen(ctx, "a@x", ""); err != nil {
					t.Fatal(err)
				}
				if err := tx.Checkpoint(); err != nil {
					t.Fatal(err)
				}
				if err := tx.MarkSeen(ctx, "b@x", ""); err != nil {
					t.Fatal(err)
				}
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if _, ok, _ := s.Message(ctx, "a@x"); !ok {
					t.Error("a@x lost after its checkpoint")
				}
				if _, ok, _ := s.Message(ctx, "b@x"); ok {
					t.Error("b@x recorded by a rolled back Tx")
				}
			},
			commits: 1,
		},
		{
			name: "a failed operation writes nothing and the Tx goes on",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				if err := tx.MarkSeen(ctx, "a@x", ""); err != nil {
					t.Fatal(err)
				}
				err := tx.SetMessagesStatus(ctx, []string{"old@x", "never@x"}, MessageFailed)
				if err == nil || !strings.Contains(err.Error(), "<never@x>: not marked seen") {
					t.Errorf("err = %v, want the unknown mail named", err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if _, ok, _ := s.Message(ctx, "a@x"); !ok {
					t.Error("a@x lost")
				}
				if rec, _, _ := s.Message(ctx, "old@x"); rec.Status != MessageSpooled {
					t.Errorf("old@x: status %q, changed by a failed operation", rec.Status)
				}
			},
			commits: 1,
		},
		{
			name: "a Tx that only read commits nothing",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				if _, ok, err := tx.Message(ctx, "old@x"); err != nil || !ok {
					t.Fatalf("old@x: %v %v", ok, err)
				}
				if err := tx.Checkpoint(); err != nil {
					t.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {},
		},
		{
			name: "the reply protocol in one Tx",
			run: func(t *testing.T, s *Store) {
				tx := s.Begin()
				if err := tx.SaveSeries(ctx, SeriesRecord{SeriesID: "old@x", Version: 1, Status: SeriesSending}); err != nil {
					t.Fatal(err)
				}
				if already, err := tx.BeginReply(ctx, "old@x v1", "r@x"); err != nil || already {
					t.Fatalf("BeginReply: already=%v err=%v", already, err)
				}
				if already, err := tx.BeginReply(ctx, "old@x v1", "r@x"); err != nil || !already {
					t.Errorf("BeginReply again in the Tx: already=%v err=%v, want already", already, err)
				}
				if err := tx.Checkpoint(); err != nil {
					t.Fatal(err)
				}
				if err := tx.FinishReply(ctx, "r@x"); err != nil {
					t.Fatal(err)
				}
				if rec, ok, err := tx.Reply(ctx, "r@x"); err != nil || !ok || rec.State != ReplySent {
					t.Errorf("Reply in the Tx: %+v %v %v", rec, ok, err)
				}
				if err := tx.FinishReply(ctx, "never@x"); err == nil {
					t.Error("FinishReply of a reply never begun: no error")
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if rec, _, _ := s.Series(ctx, "old@x v1"); rec.ReplyMessageID != "r@x" {
					t.Errorf("series: reply %q, want r@x", rec.ReplyMessageID)
				}
				if rec, _, _ := s.Reply(ctx, "r@x"); rec.State != ReplySent {
					t.Errorf("reply: state %q, want %q", rec.State, ReplySent)
				}
			},
			commits: 2,
		},
		{
			name: "Update commits when fn succeeds",
			run: func(t *testing.T, s *Store) {
				err := s.Update(ctx, func(tx *Tx) error {
					if err := tx.MarkSeen(ctx, "a@x", ""); err != nil {
						return err
					}
					return tx.SetMessageStatus(ctx, "a@x", MessageDone)
				})
				if err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if rec, _, _ := s.Message(ctx, "a@x"); rec.Status != MessageDone {
					t.Errorf("a@x: status %q, want %q", rec.Status, MessageDone)
				}
			},
			commits: 1,
		},
		{
			name: "Update keeps nothing when fn fails",
			run: func(t *testing.T, s *Store) {
				boom := errors.New("boom")
				err := s.Update(ctx, func(tx *Tx) error {
					if err := tx.MarkSeen(ctx, "a@x", ""); err != nil {
						return err
					}
					return boom
				})
				if !errors.Is(err, boom) {
					t.Fatalf("err = %v, want boom", err)
				}
			},
			check: func(t *testing.T, s *Store) {
				if _, ok, _ := s.Message(ctx, "a@x"); ok {
					t.Error("a@x recorded by a failed Update")
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
			if err := s.MarkSeen(ctx, "old@x", ""); err != nil {
				t.Fatal(err)
			}
			before := storeTxID(t, s)
			tc.run(t, s)
			if got := storeTxID(t, s) - before; got != tc.commits {
				t.Errorf("%d commits, want %d", got, tc.commits)
			}
			tc.check(t, s)
		})
	}
}

func TestStoreTxCanceledContext(t *testing.T) {
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tx := s.Begin()
	defer tx.Rollback()
	tests := []struct {
		name string
		call func() error
	}{
		{"MarkSeen", func() error { return tx.MarkSeen(ctx, "m", "") }},
		{"Message", func() error { _, _, err := tx.Message(ctx, "m"); return err }},
		{"SaveSeries", func() error { return tx.SaveSeries(ctx, SeriesRecord{SeriesID: "m", Version: 1}) }},
		{"BeginReply", func() error { _, err := tx.BeginReply(ctx, "k", "r"); return err }},
		{"Update", func() error { return s.Update(ctx, func(*Tx) error { return nil }) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
}

// TestStoreTxCrashKeepsWhatWasCheckpointed kills a process in the middle
// of a Tx: what was checkpointed (the mails, the series record and the
// begun reply) survives, what came after is gone, and the store opens.
func TestStoreTxCrashKeepsWhatWasCheckpointed(t *testing.T) {
	if path := os.Getenv("PATCHBOT_TX_CRASH_DB"); path != "" {
		ctx := context.Background()
		s, err := Open(path)
		if err != nil {
			os.Exit(2)
		}
		tx := s.Begin()
		ok := tx.MarkSeen(ctx, "a@x", "/spool/a") == nil &&
			tx.MarkSeen(ctx, "b@x", "/spool/b") == nil &&
			tx.SaveSeries(ctx, SeriesRecord{SeriesID: "a@x", Version: 1, Status: SeriesSending}) == nil
		already, err := tx.BeginReply(ctx, "a@x v1", "r@x")
		ok = ok && err == nil && !already && tx.Checkpoint() == nil &&
			tx.MarkSeen(ctx, "c@x", "/spool/c") == nil &&
			tx.SetMessagesStatus(ctx, []string{"a@x", "b@x"}, MessageDone) == nil
		if !ok {
			os.Exit(2)
		}
		os.Exit(42) // crash with the Tx open: no Commit, no Close
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreTxCrashKeepsWhatWasCheckpointed$")
	cmd.Env = append(childEnv(t), "PATCHBOT_TX_CRASH_DB="+path)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 42 {
		t.Fatalf("crashing child: %v", err)
	}

	s := openStateTestStore(t, path)
	for _, id := range []string{"a@x", "b@x"} {
		if rec, ok, err := s.Message(ctx, id); err != nil || !ok || rec.Status != MessageSpooled {
			t.Errorf("%s after the crash: %+v %v %v, want it spooled", id, rec, ok, err)
		}
	}
	if _, ok, err := s.Message(ctx, "c@x"); err != nil || ok {
		t.Errorf("c@x after the crash: recorded=%v err=%v, want it never committed", ok, err)
	}
	if rec, ok, err := s.Series(ctx, "a@x v1"); err != nil || !ok || rec.ReplyMessageID != "r@x" {
		t.Errorf("series after the crash: %+v %v %v", rec, ok, err)
	}
	pending, err := s.PendingReplies(ctx)
	if err != nil || len(pending) != 1 || pending[0].MessageID != "r@x" {
		t.Fatalf("pending replies after the crash: %+v %v", pending, err)
	}
	if already, err := s.BeginReply(ctx, "a@x v1", "r@x"); err != nil || !already {
		t.Errorf("the reply could be begun again after the crash: already=%v err=%v", already, err)
	}
}
