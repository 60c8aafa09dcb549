package bot_test

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/imaptest"
)

// TestWatchNotifiesSystemd runs the bot as a Type=notify unit with
// WatchdogSec=1 would: READY=1 once the mailbox is open, WATCHDOG=1 from
// the IDLE loop while the server answers, STOPPING=1 on the way out.
func TestWatchNotifiesSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "1000000")
	t.Setenv("WATCHDOG_PID", "")
	srv := imaptest.Start(t)
	b := newTestBot(t, srv.Addr, srv.User, srv.Password, time.Minute)
	b.start()
	var got []string
	buf := make([]byte, 1024)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !(len(got) > 0 && strings.Contains(strings.Join(got, "|"), "WATCHDOG=1")) {
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		if n, err := c.Read(buf); err == nil {
			got = append(got, string(buf[:n]))
		}
	}
	b.stop()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.Read(buf); err == nil {
		got = append(got, string(buf[:n]))
	}
	if len(got) < 3 || !strings.HasPrefix(got[0], "READY=1") || got[1] != "WATCHDOG=1" || got[len(got)-1] != "STOPPING=1" {
		t.Errorf("notifications %q: want READY=1, WATCHDOG=1 pings, then STOPPING=1", got)
	}
}
