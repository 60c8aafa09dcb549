package mail

import (
	"testing"
	"time"
)

func TestIMAPBackoff(t *testing.T) {
	cases := []struct {
		name   string
		jitter float64
		want   []time.Duration
	}{
		{"no jitter: doubles from 1s and stops at the 2m cap", 0.9999999999,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
				32 * time.Second, 64 * time.Second, 2 * time.Minute, 2 * time.Minute}},
		{"full jitter: never below half", 0,
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
				16 * time.Second, 32 * time.Second, time.Minute, time.Minute}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := imapBackoff{min: time.Second, max: 2 * time.Minute, jitter: func() float64 { return tc.jitter }}
			for i, want := range tc.want {
				got := b.next().Round(time.Millisecond)
				if got != want {
					t.Errorf("attempt %d: %v, want %v", i+1, got, want)
				}
			}
			b.reset()
			if got := b.next().Round(time.Millisecond); got != tc.want[0] {
				t.Errorf("after reset: %v, want %v", got, tc.want[0])
			}
		})
	}
	t.Run("real jitter stays within bounds", func(t *testing.T) {
		b := imapBackoff{min: time.Second, max: 2 * time.Minute}
		for i := 0; i < 1000; i++ {
			if d := b.next(); d < 500*time.Millisecond || d > 2*time.Minute {
				t.Fatalf("delay %v out of [0.5s, 2m]", d)
			}
		}
	})
}
