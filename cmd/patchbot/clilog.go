package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// levelNote is the level of a note: something the user should know about
// the run (what was not reviewed, and why) that is no warning.
const levelNote = slog.LevelInfo + 2

// cliHandler writes the records of check and triage the way their notes
// read, one line each: "patchbot: warning: message (key=value, ...)".
// Notes, warnings and errors share it, so stderr has one style.
type cliHandler struct {
	w     io.Writer
	mu    *sync.Mutex
	level slog.Leveler
	attrs []slog.Attr
	// around, when set, writes the line (around a progress bar).
	around func(func())
}

// newCLILogger returns a logger writing to w from level on; around, when
// not nil, wraps each write (progress.Bar.Interrupt).
func newCLILogger(w io.Writer, level slog.Leveler, around func(func())) *slog.Logger {
	return slog.New(&cliHandler{w: w, mu: &sync.Mutex{}, level: level, around: around})
}

func (h *cliHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *cliHandler) Handle(_ context.Context, r slog.Record) error {
	name := "error"
	switch {
	case r.Level >= slog.LevelError:
	case r.Level >= slog.LevelWarn:
		name = "warning"
	case r.Level >= levelNote:
		name = "note"
	default:
		name = strings.ToLower(r.Level.String())
	}
	var kv []string
	add := func(a slog.Attr) bool {
		if !a.Equal(slog.Attr{}) {
			kv = append(kv, a.Key+"="+a.Value.String())
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	line := "patchbot: " + name + ": " + r.Message
	if len(kv) > 0 {
		line += " (" + strings.Join(kv, ", ") + ")"
	}
	write := func() { fmt.Fprintln(h.w, line) }
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.around != nil {
		h.around(write)
	} else {
		write()
	}
	return nil
}

func (h *cliHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup keeps the attributes flat: the CLI's lines have no groups.
func (h *cliHandler) WithGroup(string) slog.Handler { return h }

// note logs a note.
func note(log *slog.Logger, msg string) { log.Log(context.Background(), levelNote, msg) }
