package mail

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errIMAPConnClosed reports a connection the server (or the network)
// closed while the watcher was waiting.
var errIMAPConnClosed = errors.New("connection closed while waiting for new mail")

// waitForMail returns when there may be new mail: the server announced it
// (EXISTS, handed over through wake), or PollInterval passed and a NOOP has
// just asked the server for news. With IDLE the wait happens inside an IDLE
// command that is stopped again before returning, so that the caller can
// send commands. It returns an error when the connection broke or ctx is
// done.
func (w *imapWatcher) waitForMail(ctx context.Context, c *imapConn, wake <-chan struct{}, useIdle bool) error {
	timer := time.NewTimer(w.cfg.PollInterval)
	defer timer.Stop()

	if !useIdle {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.Closed():
			return errIMAPConnClosed
		case <-wake:
		case <-timer.C:
		}
		return w.noop(c)
	}

	stop := c.guard(w.cfg.Timeout)
	idle, err := c.Idle()
	stop()
	if err != nil {
		return fmt.Errorf("start IDLE: %w", err)
	}
	ended := make(chan error, 1)
	go func() { ended <- idle.Wait() }()

	poll := false
	select {
	case <-ctx.Done():
		_ = idle.Close()
		return ctx.Err()
	case err := <-ended:
		// IDLE ends by itself only when the connection does (go-imap
		// restarts it every 28 minutes on its own).
		if err == nil {
			err = errIMAPConnClosed
		}
		return fmt.Errorf("IDLE ended: %w", err)
	case <-wake:
	case <-timer.C:
		// IDLE can die silently (go-imap issue #602) or miss a wake-up:
		// ask the server ourselves.
		poll = true
	}
	// A server that died silently never answers DONE: the guard turns
	// that into a closed connection, hence a reconnection.
	stop = c.guard(w.cfg.Timeout)
	err = idle.Close()
	if err == nil {
		err = <-ended
	}
	stop()
	if err != nil {
		return fmt.Errorf("stop IDLE: %w", err)
	}
	if poll {
		return w.noop(c)
	}
	return nil
}

// noop sends NOOP, which makes the server report new mail, and waits at
// most Timeout for the answer.
func (w *imapWatcher) noop(c *imapConn) error {
	defer c.guard(w.cfg.Timeout)()
	if err := c.Noop().Wait(); err != nil {
		return fmt.Errorf("NOOP: %w", err)
	}
	return nil
}
