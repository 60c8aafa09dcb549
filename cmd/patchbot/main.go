// Command patchbot reviews Linux kernel patches where they are born, on
// the mailing list: it reads patch mail, assembles series and reports
// dropped __user annotations, wrong callback signatures and unconverted
// callback implementers.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses shared by every command.
const (
	exitClean    = 0 // nothing to report
	exitFindings = 1 // findings were reported
	exitUsage    = 2 // usage error, or nothing readable
)

// usageError marks an error the user made on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand of patchbot.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, io stdio) int
}

// stdio bundles the streams a command may use, so tests can run commands
// in-process.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func commands() []command {
	return []command{
		{"check", "review patch mail: files, format-patch output, mbox, maildir, stdin or a git range", runCheck},
		{"triage", "triage a mailbox for maintainers: series that need attention first (table, --json, --html, --mark)", runTriage},
		{"watch", "run the list bot: watch an IMAP mailbox, review series, reply", runWatch},
		{"demo", "run the list bot on built-in example series with in-process IMAP and SMTP servers", runDemo},
		{"version", "print which build this is (also --version): module version and VCS revision", runVersion},
		{"help", "show help for patchbot or one of its commands", nil},
	}
}

func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	std := stdio{in: in, out: out, err: errw}
	if len(args) == 0 {
		printUsage(errw)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "--version", "-version":
		return runVersion(ctx, args[1:], std)
	case "help", "-h", "--help":
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, in, out, errw)
		}
		printUsage(out)
		return exitClean
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, args[1:], std)
		}
	}
	fmt.Fprintf(errw, "patchbot: unknown command %q\n\n", name)
	printUsage(errw)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: patchbot COMMAND [options] [args]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	writeDoorsHelp(w)
	fmt.Fprintf(w, "\nRun 'patchbot COMMAND -h' for a command's options and examples.\n")
}

// reportUsage prints a usage error and returns the usage exit status.
func reportUsage(w io.Writer, err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "patchbot: %s\n", ue.msg)
		return exitUsage
	}
	fmt.Fprintf(w, "patchbot: %v\n", err)
	return exitUsage
}
