package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/config"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	type take struct {
		// author is the reply's recipients, comma-separated.
		author string
		at     time.Duration
		ok     bool
		retry  time.Duration // from t0, when !ok
	}
	tests := []struct {
		name             string
		perAuthor, total config.Rate
		takes            []take
	}{
		{"zero rates never limit", config.Rate{}, config.Rate{},
			[]take{{"a", 0, true, 0}, {"a", 0, true, 0}, {"a", 0, true, 0}}},
		{"per author limit holds the same author only", config.Rate{N: 2, Per: time.Hour}, config.Rate{},
			[]take{{"a", 0, true, 0}, {"a", time.Minute, true, 0}, {"a", 2 * time.Minute, false, time.Hour}, {"b", 3 * time.Minute, true, 0}}},
		{"authors are matched without case", config.Rate{N: 1, Per: time.Hour}, config.Rate{},
			[]take{{"Ada@Example.org", 0, true, 0}, {"ada@example.org", time.Minute, false, time.Hour}}},
		{"window slides", config.Rate{N: 1, Per: time.Hour}, config.Rate{},
			[]take{{"a", 0, true, 0}, {"a", 59 * time.Minute, false, time.Hour}, {"a", time.Hour, true, 0}}},
		{"total limit holds everyone", config.Rate{}, config.Rate{N: 2, Per: time.Hour},
			[]take{{"a", 0, true, 0}, {"b", time.Minute, true, 0}, {"c", 2 * time.Minute, false, time.Hour}}},
		{"the later of both limits wins", config.Rate{N: 1, Per: 2 * time.Hour}, config.Rate{N: 1, Per: time.Hour},
			[]take{{"a", 0, true, 0}, {"a", time.Minute, false, 2 * time.Hour}}},
		{"each recipient of a reply is held to its limit", config.Rate{N: 1, Per: time.Hour}, config.Rate{},
			[]take{{"a,b", 0, true, 0}, {"b", time.Minute, false, time.Hour}, {"c,a", 2 * time.Minute, false, time.Hour}, {"c", 3 * time.Minute, true, 0}}},
		{"a refused reply is not counted", config.Rate{N: 1, Per: time.Hour}, config.Rate{N: 10, Per: time.Hour},
			[]take{{"a", 0, true, 0}, {"a", time.Minute, false, time.Hour}, {"a", time.Minute, false, time.Hour}, {"a", time.Hour, true, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewRateLimiter(tt.perAuthor, tt.total)
			for i, tk := range tt.takes {
				ok, retry := l.Take(strings.Split(tk.author, ","), t0.Add(tk.at))
				if ok != tk.ok {
					t.Fatalf("take %d (%s at +%s): ok=%v, want %v", i, tk.author, tk.at, ok, tk.ok)
				}
				if !ok && !retry.Equal(t0.Add(tk.retry)) {
					t.Errorf("take %d: retry at +%s, want +%s", i, retry.Sub(t0), tk.retry)
				}
			}
		})
	}
}

// The replies of before a restart, recorded, count as if the limiter had
// seen them.
func TestRateLimiterRecord(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	l := NewRateLimiter(config.Rate{N: 2, Per: time.Hour}, config.Rate{N: 3, Per: 2 * time.Hour})
	if l.Window() != 2*time.Hour {
		t.Errorf("window %v, want the longer period", l.Window())
	}
	l.Record([]string{"A@example.org"}, t0)
	l.Record([]string{"a@example.org"}, t0.Add(time.Minute))
	if ok, at := l.Take([]string{"a@example.org"}, t0.Add(2*time.Minute)); ok || !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("Take after two recorded replies: %v, retry %v; want held until +1h", ok, at.Sub(t0))
	}
	l.Record([]string{"b@example.org"}, t0.Add(3*time.Minute))
	if ok, at := l.Take([]string{"c@example.org"}, t0.Add(4*time.Minute)); ok || !at.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("Take after three recorded replies in all: %v, retry %v; want held until +2h", ok, at.Sub(t0))
	}
}
