package bot

import (
	"strings"
	"time"

	"github.com/patchbot/patchbot/config"
)

// RateLimiter caps how many replies the bot sends, per author and in
// total, over a sliding window (config.Rate: N replies per period). It
// never drops a reply: Take says when the held-back reply may go.
// It is not safe for concurrent use; the pipeline serialises its calls.
type RateLimiter struct {
	perAuthor, total config.Rate
	byAuthor         map[string][]time.Time
	all              []time.Time
}

// NewRateLimiter returns a limiter; a zero Rate does not limit.
func NewRateLimiter(perAuthor, total config.Rate) *RateLimiter {
	return &RateLimiter{perAuthor: perAuthor, total: total, byAuthor: map[string][]time.Time{}}
}

// Take records a reply to author at now and returns ok when both limits
// allow it. When one does not, nothing is recorded and retryAt is the
// earliest time at which a reply to author would be allowed.
func (l *RateLimiter) Take(author string, now time.Time) (ok bool, retryAt time.Time) {
	key := strings.ToLower(strings.TrimSpace(author))
	l.all = prune(l.all, now, l.total)
	mine := prune(l.byAuthor[key], now, l.perAuthor)
	if len(mine) == 0 {
		delete(l.byAuthor, key)
	} else {
		l.byAuthor[key] = mine
	}
	if at, full := window(l.all, l.total); full {
		retryAt = at
	}
	if at, full := window(mine, l.perAuthor); full && at.After(retryAt) {
		retryAt = at
	}
	if !retryAt.IsZero() {
		return false, retryAt
	}
	if !l.total.IsZero() {
		l.all = append(l.all, now)
	}
	if !l.perAuthor.IsZero() {
		l.byAuthor[key] = append(mine, now)
	}
	return true, time.Time{}
}

// prune drops the sends that left the window of r.
func prune(sent []time.Time, now time.Time, r config.Rate) []time.Time {
	if r.IsZero() {
		return nil
	}
	i := 0
	for i < len(sent) && !sent[i].Add(r.Per).After(now) {
		i++
	}
	return sent[i:]
}

// window reports whether sent fills r, and when the oldest send leaves
// the window.
func window(sent []time.Time, r config.Rate) (time.Time, bool) {
	if r.IsZero() || len(sent) < r.N {
		return time.Time{}, false
	}
	return sent[len(sent)-r.N].Add(r.Per), true
}
