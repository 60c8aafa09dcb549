package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/patchbot/patchbot/bot"
	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/internal/progress"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/report"
	"github.com/patchbot/patchbot/review"
	"github.com/patchbot/patchbot/series"
	"golang.org/x/term"
)

const triageExamples = `  patchbot triage -config ~/.config/patchbot.toml          # the [imap] mailbox
  patchbot triage -config bot.toml --mailbox netdev --mark  # label the mails
  patchbot triage ~/Mail/netdev.mbox                        # an mbox file
  patchbot triage ~/Maildir/.lists.netdev/ --html out.html  # a maildir, as a page
  patchbot triage --json thread.mbox | jq '.series[0]'
  patchbot triage -config bot.toml ~/Mail/netdev.mbox      # the bot's [checks] on an mbox

Order: series with errors first (most errors first), then with warnings,
then incomplete series (patches missing, so the review saw only part),
then clean ones; superseded series (a newer version was posted) come last
whatever they hold. Within each group the newest series comes first.

--mark stores IMAP keywords on the cover letter and patches of each series:
$patchbot-findings or $patchbot-clean (the other one is removed). Nothing
else changes: no \Seen, no move. Filter on them in your mail client.

Exit status: 0 when the triage ran (whatever it found), 2 on a usage error
or when nothing could be read.`

// triageOptions are the flags of `patchbot triage`.
type triageOptions struct {
	configPath string
	mailbox    string
	tree       string
	jsonOut    bool
	htmlPath   string
	noColor    bool
	color      string
	mark       bool
	width      int
	stats      bool
	limit      int
	states     string
	since      string
	author     string
}

func runTriage(ctx context.Context, args []string, std stdio) int {
	start := time.Now()
	holdMemoryBudget()
	var opt triageOptions
	fs := newFlagSet("triage", "[options] [-config FILE] [PATH...]", triageExamples, std.err)
	fs.StringVar(&opt.configPath, "config", "", "use the patchbot config `FILE` (the one watch uses): its [checks], and its [imap] mailbox unless PATH... is given")
	fs.StringVar(&opt.mailbox, "mailbox", "", "triage `NAME` instead of the config's [imap] mailbox")
	fs.StringVar(&opt.tree, "tree", "", "kernel checkout `DIR` for tree-wide checks (default: [checks] tree of the config)")
	fs.BoolVar(&opt.jsonOut, "json", false, "print JSON instead of the table (same fields)")
	fs.StringVar(&opt.htmlPath, "html", "", "also write a self-contained HTML page to `FILE`")
	fs.BoolVar(&opt.noColor, "no-color", false, "no colours in the table (same as --color=never; NO_COLOR is honoured too)")
	fs.StringVar(&opt.color, "color", "auto", "colours in the table: `WHEN` auto (on a terminal), always (for less -R) or never")
	fs.BoolVar(&opt.mark, "mark", false, "set IMAP keywords $patchbot-findings / $patchbot-clean on the series' mails (IMAP only)")
	fs.IntVar(&opt.width, "width", 0, "fit the table into `N` columns (default: the terminal's width, else 100)")
	fs.IntVar(&opt.limit, "limit", 0, "show only the first `N` series in attention order")
	fs.StringVar(&opt.states, "state", "", "show only series in `STATES` (comma-separated: findings, errors, warnings, incomplete, clean, superseded, stable)")
	fs.StringVar(&opt.since, "since", "", "show only series dated on or after `DATE` (2026-11-01) or within a duration (7d, 36h)")
	fs.StringVar(&opt.author, "author", "", "show only series whose author's name or address contains `TEXT` (case-insensitive)")
	fs.BoolVar(&opt.stats, "stats", false, "end with one line on stderr: mails, series, parses, wall and CPU time, peak memory")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitUsage
	}
	if opt.configPath == "" && len(paths) == 0 {
		fs.Usage()
		return reportUsage(std.err, usageError{"give -config FILE (its [imap] mailbox) or PATH... (mbox, maildir, directory)"})
	}
	keep, err := triageFilter(opt, time.Now())
	if err != nil {
		return reportUsage(std.err, err)
	}
	switch opt.color {
	case "auto", "always", "never":
	default:
		return reportUsage(std.err, usageError{fmt.Sprintf("--color=%q: use auto, always or never", opt.color)})
	}
	if opt.mark && (opt.configPath == "" || len(paths) > 0) {
		return reportUsage(std.err, usageError{"--mark labels mails on an IMAP server: use it with -config FILE and no PATH"})
	}
	treeBar := progress.New(std.err, "indexing tree", 0)
	bar := progress.New(std.err, "reviewing series", 0)
	// Notes and warnings share one style, and go above the bar that is
	// drawing, never into it.
	log := newCLILogger(std.err, levelNote, func(write func()) { treeBar.Interrupt(func() { bar.Interrupt(write) }) })

	var (
		in       triageInput
		cfg      *config.Config
		imapConf mail.IMAPConfig
	)
	if opt.configPath != "" {
		cfg, err = config.Load(opt.configPath, review.Registered())
		if err != nil {
			fmt.Fprintf(std.err, "patchbot: %v\n", err)
			return exitUsage
		}
	}
	ro := bot.ReviewOptions(cfg)
	if opt.tree != "" {
		ro.Tree = opt.tree
	}
	ro.Log = log
	ro.TreeProgress = treeBar.Track
	ro.Progress = bar.Track
	ro.Note = func(msg string) { note(log, msg) }
	sess, err := review.NewSession(ro)
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	asm := newSpilledAssembly()
	defer asm.close()
	// Replies are not series, but their Acked-by/Reviewed-by/Tested-by
	// are the A/R/T column.
	tags := series.NewTags()
	add := func(m *mail.Message) {
		tags.Add(m)
		asm.Add(m)
	}
	if cfg != nil && len(paths) == 0 {
		imapConf, err = bot.IMAPConfig(ctx, cfg, opt.mailbox, bot.Transport{})
		if err != nil {
			fmt.Fprintf(std.err, "patchbot: %s: %v\n", cfg.Path, err)
			return exitUsage
		}
		in, err = readTriageIMAP(ctx, imapConf, add, std.err)
	} else {
		in, err = readTriagePaths(ctx, paths, add, std, log)
	}
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	if in.read == 0 {
		fmt.Fprintln(std.err, "patchbot: nothing readable: no mail could be read")
		return exitUsage
	}

	run, err := sess.ReviewAssembly(ctx, asm.result(std.err))
	treeBar.Done()
	bar.Done()
	if err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	for _, err := range run.Errs() {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
	}
	if ctx.Err() != nil {
		return exitUsage
	}
	t := review.NewTriage(run, sess.Checks())
	t.Mails = in.read
	t.CountTags(tags)
	t.Keep(keep)
	if opt.stats {
		defer runFigures{start: start, mails: in.read, run: run}.write(std.err)
	}

	if err := writeTriage(std, t, opt); err != nil {
		fmt.Fprintf(std.err, "patchbot: %v\n", err)
		return exitUsage
	}
	if opt.htmlPath != "" {
		if err := writeTriageHTML(opt.htmlPath, t, in.source); err != nil {
			fmt.Fprintf(std.err, "patchbot: %v\n", err)
			return exitUsage
		}
	}
	if opt.mark {
		if err := markTriage(ctx, imapConf, in, t, std.err); err != nil {
			fmt.Fprintf(std.err, "patchbot: %v\n", err)
			return exitUsage
		}
	}
	return exitClean
}

// triageInput is the mail triage read, and where each mail lives on the
// IMAP server (for --mark).
type triageInput struct {
	// read counts the mails read, usable or not.
	read int
	// uids maps a Message-ID to its UIDs (IMAP only).
	uids        map[string][]uint32
	uidValidity uint32
	source      string
}

func readTriageIMAP(ctx context.Context, cfg mail.IMAPConfig, add func(*mail.Message), errw io.Writer) (triageInput, error) {
	mbox := cfg.Mailbox
	if mbox == "" {
		mbox = "INBOX"
	}
	in := triageInput{uids: map[string][]uint32{}, source: "imap://" + cfg.Addr + "/" + mbox}
	bar := progress.New(errw, "fetching mail", 0)
	validity, err := mail.ReadIMAPMailbox(ctx, cfg, bar.Track, func(uid uint32, raw []byte) error {
		in.read++
		m, perr := mail.Parse(raw, fmt.Sprintf("imap:%d", uid))
		if m == nil {
			fmt.Fprintf(errw, "patchbot: %v\n", perr)
			return nil
		}
		m.Raw = nil // the review needs the decoded mail only
		if m.MessageID != "" {
			in.uids[m.MessageID] = append(in.uids[m.MessageID], uid)
		}
		add(m)
		return nil
	})
	bar.Done()
	if err != nil {
		return in, fmt.Errorf("read %s: %w", in.source, err)
	}
	in.uidValidity = validity
	return in, nil
}

func readTriagePaths(ctx context.Context, paths []string, add func(*mail.Message), std stdio, log *slog.Logger) (triageInput, error) {
	in := triageInput{source: strings.Join(paths, " ")}
	bar := progress.New(std.err, "reading mail", 0)
	r := &mail.Reader{Stdin: std.in, Log: log}
	delivered := map[string]bool{}
	errs, err := r.ReadPaths(ctx, paths, func(m *mail.Message) error {
		m.Raw = nil // the review needs the decoded mail only
		delivered[m.Source] = true
		in.read++
		add(m)
		bar.Add(1)
		return nil
	})
	bar.Done()
	unusable := 0
	for _, e := range errs {
		var re *mail.ReadError
		if errors.As(e, &re) {
			unusable++
		}
		fmt.Fprintf(std.err, "patchbot: %v\n", e)
	}
	// A warning (the mail was still read) and an unusable mail both come
	// as a ReadError; only count what was not delivered.
	in.read += max(0, unusable-countWarned(delivered, errs))
	return in, err
}

// countWarned counts the ReadErrors that name a mail which was still
// read (its source is in delivered).
func countWarned(delivered map[string]bool, errs []error) int {
	n := 0
	for _, e := range errs {
		var re *mail.ReadError
		if errors.As(e, &re) && delivered[re.Source] {
			n++
		}
	}
	return n
}

func writeTriage(std stdio, t *review.Triage, opt triageOptions) error {
	if opt.jsonOut {
		return report.WriteTriageJSON(std.out, t)
	}
	f, isFile := std.out.(*os.File)
	tty := isFile && progress.IsTerminal(f)
	color := tty && os.Getenv("NO_COLOR") == ""
	switch {
	case opt.noColor || opt.color == "never":
		color = false
	case opt.color == "always":
		color = true
	}
	width := opt.width
	if width == 0 && tty {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			width = w
		}
	}
	// On a terminal the rows that need attention most are the last on
	// screen; through a pager or a pipe they come first.
	stable := strings.Contains(opt.states, review.TriageStable)
	return report.WriteTable(std.out, t, report.TableOptions{Width: width, Color: color, Limit: opt.limit, AttentionLast: tty, Stable: stable})
}

func writeTriageHTML(path string, t *review.Triage, source string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write HTML page: %w", err)
	}
	if err := report.WriteHTML(f, t, report.HTMLOptions{Source: source}); err != nil {
		_ = f.Close()
		return fmt.Errorf("write HTML page %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write HTML page %s: %w", path, err)
	}
	return nil
}

// markTriage labels every series' mails with $patchbot-findings or
// $patchbot-clean.
func markTriage(ctx context.Context, cfg mail.IMAPConfig, in triageInput, t *review.Triage, errw io.Writer) error {
	marks := map[string][]uint32{}
	for _, it := range t.Items {
		kw := mail.IMAPKeywordClean
		if len(it.Result.Findings) > 0 {
			kw = mail.IMAPKeywordFindings
		}
		for _, id := range it.MessageIDs {
			marks[kw] = append(marks[kw], in.uids[id]...)
		}
	}
	for kw := range marks {
		sort.Slice(marks[kw], func(i, j int) bool { return marks[kw][i] < marks[kw][j] })
	}
	if err := mail.MarkIMAP(ctx, cfg, in.uidValidity, marks); err != nil {
		return err
	}
	fmt.Fprintf(errw, "patchbot: marked %s %s and %s %s\n",
		report.Plural(len(marks[mail.IMAPKeywordFindings]), "mail", "mails"), mail.IMAPKeywordFindings,
		report.Plural(len(marks[mail.IMAPKeywordClean]), "mail", "mails"), mail.IMAPKeywordClean)
	return nil
}
