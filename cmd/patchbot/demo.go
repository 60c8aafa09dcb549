package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/patchbot/patchbot/bot/demo"
)

const demoExamples = `  patchbot demo               # run the list bot on example series, print its replies
  patchbot demo -v            # with the bot's log on standard error`

// runDemo runs the real watch pipeline against in-process IMAP and SMTP
// servers seeded with the embedded example series.
func runDemo(ctx context.Context, args []string, std stdio) int {
	fs := newFlagSet("demo", "[options]", demoExamples, std.err)
	verbose := fs.Bool("v", false, "log what the bot does to standard error")
	grace := fs.Duration("grace", 2*time.Second, "how long the incomplete example series waits for its missing patch")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		return reportUsage(std.err, usageError{"demo takes no arguments"})
	}
	opts := demo.Options{Grace: *grace}
	if *verbose {
		opts.Log = slog.New(slog.NewTextHandler(std.err, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	fmt.Fprintf(std.err, "patchbot demo: seeding an in-process IMAP server with example series; replies go to an in-process SMTP server (grace %s)...\n", *grace)
	res, err := demo.Run(ctx, opts)
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	if err := demo.Print(std.out, res); err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	return exitClean
}
