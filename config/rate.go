package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is a limit of N events per period, written "5/h", "60/1h" or
// "100/d". The zero Rate means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// IsZero reports whether the rate sets no limit.
func (r Rate) IsZero() bool { return r.N == 0 || r.Per == 0 }

// Interval is the average spacing the rate allows (Per/N), 0 when there
// is no limit.
func (r Rate) Interval() time.Duration {
	if r.IsZero() {
		return 0
	}
	return r.Per / time.Duration(r.N)
}

// String renders the rate the way it is written ("5/h").
func (r Rate) String() string {
	if r.IsZero() {
		return "unlimited"
	}
	for _, u := range rateUnits {
		if r.Per == u.d {
			return fmt.Sprintf("%d/%s", r.N, u.name)
		}
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// MarshalText renders the rate as a string.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

var rateUnits = []struct {
	name string
	d    time.Duration
}{
	{"s", time.Second},
	{"m", time.Minute},
	{"h", time.Hour},
	{"d", 24 * time.Hour},
}

// UnmarshalText parses "N/unit" (unit s, m, h, d), "N/duration" such as
// "10/30m", or "unlimited".
func (r *Rate) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "unlimited" {
		*r = Rate{}
		return nil
	}
	count, per, ok := strings.Cut(s, "/")
	if !ok {
		return fmt.Errorf("%q is not a rate: write it as count/period, like \"5/h\" or \"60/1h\", or \"unlimited\"", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return fmt.Errorf("rate %q: the count %q must be a whole number of at least 1 (or write \"unlimited\")", s, count)
	}
	per = strings.TrimSpace(per)
	var d time.Duration
	for _, u := range rateUnits {
		if per == u.name {
			d = u.d
		}
	}
	if d == 0 {
		d, err = time.ParseDuration(per)
		if err != nil || d <= 0 {
			return fmt.Errorf("rate %q: the period %q must be s, m, h, d or a duration such as \"30m\"", s, per)
		}
	}
	*r = Rate{N: n, Per: d}
	return nil
}
