package bot

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listenNotify is a notify socket as systemd offers one, and what it got.
func listenNotify(t *testing.T) (string, func() []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return path, func() []string {
		var got []string
		buf := make([]byte, 4096)
		for {
			_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			n, err := c.Read(buf)
			if err != nil {
				return got
			}
			got = append(got, string(buf[:n]))
		}
	}
}

func TestNotifier(t *testing.T) {
	path, received := listenNotify(t)
	t.Setenv("NOTIFY_SOCKET", path)
	t.Setenv("WATCHDOG_USEC", "60000000") // WatchdogSec=60
	t.Setenv("WATCHDOG_PID", "")
	n := NotifierFromEnv()
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	n.now = func() time.Time { return clock }
	n.Alive() // the mailbox is open: ready
	n.Alive() // at once again: no ping yet
	clock = clock.Add(16 * time.Second)
	n.Alive() // a quarter of the period later: a ping
	n.Stopping()
	got := received()
	want := []string{"READY=1\nSTATUS=watching the mailbox", "WATCHDOG=1", "STOPPING=1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sent %q, want %q", got, want)
	}
	// Not run by systemd: nothing to do, and nothing fails.
	t.Setenv("NOTIFY_SOCKET", "")
	if NotifierFromEnv() != nil {
		t.Error("a notifier without NOTIFY_SOCKET")
	}
	var none *Notifier
	none.Alive()
	none.Stopping()
}
