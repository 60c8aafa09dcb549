package config

import "fmt"

// Error is one problem with the configuration: the key it concerns (as
// written in the file, "imap.tls"), what is wrong, and how to fix it.
type Error struct {
	Key     string
	Problem string
	Fix     string
}

// Error renders "key: problem (fix)".
func (e *Error) Error() string {
	s := e.Key + ": " + e.Problem
	if e.Fix != "" {
		s += " (" + e.Fix + ")"
	}
	return s
}

func keyErr(key, fix, format string, args ...any) *Error {
	return &Error{Key: key, Problem: fmt.Sprintf(format, args...), Fix: fix}
}
