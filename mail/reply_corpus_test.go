package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/internal/corpus"
)

func replyReadCorpus(t *testing.T, elem ...string) *Message {
	t.Helper()
	p := corpus.Path(t, elem...)
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw, p)
	if m == nil {
		t.Fatalf("parse %s: %v", p, err)
	}
	return m
}

// TestComposeReplyThreadsLikeTheBots composes patchbot's reply to real
// patches and compares its threading headers with the replies the kernel
// test robot and the patchwork bot sent to the same patches.
func TestComposeReplyThreadsLikeTheBots(t *testing.T) {
	tests := []struct {
		name, patch, botReply string
	}{
		{"v3 and the kernel test robot", "v3-1-net-ioctl-use-kernel-memory-on-protocol-ioctl-callbacks.eml", "v3-reply-from-lkp-robot-10.eml"},
		{"v4 and the kernel test robot", "v4-1-net-ioctl-use-kernel-memory-on-protocol-ioctl-callbacks.eml", "v4-reply-from-lkp-robot-2.eml"},
		{"v4 and the kernel test robot again", "v4-1-net-ioctl-use-kernel-memory-on-protocol-ioctl-callbacks.eml", "v4-reply-from-lkp-robot-3.eml"},
		{"v7 and the patchwork bot", "v7-1-net-ioctl-use-kernel-memory-on-protocol-ioctl-callbacks.eml", "v7-reply-from-patchwork-bot-2.eml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			patch := replyReadCorpus(t, "leitao-ioctl", tc.patch)
			bot := replyReadCorpus(t, "leitao-ioctl", tc.botReply)
			r, err := ComposeReply(patch, ReplyOptions{From: replyTestBot, MessageID: "patchbot.0123456789abcdef@bot.example.org"}, "review\n")
			if err != nil {
				t.Fatal(err)
			}
			if r.Subject != bot.Subject {
				t.Errorf("Subject %q, the bot sent %q", r.Subject, bot.Subject)
			}
			if r.InReplyTo != bot.InReplyTo {
				t.Errorf("In-Reply-To %q, the bot sent %q", r.InReplyTo, bot.InReplyTo)
			}
			if strings.Join(r.References, " ") != strings.Join(bot.References, " ") {
				t.Errorf("References %v, the bot sent %v", r.References, bot.References)
			}
			if len(r.To) != 1 || len(bot.To) == 0 || r.To[0].Email != bot.To[0].Email {
				t.Errorf("To %v, the bot's first To is %v", r.To, bot.To)
			}
			if len(r.Cc) != 0 {
				t.Errorf("author-only reply has Cc %v", r.Cc)
			}
			replyCheckWellFormed(t, r.Bytes())
		})
	}
}

// TestComposeReplyToEveryCorpusMail replies (reply-all) to every mail of
// the corpus threads and checks each reply renders, parses back and
// threads under its original.
func TestComposeReplyToEveryCorpusMail(t *testing.T) {
	var files []string
	for _, dir := range []string{"leitao-ioctl", "seed-thread", "sparse-found", "netdev-clean"} {
		m, err := filepath.Glob(filepath.Join(corpus.Path(t, dir), "*.eml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 100 {
		t.Fatalf("only %d corpus mails found", len(files))
	}
	composed := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if replyCheckCorpusMail(t, raw, f) {
			composed++
		}
	}
	t.Logf("composed and re-parsed replies to %d of %d corpus mails", composed, len(files))
}

// TestComposeReplyToTheIouringMbox does the same over a month of the
// io-uring list (iouring-2023.mbox).
func TestComposeReplyToTheIouringMbox(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 30 MB mbox")
	}
	p := corpus.Path(t, "iouring-2023.mbox")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, composed := 0, 0
	err = ReadMbox(context.Background(), f, p, func(raw []byte, source string) error {
		total++
		if replyCheckCorpusMail(t, raw, source) {
			composed++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("composed and re-parsed replies to %d of %d mails", composed, total)
	if composed < total*99/100 {
		t.Errorf("only %d of %d mails got a reply", composed, total)
	}
}

// replyCheckCorpusMail composes a reply-all to one real mail and checks
// that it renders, parses back and threads under the original. It
// reports whether a reply was composed (mails the reader cannot read, or
// without a usable Message-ID, get none).
func replyCheckCorpusMail(t *testing.T, raw []byte, f string) bool {
	t.Helper()
	{
		m, _ := Parse(raw, f)
		if m == nil || m.MessageID == "" {
			return false
		}
		r, err := ComposeReply(m, ReplyOptions{From: replyTestBot, MessageID: "patchbot.0123456789abcdef@bot.example.org", CcList: true}, "review\n")
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			return false
		}
		if r.InReplyTo != m.MessageID || r.References[len(r.References)-1] != m.MessageID {
			t.Errorf("%s: reply does not thread under <%s>", filepath.Base(f), m.MessageID)
		}
		if strings.HasPrefix(strings.ToLower(r.Subject), "re: re:") {
			t.Errorf("%s: subject %q", filepath.Base(f), r.Subject)
		}
		replyCheckWellFormed(t, r.Bytes())
	}
	return true
}

// TestWrapTextLeavesBotReportsAlone wraps the bodies of the kernel test
// robot's and the patchwork bot's replies: every long line in them is a
// quote, a command, a location, a tag or a "key: URL" line, none of which
// may be broken, so wrapping must change nothing.
func TestWrapTextLeavesBotReportsAlone(t *testing.T) {
	tests := []struct {
		name, file string
	}{
		{"kernel test robot on v3", "v3-reply-from-lkp-robot-10.eml"},
		{"kernel test robot on v4", "v4-reply-from-lkp-robot-2.eml"},
		{"kernel test robot on v4, again", "v4-reply-from-lkp-robot-3.eml"},
		{"patchwork bot on v7", "v7-reply-from-patchwork-bot-2.eml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := replyReadCorpus(t, "leitao-ioctl", tc.file)
			long := 0
			for _, l := range strings.Split(m.Body, "\n") {
				if len(l) > 72 {
					long++
				}
			}
			if long == 0 {
				t.Fatalf("%s has no line over 72 columns: nothing is tested", tc.file)
			}
			if got := WrapText(m.Body, 72); got != m.Body {
				gl, wl := strings.Split(got, "\n"), strings.Split(m.Body, "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("line %d broken: %q became %q", i+1, wl[i], gl[i])
					}
				}
				t.Fatalf("wrapping changed the report")
			}
		})
	}
}
