package bot

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/patchbot/patchbot/mail"
)

func openStateTestStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.db.Close() })
	return s
}

func TestStoreReplyMessageID(t *testing.T) {
	re := regexp.MustCompile(`^patchbot\.[0-9a-f]{16}@bot\.example\.org$`)
	base := ReplyMessageID("20230525125503.400797-1-leitao@debian.org", 3, "bot.example.org")
	tests := []struct {
		name    string
		id      string
		version int
		same    bool
	}{
		{"same series and version give the same ID", "20230525125503.400797-1-leitao@debian.org", 3, true},
		{"another version gives another ID", "20230525125503.400797-1-leitao@debian.org", 4, false},
		{"another series gives another ID", "20230609152800.830401-1-leitao@debian.org", 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ReplyMessageID(tc.id, tc.version, "bot.example.org")
			if !re.MatchString(got) {
				t.Errorf("%q does not look like patchbot.<16 hex>@domain", got)
			}
			if (got == base) != tc.same {
				t.Errorf("ReplyMessageID = %q, base %q, want same=%v", got, base, tc.same)
			}
		})
	}
	if k := SeriesKey("a@b", 2); k != "a@b v2" {
		t.Errorf("SeriesKey = %q", k)
	}
}

func TestStoreUIDStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state", "patchbot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.LoadUIDState(ctx, "imap.example.org:993/INBOX"); err != nil || ok {
		t.Fatalf("fresh store: ok=%v err=%v, want nothing", ok, err)
	}
	want := mail.IMAPState{UIDValidity: 1685297179, LastUID: 4242}
	before := time.Now()
	if err := s.SaveUIDState(ctx, "imap.example.org:993/INBOX", want); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveUIDState(ctx, "imap.example.org:993/Archive", mail.IMAPState{UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSeen(ctx, "msg-1@example.org", "/spool/1.eml"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStateTestStore(t, path)
	got, ok, err := s.LoadUIDState(ctx, "imap.example.org:993/INBOX")
	if err != nil || !ok || got.UIDValidity != want.UIDValidity || got.LastUID != want.LastUID {
		t.Fatalf("after reopen: %+v ok=%v err=%v, want %+v", got, ok, err, want)
	}
	// When it was saved: how far in time the mailbox was read, for a
	// mailbox recreated since.
	if got.Saved.Before(before.Add(-time.Second)) || got.Saved.After(time.Now()) {
		t.Errorf("saved at %v, want between %v and now", got.Saved, before)
	}
	if seen, err := s.SeenMessageID(ctx, "msg-1@example.org"); err != nil || !seen {
		t.Errorf("after reopen the message is not seen: %v %v", seen, err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("database mode: %v %v, want 0600", st.Mode(), err)
	}
}

func TestStoreMessages(t *testing.T) {
	ctx := context.Background()
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	clock := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }

	if seen, err := s.SeenMessageID(ctx, "a@x"); err != nil || seen {
		t.Fatalf("unknown message seen=%v err=%v", seen, err)
	}
	if err := s.MarkSeen(ctx, "a@x", ""); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	if err := s.MarkSeen(ctx, "a@x", "/spool/a.eml"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMessageStatus(ctx, "a@x", MessageDone); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSeen(ctx, "a@x", "/spool/other.eml"); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := s.Message(ctx, "a@x")
	if err != nil || !ok {
		t.Fatalf("Message: %v %v", ok, err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"first sighting is kept", rec.FirstSeen, time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)},
		{"a missing spool path is filled in once", rec.SpoolPath, "/spool/a.eml"},
		{"marking seen again keeps the status", rec.Status, MessageDone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	if err := s.SetMessageStatus(ctx, "never@x", MessageFailed); err == nil || !strings.Contains(err.Error(), "not marked seen") {
		t.Errorf("status of an unseen message: %v", err)
	}
}

func TestStoreSeriesRecords(t *testing.T) {
	ctx := context.Background()
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	key := SeriesKey("cover@x", 3)
	if _, ok, err := s.Series(ctx, key); err != nil || ok {
		t.Fatalf("fresh series ok=%v err=%v", ok, err)
	}
	if err := s.SaveSeries(ctx, SeriesRecord{SeriesID: "cover@x", Version: 3, Status: "reviewed", Findings: []string{"f1", "f2"}}); err != nil {
		t.Fatal(err)
	}
	reply := ReplyMessageID("cover@x", 3, "bot.example.org")
	if already, err := s.BeginReply(ctx, key, reply); err != nil || already {
		t.Fatalf("BeginReply: %v %v", already, err)
	}
	// A later save without the reply ID (the pipeline updating the status)
	// must not lose it.
	if err := s.SaveSeries(ctx, SeriesRecord{SeriesID: "cover@x", Version: 3, Status: "replied", Findings: []string{"f1", "f2"}}); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := s.Series(ctx, key)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if rec.Key != key || rec.Status != "replied" || rec.ReplyMessageID != reply || len(rec.Findings) != 2 || rec.Updated.IsZero() {
		t.Errorf("series record %+v", rec)
	}
	if err := s.SaveSeries(ctx, SeriesRecord{Version: 1}); err == nil {
		t.Error("saving a series without ID succeeded")
	}
}

// storeSendOnce is the bot's side of the protocol, as the pipeline runs it.
func storeSendOnce(ctx context.Context, s *Store, seriesKey, replyID string, send func() error) (sent bool, err error) {
	already, err := s.BeginReply(ctx, seriesKey, replyID)
	if err != nil || already {
		return false, err
	}
	if err := send(); err != nil {
		return false, err
	}
	return true, s.FinishReply(ctx, replyID)
}

func TestStoreAtMostOnceReplies(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	key := SeriesKey("cover@x", 1)
	id := ReplyMessageID("cover@x", 1, "bot.example.org")
	sends := 0
	send := func() error { sends++; return nil }

	steps := []struct {
		name     string
		wantSent bool
	}{
		{"first attempt sends", true},
		{"second attempt does not", false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			sent, err := storeSendOnce(ctx, s, key, id, send)
			if err != nil || sent != st.wantSent {
				t.Fatalf("sent=%v err=%v, want %v", sent, err, st.wantSent)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStateTestStore(t, path)
	if sent, err := storeSendOnce(ctx, s, key, id, send); err != nil || sent {
		t.Fatalf("after restart sent=%v err=%v", sent, err)
	}
	if sends != 1 {
		t.Errorf("%d sends, want 1", sends)
	}
	rec, ok, err := s.Reply(ctx, id)
	if err != nil || !ok || rec.State != ReplySent || rec.Sent.IsZero() || rec.SeriesKey != key {
		t.Errorf("reply record %+v ok=%v err=%v", rec, ok, err)
	}
	if p, err := s.PendingReplies(ctx); err != nil || len(p) != 0 {
		t.Errorf("pending after a clean send: %v %v", p, err)
	}
	if err := s.FinishReply(ctx, "never-begun@x"); err == nil || !strings.Contains(err.Error(), "never begun") {
		t.Errorf("finishing an unknown reply: %v", err)
	}
}

// TestStoreCrashBetweenBeginAndFinish kills a process (this test binary, run
// again) right after BeginReply, as a crash or power cut would, and checks
// that the restarted bot neither sends the reply again nor forgets it.
func TestStoreCrashBetweenBeginAndFinish(t *testing.T) {
	if path := os.Getenv("PATCHBOT_STATE_CRASH_DB"); path != "" {
		s, err := Open(path)
		if err != nil {
			os.Exit(2)
		}
		if already, err := s.BeginReply(context.Background(), "cover@x v2", os.Getenv("PATCHBOT_STATE_CRASH_ID")); err != nil || already {
			os.Exit(2)
		}
		os.Exit(42) // "crash" before the send is confirmed: no Close, no FinishReply.
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	id := ReplyMessageID("cover@x", 2, "bot.example.org")
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreCrashBetweenBeginAndFinish$")
	cmd.Env = append(childEnv(t), "PATCHBOT_STATE_CRASH_DB="+path, "PATCHBOT_STATE_CRASH_ID="+id)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 42 {
		t.Fatalf("crashing child: %v", err)
	}

	s := openStateTestStore(t, path)
	pending, err := s.PendingReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].MessageID != id || pending[0].SeriesKey != "cover@x v2" || pending[0].State != ReplyPending {
		t.Fatalf("pending after crash: %+v", pending)
	}
	sends := 0
	sent, err := storeSendOnce(ctx, s, "cover@x v2", id, func() error { sends++; return nil })
	if err != nil || sent || sends != 0 {
		t.Fatalf("after the crash the reply was sent again: sent=%v sends=%d err=%v", sent, sends, err)
	}
}

func TestStoreBeginReplyRace(t *testing.T) {
	ctx := context.Background()
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	const n = 16
	var wg sync.WaitGroup
	results := make(chan bool, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			already, err := s.BeginReply(ctx, "k v1", "r@x")
			if err != nil {
				t.Error(err)
			}
			results <- already
		}()
	}
	wg.Wait()
	close(results)
	winners := 0
	for already := range results {
		if !already {
			winners++
		}
	}
	if winners != 1 {
		t.Errorf("%d goroutines may send, want exactly 1", winners)
	}
}

func TestStorePendingRepliesOldestFirst(t *testing.T) {
	ctx := context.Background()
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	for _, id := range []string{"c@x", "a@x", "b@x"} {
		clock = clock.Add(time.Minute)
		if _, err := s.BeginReply(ctx, "s v1", id); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FinishReply(ctx, "a@x"); err != nil {
		t.Fatal(err)
	}
	p, err := s.PendingReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p[0].MessageID != "c@x" || p[1].MessageID != "b@x" {
		t.Errorf("pending %+v, want c@x then b@x", p)
	}
}

func TestStoreOpenErrors(t *testing.T) {
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked.db")
	openStateTestStore(t, locked)

	oldSchema := filepath.Join(dir, "old.db")
	db, err := bolt.Open(oldSchema, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte(bucketMeta))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema"), []byte("999"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path, want string
	}{
		{"a second bot on the same state is refused", locked, "another patchbot"},
		{"another schema names the fix", oldSchema, "new state directory"},
		{"a file where the directory should be", filepath.Join(notDir, "db"), "create directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(tc.path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestStoreCanceledContext(t *testing.T) {
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"SaveUIDState", func() error { return s.SaveUIDState(ctx, "k", mail.IMAPState{}) }},
		{"LoadUIDState", func() error { _, _, err := s.LoadUIDState(ctx, "k"); return err }},
		{"SeenMessageID", func() error { _, err := s.SeenMessageID(ctx, "m"); return err }},
		{"BeginReply", func() error { _, err := s.BeginReply(ctx, "k", "r"); return err }},
		{"PendingReplies", func() error { _, err := s.PendingReplies(ctx); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
}

func TestStorePruneMessages(t *testing.T) {
	ctx := context.Background()
	s := openStateTestStore(t, filepath.Join(t.TempDir(), "db"))
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	for i, id := range []string{"old1@x", "old2@x", "new@x"} {
		clock = clock.Add(time.Duration(i) * 24 * time.Hour)
		if err := s.MarkSeen(ctx, id, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.BeginReply(ctx, "old1@x v1", "r@x"); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneMessages(ctx, time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, err %v; want 2", n, err)
	}
	tests := []struct {
		id   string
		seen bool
	}{{"old1@x", false}, {"old2@x", false}, {"new@x", true}}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			if seen, err := s.SeenMessageID(ctx, tc.id); err != nil || seen != tc.seen {
				t.Errorf("seen=%v err=%v, want %v", seen, err, tc.seen)
			}
		})
	}
	if already, err := s.BeginReply(ctx, "old1@x v1", "r@x"); err != nil || !already {
		t.Errorf("pruning messages forgot a reply: already=%v err=%v", already, err)
	}
}

// BenchmarkStoreReplyProtocol measures one BeginReply + FinishReply pair: two
// fsynced bbolt transactions, the cost the at-most-once protocol adds to
// each reply.
func BenchmarkStoreReplyProtocol(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		id := ReplyMessageID("cover@x", i, "bot.example.org")
		if _, err := s.BeginReply(ctx, "cover@x v1", id); err != nil {
			b.Fatal(err)
		}
		if err := s.FinishReply(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoreSeenMessageID measures the lookup the IMAP watcher makes for
// every mail, in a store holding 10,000 Message-IDs.
func BenchmarkStoreSeenMessageID(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	err = s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucketMessages))
		for i := range 10000 {
			if err := putJSON(bk, ReplyMessageID("m", i, "x"), MessageRecord{Status: MessageDone}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.SeenMessageID(ctx, ReplyMessageID("m", i%20000, "x")); err != nil {
			b.Fatal(err)
		}
	}
}

func TestStoreSetMessagesStatusIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"a@x", "b@x"} {
		if err := s.MarkSeen(ctx, id, "/spool/"+id); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetMessagesStatus(ctx, []string{"a@x", "b@x"}, MessageDone); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a@x", "b@x"} {
		rec, ok, err := s.Message(ctx, id)
		if err != nil || !ok || rec.Status != MessageDone {
			t.Errorf("%s: %+v %v %v, want status %q", id, rec, ok, err, MessageDone)
		}
	}
	// One unknown mail fails the whole change: nothing half-recorded.
	err = s.SetMessagesStatus(ctx, []string{"a@x", "never@x"}, MessageFailed)
	if err == nil || !strings.Contains(err.Error(), "<never@x>: not marked seen") {
		t.Fatalf("err = %v, want the unknown mail named", err)
	}
	if rec, _, _ := s.Message(ctx, "a@x"); rec.Status != MessageDone {
		t.Errorf("a@x changed to %q by a failed transaction", rec.Status)
	}
}
