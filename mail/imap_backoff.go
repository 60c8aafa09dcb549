package mail

import (
	"math/rand/v2"
	"time"
)

// imapBackoff yields reconnection delays that double from min up to max,
// each jittered down to between half and all of its nominal value, so that
// many watchers cut off together do not reconnect together.
type imapBackoff struct {
	min, max time.Duration
	failures int
	// jitter returns a float in [0, 1); rand.Float64 when nil.
	jitter func() float64
}

// next returns the delay before the next attempt and counts a failure.
func (b *imapBackoff) next() time.Duration {
	d := b.min
	for i := 0; i < b.failures && d < b.max; i++ {
		d *= 2
	}
	if d > b.max {
		d = b.max
	}
	b.failures++
	j := rand.Float64
	if b.jitter != nil {
		j = b.jitter
	}
	return d/2 + time.Duration(j()*float64(d/2))
}

// reset starts again from min, after a healthy session.
func (b *imapBackoff) reset() { b.failures = 0 }
