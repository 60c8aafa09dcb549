package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/patchbot/patchbot/internal/dovecot"
	"github.com/patchbot/patchbot/internal/imaptest"
)

// memUIDStore is an in-memory UIDStore. Like bot's bbolt store, it refuses
// to work for a cancelled context. startWatch's deliver marks Message-IDs
// seen when asked to, as the pipeline does.
type memUIDStore struct {
	mu     sync.Mutex
	states map[string]IMAPState
	seen   map[string]bool
	saves  int
	// failSaves is how many of the next saves fail, as on a full disk.
	failSaves int
}

func newMemUIDStore() *memUIDStore {
	return &memUIDStore{states: map[string]IMAPState{}, seen: map[string]bool{}}
}

func (s *memUIDStore) LoadUIDState(ctx context.Context, key string) (IMAPState, bool, error) {
	if err := ctx.Err(); err != nil {
		return IMAPState{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[key]
	return st, ok, nil
}

func (s *memUIDStore) SaveUIDState(ctx context.Context, key string, st IMAPState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSaves > 0 {
		s.failSaves--
		return errors.New("write state: no space left on device")
	}
	st.Saved = time.Now()
	s.states[key] = st
	s.saves++
	return nil
}

func (s *memUIDStore) SeenMessageID(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[id], nil
}

func (s *memUIDStore) markSeen(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[id] = true
}

func (s *memUIDStore) state(key string) (IMAPState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[key]
	return st, ok
}

// testMail renders a small mail with Message-ID <n.tag@patchbot.test>.
func testMail(tag string, n int) []byte {
	return fmt.Appendf(nil, "From: Dev <dev@example.org>\r\nTo: list@example.org\r\n"+
		"Message-ID: <%d.%s@patchbot.test>\r\nSubject: [PATCH %d] test\r\n\r\nbody %d\r\n", n, tag, n, n)
}

func testMsgID(tag string, n int) string { return fmt.Sprintf("%d.%s@patchbot.test", n, tag) }

// imapBackend is a server the watcher tests run against.
type imapBackend interface {
	config() IMAPConfig
	append(mailbox string, raw []byte, date time.Time) uint32
	// deliverWhileDown delivers raw while the server is unreachable and
	// brings it back: Dovecot is killed, the mail put into the maildir,
	// Dovecot restarted; the memory server drops all connections.
	outage(mailbox string, raw []byte)
	changeUIDValidity(mailbox string) uint32
	// recreate deletes mailbox and creates it again holding raws, under
	// a new UIDVALIDITY, while no client has it open.
	recreate(mailbox string, raws ...[]byte)
	client() *imapclient.Client
}

type memBackend struct{ s *imaptest.Server }

func (b memBackend) config() IMAPConfig {
	return IMAPConfig{Addr: b.s.Addr, TLS: IMAPTLSInsecure, Username: b.s.User, Password: b.s.Password}
}
func (b memBackend) append(mb string, raw []byte, date time.Time) uint32 {
	return b.s.Append(mb, raw, date)
}
func (b memBackend) outage(mb string, raw []byte) {
	b.s.DropConnections()
	b.s.Append(mb, raw, time.Time{})
}
func (b memBackend) changeUIDValidity(mb string) uint32 { return b.s.ChangeUIDValidity(mb) }
func (b memBackend) recreate(mb string, raws ...[]byte) {
	msgs := make([]imaptest.Message, len(raws))
	for i, raw := range raws {
		msgs[i] = imaptest.Message{Body: raw, Date: time.Now()}
	}
	if err := b.s.RecreateMailbox(mb, msgs...); err != nil {
		panic(err)
	}
	b.s.DropConnections()
}
func (b memBackend) client() *imapclient.Client { return b.s.Client() }

type dovecotBackend struct{ s *dovecot.Server }

func (b dovecotBackend) config() IMAPConfig {
	return IMAPConfig{Addr: b.s.Addr, TLS: IMAPTLSInsecure, Username: b.s.User, Password: b.s.Password}
}
func (b dovecotBackend) append(mb string, raw []byte, date time.Time) uint32 {
	return b.s.Append(mb, raw, date)
}
func (b dovecotBackend) outage(mb string, raw []byte) {
	b.s.Kill()
	b.s.DeliverFile(mb, raw)
	time.Sleep(300 * time.Millisecond) // let the watcher fail a reconnection or two
	b.s.Restart()
}
func (b dovecotBackend) changeUIDValidity(mb string) uint32 { return b.s.ChangeUIDValidity(mb) }
func (b dovecotBackend) recreate(mb string, raws ...[]byte) { b.s.Recreate(mb, raws...) }
func (b dovecotBackend) client() *imapclient.Client         { return b.s.Client() }

// backends lists the servers every watcher test runs against.
func backends() []struct {
	name  string
	start func(t *testing.T) imapBackend
} {
	return []struct {
		name  string
		start func(t *testing.T) imapBackend
	}{
		{"imapmemserver", func(t *testing.T) imapBackend { return memBackend{imaptest.Start(t)} }},
		{"dovecot", func(t *testing.T) imapBackend { return dovecotBackend{dovecot.Start(t)} }},
	}
}

// delivery is one call of deliver.
type delivery struct {
	uid   uint32
	msgid string
	raw   []byte
}

// watchRun is one WatchIMAP running in the background.
type watchRun struct {
	t      *testing.T
	got    chan delivery
	cancel context.CancelFunc
	done   chan error
}

// logSink collects every log line of a test and checks at the end that
// the password never appears in it. text returns what was logged so far.
func logSink(t *testing.T, secret string) (log *slog.Logger, text func() string) {
	t.Helper()
	var mu sync.Mutex
	var buf bytes.Buffer
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the password appears in the log output:\n%s", buf.String())
		}
		if t.Failed() || testing.Verbose() && os.Getenv("IMAP_TEST_LOG") != "" {
			t.Logf("watcher log:\n%s", buf.String())
		}
	})
	text = func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
	return slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug})), text
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// fastConfig shortens every interval so tests take seconds.
func fastConfig(cfg IMAPConfig) IMAPConfig {
	cfg.PollInterval = 300 * time.Millisecond
	cfg.MinBackoff = 50 * time.Millisecond
	cfg.MaxBackoff = 400 * time.Millisecond
	cfg.Timeout = 3 * time.Second
	return cfg
}

// deliverFailures is how many times startWatch's deliver fails for each
// Message-ID it is told to fail, before it takes the mail.
const deliverFailures = 3

// startWatch runs WatchIMAP until the test ends (or stop is called). If
// store marks delivered mail seen (markSeen), it does so as deliver runs;
// fail makes deliver fail deliverFailures times for each of the given
// Message-IDs, as a pipeline on a full disk would.
func startWatch(t *testing.T, cfg IMAPConfig, store *memUIDStore, log *slog.Logger, markSeen bool, fail ...string) *watchRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &watchRun{t: t, got: make(chan delivery, 1000), cancel: cancel, done: make(chan error, 1)}
	failed := map[string]int{}
	deliver := func(_ context.Context, uid uint32, raw []byte) error {
		id := imapHeaderMessageID(headerBlock(raw))
		r.got <- delivery{uid: uid, msgid: id, raw: raw}
		if slices.Contains(fail, id) && failed[id] < deliverFailures {
			failed[id]++
			return fmt.Errorf("spool full for %s", id)
		}
		if markSeen {
			store.markSeen(id)
		}
		return nil
	}
	go func() { r.done <- WatchIMAP(ctx, cfg, store, log, deliver) }()
	t.Cleanup(func() { r.stop() })
	return r
}

// stop cancels the watcher and checks that it returned nil promptly.
func (r *watchRun) stop() {
	r.t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			r.t.Errorf("WatchIMAP returned %v after cancel, want nil", err)
		}
	case <-time.After(5 * time.Second):
		r.t.Errorf("WatchIMAP did not return within 5s of cancel")
	}
}

// expect waits for n deliveries and returns them.
func (r *watchRun) expect(n int, within time.Duration) []delivery {
	r.t.Helper()
	var got []delivery
	deadline := time.After(within)
	for len(got) < n {
		select {
		case d := <-r.got:
			got = append(got, d)
		case err := <-r.done:
			r.t.Fatalf("WatchIMAP returned early: %v (after %d of %d deliveries)", err, len(got), n)
		case <-deadline:
			r.t.Fatalf("got %d deliveries within %v, want %d: %v", len(got), within, n, ids(got))
		}
	}
	return got
}

// quiet checks that nothing more is delivered for d (several poll
// intervals).
func (r *watchRun) quiet(d time.Duration) {
	r.t.Helper()
	select {
	case x := <-r.got:
		r.t.Fatalf("unexpected extra delivery: UID %d <%s>", x.uid, x.msgid)
	case <-time.After(d):
	}
}

func ids(ds []delivery) []string {
	var s []string
	for _, d := range ds {
		s = append(s, d.msgid)
	}
	return s
}

// headerBlock is raw up to the blank line.
func headerBlock(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+2]
	}
	return raw
}

// waitState waits until the watcher has saved a state for key (it has
// opened the mailbox and decided where to start).
func waitState(t *testing.T, store *memUIDStore, key string) IMAPState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if st, ok := store.state(key); ok {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no IMAP state saved for %s within 10s", key)
	return IMAPState{}
}

// watchFixture is what most watcher tests begin with: the in-memory
// server, a fast config for it, a log that hides the password, an empty
// store and the state key.
type watchFixture struct {
	b      imapBackend
	cfg    IMAPConfig
	log    *slog.Logger
	logged func() string
	store  *memUIDStore
	key    string
}

func newWatchFixture(t *testing.T) watchFixture {
	t.Helper()
	return newWatchFixtureOn(t, memBackend{imaptest.Start(t)})
}

// newWatchFixtureOn is newWatchFixture on the server b.
func newWatchFixtureOn(t *testing.T, b imapBackend) watchFixture {
	t.Helper()
	cfg := fastConfig(b.config())
	log, logged := logSink(t, cfg.Password)
	return watchFixture{b: b, cfg: cfg, log: log, logged: logged, store: newMemUIDStore(), key: cfg.withDefaults().stateKey()}
}
