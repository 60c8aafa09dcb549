package bot_test

import (
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/dovecot"
)

// TestDovecotSeriesOneReplyAcrossRestarts runs the bot against a real
// Dovecot (Debian dovecot-imapd; skipped without it): a series arriving
// in two halves around a bot restart gets exactly one reply, and neither
// a second restart nor a Dovecot restart nor a renumbered mailbox
// (UIDVALIDITY change) makes another.
func TestDovecotSeriesOneReplyAcrossRestarts(t *testing.T) {
	srv := dovecot.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
	mails := demoSeries(t, "4-unconverted-v1") // cover, 1/2, 2/2

	b.start()
	srv.Append("INBOX", mails[0], time.Time{})
	srv.Append("INBOX", mails[1], time.Time{})
	waitFor(t, 20*time.Second, func() bool { return b.pipe.Stats().Mails >= 2 }, func() string { return "first half not read" })
	b.stop()

	srv.Append("INBOX", mails[2], time.Time{})
	b.start()
	got := b.waitReplies(1)
	b.waitMails(1)
	if want := "<" + msgID(mails[0]) + ">"; header(got[0].Data, "In-Reply-To") != want {
		t.Errorf("In-Reply-To %s, want the cover letter %s", header(got[0].Data, "In-Reply-To"), want)
	}

	srv.Restart()
	time.Sleep(2 * time.Second)
	b.stop()

	srv.ChangeUIDValidity("INBOX")
	b.start()
	time.Sleep(2 * time.Second)
	b.stop()
	if n := len(b.smtp.Received()); n != 1 {
		t.Errorf("%d replies, want exactly 1", n)
	}
}
