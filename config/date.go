package config

import (
	"fmt"
	"strings"
	"time"
)

// Date is a calendar day, written "2023-05-01" (a TOML local date or a
// string). The zero Date means "not set".
type Date struct {
	time.Time
}

// String renders the date as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalText renders the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD. A TOML date or date-time reaches us as
// its RFC 3339 text; only its day is kept, since IMAP SEARCH SINCE
// compares whole days.
func (d *Date) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*d = Date{}
		return nil
	}
	day := s
	if len(day) > len(time.DateOnly) {
		day = day[:len(time.DateOnly)]
	}
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, like 2023-05-01", s)
	}
	*d = Date{t}
	return nil
}
