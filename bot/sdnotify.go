package bot

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

// Notifier speaks systemd's notify protocol (sd_notify(3)) for a unit of
// Type=notify: READY=1 once the IMAP mailbox is open, WATCHDOG=1 each time
// the IDLE loop has heard from the server (so that WatchdogSec= restarts a
// bot whose IDLE died), STOPPING=1 on the way out. Without $NOTIFY_SOCKET
// (not run by systemd) it does nothing. A nil *Notifier does nothing.
type Notifier struct {
	addr     string
	watchdog time.Duration

	mu    sync.Mutex
	ready bool
	last  time.Time
	now   func() time.Time
}

// NotifierFromEnv reads $NOTIFY_SOCKET and $WATCHDOG_USEC (honoured only
// when $WATCHDOG_PID is unset or this process), as systemd sets them.
func NotifierFromEnv() *Notifier {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return nil
	}
	n := &Notifier{addr: addr, now: time.Now}
	if pid := os.Getenv("WATCHDOG_PID"); pid == "" || pid == strconv.Itoa(os.Getpid()) {
		if us, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64); err == nil && us > 0 {
			n.watchdog = time.Duration(us) * time.Microsecond
		}
	}
	return n
}

// Alive says the bot has just heard from its mail server: the first call
// is READY=1, the later ones watchdog pings (at most four a watchdog
// period).
func (n *Notifier) Alive() {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case !n.ready:
		if n.send("READY=1\nSTATUS=watching the mailbox") == nil {
			n.ready = true
			n.last = n.now()
		}
	case n.watchdog > 0 && n.now().Sub(n.last) >= n.watchdog/4:
		if n.send("WATCHDOG=1") == nil {
			n.last = n.now()
		}
	}
}

// Stopping says the bot is shutting down.
func (n *Notifier) Stopping() {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	_ = n.send("STOPPING=1")
}

// send writes one datagram to the notify socket (an abstract one when the
// address starts with "@").
func (n *Notifier) send(msg string) error {
	addr := n.addr
	if addr[0] == '@' {
		addr = "\x00" + addr[1:]
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("notify systemd: %w", err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		return fmt.Errorf("notify systemd: %w", err)
	}
	return nil
}
