package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/patchbot/patchbot/config"
)

// RateLimiter caps how many replies the bot sends, per recipient (the
// author, or whom Reply-To names) and in total, over a sliding window
// (config.Rate: N replies per period). It never drops a reply: Take says
// when the held-back reply may go.
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

// Take records a reply to the addresses keys (its recipients) at now and
// returns ok when the total limit and the per-author limit of every key
// allow it. When one does not, nothing is recorded and retryAt is the
// earliest time at which such a reply would be allowed.
func (l *RateLimiter) Take(keys []string, now time.Time) (ok bool, retryAt time.Time) {
	l.all = prune(l.all, now, l.total)
	if at, full := window(l.all, l.total); full {
		retryAt = at
	}
	keys = rateKeys(keys)
	for _, key := range keys {
		mine := prune(l.byAuthor[key], now, l.perAuthor)
		if len(mine) == 0 {
			delete(l.byAuthor, key)
		} else {
			l.byAuthor[key] = mine
		}
		if at, full := window(mine, l.perAuthor); full && at.After(retryAt) {
			retryAt = at
		}
	}
	if !retryAt.IsZero() {
		return false, retryAt
	}
	l.Record(keys, now)
	return true, time.Time{}
}

// Record counts a reply to keys sent at at, without asking: the replies
// of the store's recent past, when the bot starts again, so that a
// restart does not reset the limits. Replies must be recorded oldest
// first.
func (l *RateLimiter) Record(keys []string, at time.Time) {
	if !l.total.IsZero() {
		l.all = append(l.all, at)
	}
	if !l.perAuthor.IsZero() {
		for _, key := range rateKeys(keys) {
			l.byAuthor[key] = append(l.byAuthor[key], at)
		}
	}
}

// Window is how far back Record needs the replies: the longer period of
// the two limits.
func (l *RateLimiter) Window() time.Duration { return max(l.perAuthor.Per, l.total.Per) }

// rateKeys normalises and dedupes addresses.
func rateKeys(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		k = strings.ToLower(strings.TrimSpace(k))
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
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
