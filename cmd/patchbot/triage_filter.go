package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patchbot/patchbot/review"
)

// triageFilter turns --state, --since and --author into the rows triage
// shows (nil: all); now is the clock --since durations count back from.
func triageFilter(opt triageOptions, now time.Time) (func(review.TriageItem) bool, error) {
	var tests []func(review.TriageItem) bool
	if opt.states != "" {
		want := map[string]bool{}
		for _, st := range strings.Split(opt.states, ",") {
			switch st = strings.TrimSpace(st); st {
			case "findings":
				want[review.TriageErrors], want[review.TriageWarnings] = true, true
			case review.TriageErrors, review.TriageWarnings, review.TriageIncomplete, review.TriageClean, review.TriageSuperseded, review.TriageStable:
				want[st] = true
			default:
				return nil, usageError{fmt.Sprintf("--state %q: use findings, errors, warnings, incomplete, clean, superseded or stable", st)}
			}
		}
		tests = append(tests, func(it review.TriageItem) bool { return want[it.State] })
	}
	if opt.since != "" {
		from, err := sinceTime(opt.since, now)
		if err != nil {
			return nil, err
		}
		tests = append(tests, func(it review.TriageItem) bool { return !it.Result.Series.Date.Before(from) })
	}
	if opt.author != "" {
		sub := strings.ToLower(opt.author)
		tests = append(tests, func(it review.TriageItem) bool {
			return strings.Contains(strings.ToLower(it.Result.Series.Author.String()), sub)
		})
	}
	if len(tests) == 0 {
		return nil, nil
	}
	return func(it review.TriageItem) bool {
		for _, t := range tests {
			if !t(it) {
				return false
			}
		}
		return true
	}, nil
}

// sinceTime reads --since: a date (2026-11-01, UTC), an RFC 3339 time,
// or a duration back from now (36h, 7d, 2w).
func sinceTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if n := len(s); n > 1 && unit[s[n-1]] != 0 {
		if k, err := strconv.Atoi(s[:n-1]); err == nil && k >= 0 {
			return now.Add(-time.Duration(k) * unit[s[n-1]]), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usageError{fmt.Sprintf("--since %q: give a date (2026-11-01) or a duration (7d, 36h)", s)}
}
