package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/internal/progress"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/series"
)

const checkExamples = `  patchbot check outgoing/                        # git format-patch output
  patchbot check --git origin/net-next..          # the current branch
  patchbot check thread.mbox --format json        # an mbox, as JSON
  b4 mbox -o - MSGID | patchbot check -           # standard input
  patchbot check --tree ~/linux 0001-*.patch      # with a kernel checkout
  patchbot check --tree auto --fail-on error 0001-x.patch
                                                  # the sendemail-validate hook
  b4 ... | patchbot check --format b4             # b4 review: JSON on stdin's patch
  patchbot check --format checkpatch -            # b4 prep/am --check: checkpatch lines`

// checkOptions are the flags of `patchbot check`.
type checkOptions struct {
	format   string
	gitRange string
	tree     string
	verbose  bool
	failOn   string
	config   string
	stats    bool
}

// Check output formats. b4 and checkpatch are read by b4, which treats
// anything on stderr of a checkpatch-style command as a failure, so both
// keep stderr for real errors only.
const (
	formatText       = "text"
	formatJSON       = "json"
	formatB4         = "b4"
	formatCheckpatch = "checkpatch"
	formatShort      = "short"
)

// --fail-on levels: which findings make `check` exit with exitFindings.
const (
	failOnAny     = review.FailAny
	failOnWarning = review.FailWarning
	failOnError   = review.FailError
	failOnNever   = review.FailNever
)

// treeAuto asks check to use the kernel checkout it runs in, if any.
const treeAuto = "auto"

// quiet reports whether the format is read by a program that takes
// stderr lines for findings (b4 prep/am) or needs no chatter (a hook, run
// once a patch).
func (o checkOptions) quiet() bool {
	return o.format == formatB4 || o.format == formatCheckpatch || o.format == formatShort
}

// checkBar returns a progress bar on stderr (drawn only when stderr is a
// terminal), or nil, which draws nothing, for the formats b4 reads.
func checkBar(std stdio, opt checkOptions, label string) *progress.Bar {
	if opt.quiet() {
		return nil
	}
	return progress.New(std.err, label, 0)
}

func runCheck(ctx context.Context, args []string, std stdio) int {
	start := time.Now()
	holdMemoryBudget()
	var opt checkOptions
	fs := newFlagSet("check", "[options] [PATH...]", checkExamples, std.err)
	fs.StringVar(&opt.format, "format", formatText, "output `FORMAT`: text, json, b4 (b4 review's check JSON), checkpatch (checkpatch --terse lines, for b4 prep/am --check) or short (one line a clean patch, the findings explained otherwise: for hooks)")
	fs.StringVar(&opt.gitRange, "git", "", "review `RANGE` of the current git repository (git format-patch --stdout RANGE)")
	fs.StringVar(&opt.tree, "tree", "", "kernel checkout `DIR` for tree-wide checks (never written to); \"auto\" uses the git checkout of the current directory when it is a kernel tree")
	fs.StringVar(&opt.failOn, "fail-on", failOnAny, "exit 1 on `LEVEL`: any finding, warning (errors and warnings), error (errors only) or never")
	fs.BoolVar(&opt.verbose, "v", false, "explain each finding and list every mail skipped as not a patch")
	fs.BoolVar(&opt.stats, "stats", false, "end with one line on stderr: mails, series, parses (from memory, the store, parsed), wall and CPU time, peak memory")
	fs.StringVar(&opt.config, "config", "", "apply the [checks] of `FILE`: enable, warnings_fail (unless --fail-on is given), pinned rules and tree")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitUsage
	}
	switch opt.format {
	case formatText, formatJSON, formatB4, formatCheckpatch, formatShort:
	default:
		return reportUsage(std.err, usageError{fmt.Sprintf("unknown --format %q: use text, json, b4, checkpatch or short", opt.format)})
	}
	switch opt.failOn {
	case failOnAny, failOnWarning, failOnError, failOnNever:
	default:
		return reportUsage(std.err, usageError{fmt.Sprintf("unknown --fail-on %q: use any, warning, error or never", opt.failOn)})
	}
	if opt.format == formatB4 && len(paths) == 0 && opt.gitRange == "" {
		// b4 pipes the one message to check on standard input.
		paths = []string{"-"}
	}
	if len(paths) == 0 && opt.gitRange == "" {
		fs.Usage()
		return reportUsage(std.err, usageError{"nothing to check: give PATH... (\"-\" for standard input) or --git RANGE"})
	}
	failOnSet := false
	fs.Visit(func(f *flag.Flag) { failOnSet = failOnSet || f.Name == "fail-on" })
	sess, code := checkSession(ctx, std, opt, failOnSet)
	if sess == nil {
		return code
	}
	asm := newSpilledAssembly()
	defer asm.close()
	mails, emptyRange := readInputs(ctx, std, opt, paths, checkBar(std, opt, "reading mail"), asm.Add)
	if mails == 0 && emptyRange {
		// An empty range (the branch has no commits of its own yet) is
		// nothing to check, not an error.
		fmt.Fprintf(std.err, "patchbot: --git %s: no commits in the range, nothing to check\n", opt.gitRange)
		return exitClean
	}
	if mails == 0 {
		// For b4, no output and a non-zero exit is a failed check, with
		// stderr as its details.
		fmt.Fprintln(std.err, "patchbot: nothing readable: no mail could be read from the input")
		return exitUsage
	}
	var noteTo io.Writer
	if !opt.quiet() {
		noteTo = std.err
	}
	res := asm.result(noteTo)
	if !opt.quiet() {
		printSkipped(std.err, res.Skipped, opt.verbose)
	}
	run, err := sess.ReviewAssembly(ctx, res)
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	for _, err := range run.Errs() {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
	}
	if err := writeResults(std.out, run.Reviewed(), opt, sess.Policy()); err != nil {
		fmt.Fprintf(std.err, "patchbot: write report: %v\n", err)
		return exitUsage
	}
	if len(res.Series) == 0 && !opt.quiet() {
		fmt.Fprintln(std.err, "patchbot: no patch series found in the input")
	}
	if opt.stats {
		runFigures{start: start, mails: mails, run: run}.write(std.err)
	}
	if run.Fails() {
		return exitFindings
	}
	return exitClean
}

// checkSession builds the review session of `patchbot check`: the
// config's [checks] (enable, warnings_fail, rules, tree) when -config is
// given, overridden by --tree and an explicit --fail-on; without a config
// every check runs and any finding fails. On error it returns nil and the
// exit code.
func checkSession(ctx context.Context, std stdio, opt checkOptions, failOnSet bool) (*review.Session, int) {
	var cfg *config.Config
	if opt.config != "" {
		var err error
		if cfg, err = config.Load(opt.config, review.Registered()); err != nil {
			return nil, reportUsage(std.err, err)
		}
	}
	ro := bot.ReviewOptions(cfg)
	if cfg == nil || failOnSet {
		ro.Policy.FailOn = opt.failOn
	}
	if opt.tree != "" {
		ro.Tree = opt.tree
	}
	if ro.Tree == treeAuto {
		ro.Tree = detectKernelTree(ctx)
		if ro.Tree == "" && !opt.quiet() {
			fmt.Fprintln(std.err, "patchbot: note: --tree auto: not inside a kernel checkout; checking the patches alone")
		}
	}
	level := levelNote
	if opt.quiet() {
		level = slog.LevelError
	}
	treeBar := checkBar(std, opt, "indexing tree")
	reviewBar := checkBar(std, opt, "reviewing series")
	// Notes and warnings share one style, and go above the bar that is
	// drawing, never into it.
	ro.Log = newCLILogger(std.err, level, func(write func()) { treeBar.Interrupt(func() { reviewBar.Interrupt(write) }) })
	if !opt.quiet() {
		ro.Note = func(msg string) { note(ro.Log, msg) }
	}
	ro.TreeProgress = func(done, total int) {
		treeBar.Track(done, total)
		if done == total {
			treeBar.Done()
		}
	}
	ro.Progress = func(done, total int) {
		reviewBar.Track(done, total)
		if done == total {
			reviewBar.Done()
		}
	}
	sess, err := review.NewSession(ro)
	if err != nil {
		return nil, reportUsage(std.err, err)
	}
	return sess, exitClean
}

// detectKernelTree returns the top of the git checkout of the current
// directory when it is a Linux kernel tree (include/linux/kernel.h plus
// Kbuild or MAINTAINERS at the top), and "" otherwise. git runs hooks at
// the top of the work tree, so this is how the sendemail-validate hook
// finds the tree the author is working in.
func detectKernelTree(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return ""
	}
	top := strings.TrimSpace(string(out))
	if top == "" || !isKernelTree(top) {
		return ""
	}
	return top
}

// isKernelTree reports whether dir looks like the top of a kernel tree.
func isKernelTree(dir string) bool {
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	}
	return exists(filepath.Join("include", "linux", "kernel.h")) && (exists("Kbuild") || exists("MAINTAINERS"))
}

// readInputs reads every path and the git range, printing one line per
// mail that could not be read, hands each usable message to add and
// returns how many there were. emptyRange reports a --git range that git
// read without error and that holds no commit.
func readInputs(ctx context.Context, std stdio, opt checkOptions, paths []string, bar *progress.Bar, add func(*mail.Message)) (mails int, emptyRange bool) {
	r := &mail.Reader{Stdin: std.in}
	collect := func(m *mail.Message) error {
		// The review needs the decoded mail only: a mailbox's raw bytes
		// would double what it costs in memory.
		m.Raw = nil
		add(m)
		mails++
		bar.Add(1)
		return nil
	}
	defer bar.Done()
	var all []error
	if len(paths) > 0 {
		errs, err := r.ReadPaths(ctx, paths, collect)
		all = append(all, errs...)
		if err != nil {
			all = append(all, err)
		}
	}
	if opt.gitRange != "" {
		before := mails
		errs, err := r.ReadGitRange(ctx, opt.gitRange, collect)
		all = append(all, errs...)
		if err != nil {
			all = append(all, err)
		}
		emptyRange = err == nil && len(errs) == 0 && mails == before
	}
	for _, err := range all {
		// b4 prep/am take every stderr line for a failure: a warning about
		// a mail that was still read (no Message-ID in a b4 prep patch) must
		// not fail the patch.
		if !opt.quiet() || mails == 0 {
			fmt.Fprintf(std.err, "patchbot: %v\n", err)
		}
	}
	return mails, emptyRange
}

// printSkipped reports the mails that are not patches. Replies are the
// normal conversation around patches and are only counted; anything else
// gets a line naming the file and Message-ID (with -v, replies too).
func printSkipped(w io.Writer, skipped []series.Skip, verbose bool) {
	replies := 0
	for _, s := range skipped {
		if !verbose && isReplySkip(s.Reason) {
			replies++
			continue
		}
		fmt.Fprintf(w, "patchbot: %s <%s>: skipped: %s\n", s.Source, s.MessageID, s.Reason)
	}
	if replies > 0 {
		fmt.Fprintf(w, "patchbot: %s skipped (-v lists them)\n", report.Plural(replies, "reply", "replies"))
	}
}

func isReplySkip(reason string) bool {
	return strings.HasPrefix(reason, "reply")
}

func writeResults(w io.Writer, results []review.Result, opt checkOptions, policy review.Policy) error {
	warningsFail := policy.WarningsFail()
	switch opt.format {
	case formatJSON:
		return report.WriteJSON(w, results)
	case formatB4:
		return report.WriteB4(w, results, report.B4Options{WarningsFail: warningsFail})
	case formatCheckpatch:
		return report.WriteCheckpatch(w, results, warningsFail)
	case formatShort:
		return report.WriteShort(w, results)
	}
	return report.WriteText(w, results, report.TextOptions{Verbose: opt.verbose})
}
