package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestCLILogger(t *testing.T) {
	var b strings.Builder
	wrapped := 0
	log := newCLILogger(&b, levelNote, func(write func()) { wrapped++; write() })
	note(log, "kernel rules apply to kernel code only")
	log.Warn("kernel tree unusable; reviewing without it", "tree", "/srv/linux")
	log.With("file", "a.mbox").Error("unreadable")
	log.Info("chatter below the level")
	want := "patchbot: note: kernel rules apply to kernel code only\n" +
		"patchbot: warning: kernel tree unusable; reviewing without it (tree=/srv/linux)\n" +
		"patchbot: error: unreadable (file=a.mbox)\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	if wrapped != 3 {
		t.Errorf("%d lines written around the progress bar, want 3", wrapped)
	}
	if newCLILogger(&b, slog.LevelError, nil).Enabled(context.Background(), slog.LevelWarn) {
		t.Error("a warning passes an error-level logger")
	}
}
