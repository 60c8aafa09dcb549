package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/review"
)

const watchExamples = `  patchbot watch -config /etc/patchbot/patchbot.toml
  IMAP_PASSWORD=... patchbot watch -config patchbot.toml   # password_env = "IMAP_PASSWORD"`

// runWatch runs the list bot: IMAP in, reviews out, until SIGINT/SIGTERM.
func runWatch(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("watch", "-config FILE", watchExamples, std.err)
	path := fs.String("config", "", "configuration `FILE` (TOML); secrets come from password_env or password_file")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		return reportUsage(std.err, usageError{fmt.Sprintf("watch takes no arguments (got %q); give the config with -config FILE", fs.Arg(0))})
	}
	if *path == "" {
		fs.Usage()
		return reportUsage(std.err, usageError{"watch needs a configuration: -config FILE (try `patchbot demo` to see the bot without one)"})
	}
	cfg, err := config.Load(*path, review.Registered())
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	w, closeLog, err := logDestination(std.err)
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	defer closeLog()
	log := bot.NewLogger(w, cfg.Log)
	if err := bot.Watch(ctx, cfg, bot.WatchOptions{Log: log, Notifier: bot.NotifierFromEnv()}); err != nil {
		log.Error("patchbot watch failed", "err", err)
		return exitUsage
	}
	return exitClean
}

// logDestination is where watch logs: stderr (the journal, under systemd),
// and also $LOGS_DIRECTORY/patchbot.log when systemd gives the unit a
// LogsDirectory=.
func logDestination(stderr io.Writer) (io.Writer, func(), error) {
	dir := config.SystemdDirectory("LOGS_DIRECTORY")
	if dir == "" {
		return stderr, func() {}, nil
	}
	f, err := os.OpenFile(filepath.Join(dir, "patchbot.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log to $LOGS_DIRECTORY: %w", err)
	}
	return io.MultiWriter(stderr, f), func() { _ = f.Close() }, nil
}
