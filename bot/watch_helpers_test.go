package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/bot/demo"
	"github.com/patchbot/patchbot/config"
)

// testBot is the list bot wired to in-process peers: an IMAP server the
// test appends to, go-smtp catching the replies, state in a temporary
// directory, every log line captured.
type testBot struct {
	t    testing.TB
	cfg  *config.Config
	smtp *demo.SMTPServer
	logs *syncBuffer
	// pipe is the pipeline of the running bot (nil when stopped).
	pipe *bot.Pipeline
	stop func()
}

const (
	testIMAPPasswordEnv = "PATCHBOT_TEST_IMAP_PASSWORD"
	testSMTPPasswordEnv = "PATCHBOT_TEST_SMTP_PASSWORD"
	testBotFrom         = "patchbot test <bot@patchbot.test>"
	testBotDomain       = "patchbot.test"
)

// newTestBot configures a bot for the IMAP server at addr (user,
// password) with the given grace window. The IMAP password reaches the
// bot through the environment, as in production.
func newTestBot(t testing.TB, addr, user, password string, grace time.Duration) *testBot {
	t.Helper()
	smtpSrv, err := demo.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(smtpSrv.Close)
	t.Setenv(testIMAPPasswordEnv, password)
	// The tree index and parse stores stay out of the user's cache.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	if err := demo.ExtractTree(tree); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.State.Dir = filepath.Join(dir, "state")
	cfg.State.Spool = filepath.Join(dir, "state", "spool")
	cfg.Outbox.Dir = filepath.Join(dir, "state", "outbox")
	cfg.IMAP.Addr = addr
	cfg.IMAP.TLS = config.TLSInsecure
	cfg.IMAP.Username = user
	cfg.IMAP.PasswordEnv = testIMAPPasswordEnv
	cfg.IMAP.PollInterval = config.Duration(300 * time.Millisecond)
	cfg.IMAP.Since = config.Date{Time: time.Now().UTC().Add(-48 * time.Hour).Truncate(24 * time.Hour)}
	cfg.Outbox.Mode = config.OutboxSMTP
	cfg.SMTP.Addr = smtpSrv.Addr
	cfg.SMTP.TLS = config.TLSInsecure
	cfg.SMTP.From = testBotFrom
	cfg.Reply.Grace = config.Duration(grace)
	cfg.Reply.RatePerAuthor = config.Rate{}
	cfg.Reply.RateTotal = config.Rate{}
	cfg.Checks.Tree = tree
	cfg.Log.Level = "debug"
	return &testBot{t: t, cfg: cfg, smtp: smtpSrv, logs: &syncBuffer{}}
}

// start runs bot.Watch until stop (or the test's end).
func (b *testBot) start() {
	b.t.Helper()
	if b.stop != nil {
		b.t.Fatal("bot already running")
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *bot.Pipeline, 1)
	done := make(chan error, 1)
	log := slog.New(slog.NewJSONHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() {
		done <- bot.Watch(ctx, b.cfg, bot.WatchOptions{Log: log, Ready: func(p *bot.Pipeline) { ready <- p }, Notifier: bot.NotifierFromEnv()})
	}()
	select {
	case b.pipe = <-ready:
	case err := <-done:
		cancel()
		b.t.Fatalf("watch stopped before it began: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		b.t.Fatal("watch did not start in 10s")
	}
	var once sync.Once
	b.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					b.t.Errorf("watch: %v", err)
				}
			case <-time.After(15 * time.Second):
				b.t.Error("watch did not stop within 15s of cancellation")
			}
			b.pipe, b.stop = nil, nil
		})
	}
	b.t.Cleanup(func() {
		if b.stop != nil {
			b.stop()
		}
	})
}

// waitMails waits until the running pipeline has read n mails and has
// nothing left pending.
func (b *testBot) waitMails(n int) {
	b.t.Helper()
	waitFor(b.t, 20*time.Second, func() bool { return b.pipe.Stats().Mails >= n && b.pipe.Pending() == 0 },
		func() string {
			return fmt.Sprintf("mails read %d of %d, pending %d", b.pipe.Stats().Mails, n, b.pipe.Pending())
		})
}

// waitReplies waits until the SMTP server holds n replies.
func (b *testBot) waitReplies(n int) []demo.Received {
	b.t.Helper()
	waitFor(b.t, 20*time.Second, func() bool { return len(b.smtp.Received()) >= n },
		func() string { return fmt.Sprintf("%d replies of %d", len(b.smtp.Received()), n) })
	return b.smtp.Received()
}

func waitFor(t testing.TB, timeout time.Duration, cond func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s: %s", timeout, state())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// demoSeries returns one embedded example series by name.
func demoSeries(t testing.TB, name string) [][]byte {
	t.Helper()
	all, err := demo.AllSeries()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == name {
			return s.Mails
		}
	}
	t.Fatalf("no demo series %q", name)
	return nil
}

// header returns the unfolded value of the first header field name in a
// raw mail ("" when absent).
func header(raw []byte, name string) string {
	head := string(raw)
	if i := strings.Index(head, "\r\n\r\n"); i >= 0 {
		head = head[:i]
	}
	head = strings.ReplaceAll(head, "\r\n ", " ")
	head = strings.ReplaceAll(head, "\r\n\t", " ")
	for _, l := range strings.Split(head, "\r\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// headerNames lists the field names of a raw mail's header.
func headerNames(raw []byte) []string {
	head := string(raw)
	if i := strings.Index(head, "\r\n\r\n"); i >= 0 {
		head = head[:i]
	}
	var out []string
	for _, l := range strings.Split(head, "\r\n") {
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		k, _, _ := strings.Cut(l, ":")
		out = append(out, k)
	}
	return out
}

// msgID is the Message-ID of a raw mail, without brackets.
func msgID(raw []byte) string {
	h := string(raw)
	if i := strings.Index(h, "\n\n"); i >= 0 {
		h = h[:i]
	}
	for _, l := range strings.Split(h, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(k, "Message-Id") {
			return strings.Trim(strings.TrimSpace(v), "<>")
		}
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a
// logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newJSONLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
