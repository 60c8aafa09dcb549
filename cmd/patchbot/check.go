package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/series"
)

const checkExamples = `  patchbot check outgoing/                        # git format-patch output
  patchbot check --git origin/net-next..          # the current branch
  patchbot check thread.mbox --format json        # an mbox, as JSON
  b4 mbox -o - MSGID | patchbot check -           # standard input
  patchbot check --tree ~/linux 0001-*.patch      # with a kernel checkout`

// checkOptions are the flags of `patchbot check`.
type checkOptions struct {
	format   string
	gitRange string
	tree     string
	verbose  bool
}

func runCheck(ctx context.Context, args []string, std stdio) int {
	var opt checkOptions
	fs := newFlagSet("check", "[options] [PATH...]", checkExamples, std.err)
	fs.StringVar(&opt.format, "format", "text", "output format: text or json")
	fs.StringVar(&opt.gitRange, "git", "", "review `RANGE` of the current git repository (git format-patch --stdout RANGE)")
	fs.StringVar(&opt.tree, "tree", "", "kernel checkout `DIR` for tree-wide checks (never written to)")
	fs.BoolVar(&opt.verbose, "v", false, "explain each finding and list every mail skipped as not a patch")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitUsage
	}
	if opt.format != "text" && opt.format != "json" {
		return reportUsage(std.err, usageError{fmt.Sprintf("unknown --format %q: use text or json", opt.format)})
	}
	if len(paths) == 0 && opt.gitRange == "" {
		fs.Usage()
		return reportUsage(std.err, usageError{"nothing to check: give PATH... (\"-\" for standard input) or --git RANGE"})
	}
	log := slog.New(slog.NewTextHandler(std.err, &slog.HandlerOptions{Level: slog.LevelWarn}))

	msgs, nread := readInputs(ctx, std, opt, paths, log)
	if nread == 0 {
		fmt.Fprintln(std.err, "patchbot: nothing readable: no mail could be read from the input")
		return exitUsage
	}
	res := series.Assemble(msgs)
	printSkipped(std.err, res.Skipped, opt.verbose)

	env := &checks.Env{Note: func(msg string) { fmt.Fprintf(std.err, "patchbot: note: %s\n", msg) }}
	if opt.tree != "" {
		x, err := bot.OpenTree(ctx, opt.tree, res.Series, nil, log)
		if err != nil {
			fmt.Fprintf(std.err, "patchbot: %v\n", err)
			return exitUsage
		}
		env.Tree = x
	}
	results, errs := bot.Review(ctx, res.Series, env)
	for _, err := range errs {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
	}
	if err := writeResults(std.out, results, opt); err != nil {
		fmt.Fprintf(std.err, "patchbot: write report: %v\n", err)
		return exitUsage
	}
	if len(res.Series) == 0 {
		fmt.Fprintln(std.err, "patchbot: no patch series found in the input")
	}
	if report.CountFindings(results) > 0 {
		return exitFindings
	}
	return exitClean
}

// readInputs reads every path and the git range, printing one line per
// mail that could not be read; it returns the usable messages and how
// many mails were read at all (usable or not).
func readInputs(ctx context.Context, std stdio, opt checkOptions, paths []string, log *slog.Logger) ([]*mail.Message, int) {
	r := &mail.Reader{Stdin: std.in, Log: log}
	var msgs []*mail.Message
	collect := func(m *mail.Message) error {
		msgs = append(msgs, m)
		return nil
	}
	var all []error
	if len(paths) > 0 {
		errs, err := r.ReadPaths(ctx, paths, collect)
		all = append(all, errs...)
		if err != nil {
			all = append(all, err)
		}
	}
	if opt.gitRange != "" {
		errs, err := r.ReadGitRange(ctx, opt.gitRange, collect)
		all = append(all, errs...)
		if err != nil {
			all = append(all, err)
		}
	}
	unusable := 0
	for _, err := range all {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		if _, ok := err.(*mail.ReadError); ok {
			unusable++
		}
	}
	return msgs, len(msgs) + unusable
}

// printSkipped reports the mails that are not patches. Replies are the
// normal conversation around patches and are only counted; anything else
// gets a line naming the file and Message-ID (with -v, replies too).
func printSkipped(w io.Writer, skipped []series.Skip, verbose bool) {
	counts := map[string]int{}
	for _, s := range skipped {
		counts[s.Reason]++
		if verbose || !isReplySkip(s.Reason) {
			fmt.Fprintf(w, "patchbot: %s <%s>: skipped: %s\n", s.Source, s.MessageID, s.Reason)
		}
	}
	if verbose || len(counts) == 0 {
		return
	}
	var parts []string
	total := 0
	for reason, n := range counts {
		if isReplySkip(reason) {
			parts = append(parts, fmt.Sprintf("%d %s", n, reason))
			total += n
		}
	}
	if total == 0 {
		return
	}
	sort.Strings(parts)
	fmt.Fprintf(w, "patchbot: %d replies skipped (%s; -v lists them)\n", total, strings.Join(parts, ", "))
}

func isReplySkip(reason string) bool {
	return strings.HasPrefix(reason, "reply")
}

func writeResults(w io.Writer, results []report.SeriesResult, opt checkOptions) error {
	if opt.format == "json" {
		return report.WriteJSON(w, results)
	}
	return report.WriteText(w, results, report.TextOptions{Verbose: opt.verbose})
}
