package bot_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/internal/imaptest"
)

var update = flag.Bool("update", false, "rewrite the golden replies under testdata/reply")

// replyDate matches the Date header, the one part of a reply that changes
// from run to run.
var replyDate = regexp.MustCompile(`(?m)^Date: .*\r\n`)

func TestWatchAppendSeriesRepliesOnce(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
	b.start()
	mails := demoSeries(t, "2-dropped-user")
	for _, m := range mails {
		srv.Append("INBOX", m, time.Time{})
	}
	got := b.waitReplies(1)
	b.waitMails(len(mails))
	time.Sleep(300 * time.Millisecond)
	if n := len(b.smtp.Received()); n != 1 {
		t.Fatalf("%d replies, want exactly 1", n)
	}
	r := got[0]
	patchID := msgID(mails[0])
	wantHeaders := map[string]string{
		"From":         `"patchbot test" <bot@patchbot.test>`,
		"To":           `"Bob Example" <bob@example.org>`,
		"Cc":           "",
		"Subject":      "Re: [PATCH net-next] net: phonet: simplify pep_copy_obj()",
		"In-Reply-To":  "<" + patchID + ">",
		"References":   "<" + patchID + ">",
		"Message-Id":   "<" + bot.ReplyMessageID(patchID, 1, testBotDomain) + ">",
		"Content-Type": "text/plain; charset=utf-8",
	}
	for k, want := range wantHeaders {
		if got := header(r.Data, k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if len(r.To) != 1 || r.To[0] != "bob@example.org" {
		t.Errorf("envelope recipients %q, want only the author", r.To)
	}
	golden(t, "dropped-user.eml", replyDate.ReplaceAll(r.Data, nil))
	// One reply, one log line saying what became of it.
	if n := strings.Count(b.logs.String(), `"msg":"reply sent"`); n != 1 {
		t.Errorf("the reply is logged %d times as sent, want once:\n%s", n, b.logs.String())
	}
}

func TestWatchRestartMidSeriesNoDuplicateNothingLost(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
	mails := demoSeries(t, "3-callback-signature") // cover, 1/2, 2/2
	b.start()
	srv.Append("INBOX", mails[0], time.Time{})
	srv.Append("INBOX", mails[1], time.Time{})
	waitFor(t, 20*time.Second, func() bool { return b.pipe.Stats().Mails >= 2 }, func() string { return "2 mails not read" })
	if p := b.pipe.Pending(); p != 2 {
		t.Fatalf("%d mails pending before the restart, want 2", p)
	}
	b.stop()
	if n := len(b.smtp.Received()); n != 0 {
		t.Fatalf("%d replies to half a series", n)
	}

	srv.Append("INBOX", mails[2], time.Time{})
	b.start()
	got := b.waitReplies(1)
	b.waitMails(1)
	b.stop()
	if want := msgID(mails[2]); header(got[0].Data, "In-Reply-To") != "<"+want+">" {
		t.Errorf("reply In-Reply-To %s, want the patch with the finding <%s>", header(got[0].Data, "In-Reply-To"), want)
	}

	// A third start with the whole series in the mailbox and the spool
	// sends nothing more.
	b.start()
	time.Sleep(time.Second)
	b.stop()
	if n := len(b.smtp.Received()); n != 1 {
		t.Errorf("%d replies after two restarts, want 1", n)
	}
	if n, distinct := spooled(t, b.cfg.State.Spool); n != len(mails) || distinct != len(mails) {
		t.Errorf("%d mails spooled (%d distinct) after three starts, want each of the %d once", n, distinct, len(mails))
	}
}

func TestWatchCrashBetweenBeginReplyAndSendNeverRepliesTwice(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
	mails := demoSeries(t, "2-dropped-user")
	id := msgID(mails[0])
	// The state a crash after BeginReply and before Send leaves behind.
	st, err := bot.Open(b.cfg.State.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	if already, err := st.BeginReply(context.Background(), bot.SeriesKey(id, 1), bot.ReplyMessageID(id, 1, testBotDomain)); err != nil || already {
		t.Fatalf("BeginReply: already=%v err=%v", already, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	b.start()
	srv.Append("INBOX", mails[0], time.Time{})
	b.waitMails(1)
	time.Sleep(300 * time.Millisecond)
	b.stop()
	if n := len(b.smtp.Received()); n != 0 {
		t.Fatalf("%d replies sent for a reply a crash left pending, want none", n)
	}
	logs := b.logs.String()
	for _, want := range []string{"never confirmed", "never sent twice"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log does not say %q:\n%s", want, logs)
		}
	}
}

func TestWatchIgnoresRepliesPullsOwnMailAndCleanSeries(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, 0)
	patch := demoSeries(t, "2-dropped-user")[0]
	variant := func(id, subject, from, extra string) []byte {
		m := regexp.MustCompile(`(?m)^Subject: .*$`).ReplaceAll(patch, []byte("Subject: "+subject))
		m = regexp.MustCompile(`(?m)^From: .*$`).ReplaceAll(m, []byte("From: "+from+extra))
		return regexp.MustCompile(`(?m)^Message-Id: <`).ReplaceAll(m, []byte("Message-Id: <"+id+"."))
	}
	mails := [][]byte{
		variant("reply", "Re: [PATCH net-next] net: phonet: simplify pep_copy_obj()", "Bob Example <bob@example.org>", ""),
		variant("pull", "[GIT PULL] net: phonet fixes", "Bob Example <bob@example.org>", ""),
		variant("own", "[PATCH] own mail", testBotFrom, ""),
		variant("marked", "[PATCH] marked mail", "Someone <someone@example.org>", "\nX-Patchbot: patchbot"),
	}
	mails = append(mails, demoSeries(t, "1-clean")...)
	b.start()
	for _, m := range mails {
		srv.Append("INBOX", m, time.Time{})
	}
	b.waitMails(len(mails))
	time.Sleep(300 * time.Millisecond)
	st := b.pipe.Stats()
	b.stop()
	if n := len(b.smtp.Received()); n != 0 {
		t.Fatalf("%d replies, want none", n)
	}
	if st.SeriesReviewed != 1 || st.Clean != 1 {
		t.Errorf("reviewed %d series (%d clean), want only the clean series", st.SeriesReviewed, st.Clean)
	}
}

func TestWatchSurvivesMalformedMailAndNoHeaderInjection(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
	patch := demoSeries(t, "2-dropped-user")[0]
	hostile := regexp.MustCompile(`(?m)^Subject: .*$`).ReplaceAll(patch,
		[]byte("Subject: =?utf-8?q?[PATCH]_evil=0D=0ABcc:_victim@example.org=0D=0AX-Injected:_yes?="))
	hostile = regexp.MustCompile(`(?m)^Message-Id: <`).ReplaceAll(hostile, []byte("Message-Id: <hostile."))
	hostile = regexp.MustCompile(`(?m)^From: .*$`).ReplaceAll(hostile, []byte("From: \"Eve\r\n Bcc: victim2@example.org\" <eve@example.org>"))
	huge := append([]byte("From: Big <big@example.org>\r\nMessage-ID: <huge@example.org>\r\nSubject: [PATCH] huge\r\n\r\n"),
		bytes.Repeat([]byte(strings.Repeat("x", 99)+"\r\n"), 200_000)...)
	malformed := []struct {
		name string
		raw  []byte
	}{
		{"broken MIME", []byte("From: a@example.org\r\nMessage-ID: <broken-mime@example.org>\r\nSubject: [PATCH] x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=\"x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64\r\n")},
		{"20 MB body", huge},
		{"NUL bytes", []byte("From: n@example.org\r\nMessage-ID: <nul@example.org>\r\nSubject: [PATCH] n\x00ul\r\n\r\ndiff --git a/x b/x\x00\r\n")},
		{"invalid UTF-8", []byte("From: \xff\xfe <u@example.org>\r\nMessage-ID: <utf8@example.org>\r\nSubject: [PATCH] \xc3\x28 bad\r\n\r\n\xe2\x82 body\r\n")},
		{"no header at all", []byte("\r\n\r\n")},
	}
	b.start()
	for _, m := range malformed {
		srv.Append("INBOX", m.raw, time.Time{})
	}
	srv.Append("INBOX", hostile, time.Time{})
	good := demoSeries(t, "3-callback-signature")
	for _, m := range good {
		srv.Append("INBOX", m, time.Time{})
	}
	total := len(malformed) + 1 + len(good)
	defer func() {
		if t.Failed() {
			t.Logf("log:\n%s", b.logs.String())
		}
	}()
	got := b.waitReplies(2)
	// Mails without a diff wait out their grace window in the pool.
	waitFor(t, 20*time.Second, func() bool { return b.pipe.Stats().Mails >= total }, func() string { return "not every mail was read" })
	b.stop()
	if len(got) != 2 {
		t.Fatalf("%d replies, want 2 (hostile patch, good series)", len(got))
	}
	for _, r := range got {
		names := headerNames(r.Data)
		for _, n := range names {
			switch strings.ToLower(n) {
			case "bcc", "x-injected":
				t.Errorf("injected header %q in reply:\n%s", n, r.Data)
			}
		}
		for _, rcpt := range r.To {
			if strings.Contains(rcpt, "victim") {
				t.Errorf("reply sent to %q", rcpt)
			}
		}
	}
	logs := b.logs.String()
	for _, id := range []string{"broken-mime@example.org", "huge@example.org", "nul@example.org", "utf8@example.org"} {
		if !strings.Contains(logs, id) {
			t.Errorf("log never names <%s>", id)
		}
	}
	if n, distinct := spooled(t, b.cfg.State.Spool); n != total || distinct != total {
		t.Errorf("%d mails spooled (%d distinct), want each of the %d once", n, distinct, total)
	}
}

func TestWatchNeverLogsPasswords(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, 0)
	const smtpSecret = "smtp-secret-Zq8v"
	t.Setenv(testSMTPPasswordEnv, smtpSecret)
	b.cfg.SMTP.PasswordEnv = testSMTPPasswordEnv
	b.start()
	for _, m := range demoSeries(t, "2-dropped-user") {
		srv.Append("INBOX", m, time.Time{})
	}
	b.waitReplies(1)
	srv.DropConnections()
	time.Sleep(300 * time.Millisecond)
	b.stop()

	// A wrong password: the login failure is logged and returned.
	t.Setenv(testIMAPPasswordEnv, "wrong-password-Kx3")
	err := bot.Watch(context.Background(), b.cfg, bot.WatchOptions{Log: newJSONLogger(b.logs)})
	if err == nil {
		t.Fatal("watch with a wrong password succeeded")
	}
	out := b.logs.String() + err.Error()
	for _, secret := range []string{srv.Password, smtpSecret, "wrong-password-Kx3"} {
		if strings.Contains(out, secret) {
			t.Errorf("a configured password appears in the log or error: %q", secret)
		}
	}
	if !strings.Contains(out, "imap") {
		t.Errorf("nothing was logged about IMAP:\n%s", out)
	}
}

// golden compares got with testdata/reply/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "reply", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./bot -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("reply differs from %s (-update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestWatchOutboxModes(t *testing.T) {
	tests := []struct {
		name string
		mode string
	}{
		{"dry-run writes an .eml file", config.OutboxDryRun},
		{"drafts appends to the Drafts mailbox", config.OutboxDrafts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := imaptest.Start(t)
			b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
			b.cfg.Outbox.Mode = tt.mode
			b.start()
			mails := demoSeries(t, "2-dropped-user")
			for _, m := range mails {
				srv.Append("INBOX", m, time.Time{})
			}
			b.waitMails(len(mails))
			b.stop()
			if n := len(b.smtp.Received()); n != 0 {
				t.Errorf("%d mails sent by SMTP in %s mode", n, tt.mode)
			}
			want := bot.ReplyMessageID(msgID(mails[0]), 1, testBotDomain)
			var got []byte
			switch tt.mode {
			case config.OutboxDryRun:
				data, err := os.ReadFile(filepath.Join(b.cfg.Outbox.Dir, want+".eml"))
				if err != nil {
					t.Fatal(err)
				}
				got = data
			case config.OutboxDrafts:
				msgs := imaptest.Fetch(t, srv.Client(), "Drafts", true)
				if len(msgs) != 1 {
					t.Fatalf("%d drafts, want 1", len(msgs))
				}
				if !msgs[0].HasFlag(imap.FlagDraft) {
					t.Error("draft lacks the \\Draft flag")
				}
				got = msgs[0].Body
			}
			if h := header(got, "Message-Id"); h != "<"+want+">" {
				t.Errorf("Message-Id %s, want <%s>", h, want)
			}
		})
	}
}

// spooled walks the spool in dir and says how many mails it holds, and
// how many of them are distinct.
func spooled(t *testing.T, dir string) (n, distinct int) {
	t.Helper()
	seen := map[string]bool{}
	err := (&bot.Spool{Dir: dir}).Walk(context.Background(), time.Time{}, func(_ string, raw []byte) error {
		n++
		seen[string(raw)] = true
		return nil
	})
	if err != nil {
		t.Errorf("walking the spool: %v", err)
	}
	return n, len(seen)
}
