package config

import (
	"fmt"
	"strconv"
	"time"
)

// Duration is a time.Duration written in TOML as a Go duration string
// ("10m", "1h30m").
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String renders the duration the way it is written in the file.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText renders the duration as a string ("10m0s").
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a Go duration string. A bare number is refused
// because its unit would be a guess.
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return fmt.Errorf("duration %s has no unit: write a string such as \"%sm\" or \"%ss\"", s, s, s)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration: write it like \"90s\", \"10m\" or \"1h\"", s)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative: use \"0s\" or more", s)
	}
	*d = Duration(v)
	return nil
}
