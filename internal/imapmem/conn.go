package imapmem

import (
	"net"
	"sync"
	"sync/atomic"
)

// trackingListener remembers accepted connections so that they can be
// dropped or stalled together.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[*stallableConn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	sc := &stallableConn{Conn: c}
	l.mu.Lock()
	l.conns[sc] = struct{}{}
	l.mu.Unlock()
	return sc, nil
}

func (l *trackingListener) dropAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		_ = c.Close()
		delete(l.conns, c)
	}
}

func (l *trackingListener) stallAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		c.stalled.Store(true)
	}
}

// stallableConn is a server-side connection that can be made to swallow
// what it reads and writes.
type stallableConn struct {
	net.Conn
	stalled atomic.Bool
}

func (c *stallableConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if !c.stalled.Load() || err != nil {
			return n, err
		}
	}
}

func (c *stallableConn) Write(p []byte) (int, error) {
	if c.stalled.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}
