package config

import (
	"log/slog"
	"strings"
)

// parseLevel maps a [log] level word to its slog.Level.
func parseLevel(s string) (slog.Level, bool) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warn":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return slog.LevelInfo, false
}

// SlogLevel is [log] level as a slog.Level (info when unset or unknown).
func (l Log) SlogLevel() slog.Level {
	v, _ := parseLevel(l.Level)
	return v
}
