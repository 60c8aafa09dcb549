package bot_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/imaptest"
)

// mountTmpfs mounts a tmpfs of size bytes at dir for the test, or skips
// it where mounting is not allowed (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, dir string, size int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// fill writes a file in dir until the file system is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 64<<10)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			break
		}
	}
	for len(block) > 1 {
		block = block[:len(block)/2]
		for {
			if _, err := f.Write(block); err != nil {
				break
			}
		}
	}
	return path
}

// The state on a disk that fills up while mail arrives: nothing is
// skipped. Every mail that arrived while the disk was full is spooled,
// reviewed and answered once space returns, each once.
func TestWatchOnAFullDiskLosesNoMail(t *testing.T) {
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, 0)
	state := b.cfg.State.Dir
	mountTmpfs(t, state, 8<<20)
	b.start()
	waitFor(t, 10*time.Second, func() bool {
		_, err := os.Stat(b.cfg.State.DBPath())
		return err == nil
	}, func() string { return "no state database" })
	// The first mail opens the spool's segment.
	patch := demoSeries(t, "2-dropped-user")[0]
	mailN := func(i int) []byte {
		return bytes.Replace(patch, []byte("Message-Id: <"), []byte(fmt.Sprintf("Message-Id: <full%d.", i)), 1)
	}
	srv.Append("INBOX", mailN(0), time.Time{})
	b.waitReplies(1)

	filler := fill(t, state)
	const whileFull = 4
	for i := 1; i <= whileFull; i++ {
		srv.Append("INBOX", mailN(i), time.Time{})
	}
	// The bot tries (each try counts as a mail read) and fails.
	waitFor(t, 20*time.Second, func() bool { return b.pipe.Stats().Mails >= 1+whileFull },
		func() string { return fmt.Sprintf("%d mails tried", b.pipe.Stats().Mails) })
	if !strings.Contains(b.logs.String(), "no space left on device") || !strings.Contains(b.logs.String(), "retrying") {
		t.Errorf("the bot never said it was retrying after the disk filled:\n%s", tail(b.logs.String()))
	}
	if n := len(b.smtp.Received()); n != 1 {
		t.Errorf("%d replies while the disk was full, want still 1", n)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	got := b.waitReplies(1 + whileFull)
	time.Sleep(time.Second)
	b.stop()
	if len(b.smtp.Received()) != 1+whileFull {
		t.Errorf("%d replies, want %d: one for each mail, once", len(b.smtp.Received()), 1+whileFull)
	}
	replied := map[string]int{}
	for _, r := range got {
		replied[header(r.Data, "In-Reply-To")]++
	}
	for i := 0; i <= whileFull; i++ {
		if id := "<" + msgID(mailN(i)) + ">"; replied[id] != 1 {
			t.Errorf("mail %d (%s) answered %d times, want once", i, id, replied[id])
		}
	}
	if n, distinct := spooled(t, b.cfg.State.Spool); distinct != 1+whileFull {
		t.Errorf("%d mails spooled (%d distinct), want the %d", n, distinct, 1+whileFull)
	}
}

// tail is the end of a log, for a failure message.
func tail(s string) string {
	const n = 3000
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
