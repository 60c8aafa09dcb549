package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Reader reads mail from the places a user names on the command line:
// files, directories, "-" for standard input, and git ranges.
type Reader struct {
	// Stdin is read for the path "-"; nil means no standard input.
	Stdin io.Reader
	// GitDir is the working directory for ReadGitRange ("" = current).
	GitDir string
	// Log receives diagnostics; nil discards them.
	Log *slog.Logger
}

// isFormatPatchFrom reports whether line is the separator git
// format-patch writes: "From <sha> Mon Sep 17 00:00:00 2001", whose fixed
// date is git's marker for "this came from format-patch".
func isFormatPatchFrom(line []byte) bool {
	line = bytes.TrimRight(line, "\r\n")
	rest, ok := bytes.CutPrefix(line, []byte(fromPrefix))
	if !ok || len(rest) < 40 {
		return false
	}
	for _, c := range rest[:40] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return string(rest[40:]) == " Mon Sep 17 00:00:00 2001"
}

// ReadPaths reads every path in order and calls fn for each usable
// message:
//   - "-" is standard input: an mbox if it starts with a "From "
//     separator line (see IsMbox), else one message;
//   - a directory is a maildir if it has cur/ or new/, else every regular,
//     non-hidden file in it, sorted by name (git format-patch output);
//     subdirectories are not entered;
//   - a file is an mbox if it starts with a "From " separator line (so is
//     every git format-patch file), else one message.
//
// Problems with single mails or paths (unreadable path, broken MIME, no
// Message-ID, ...) are returned in errs, one *ReadError each naming the
// source and Message-ID, and never stop the other mails. A message that
// Parse returns with a warning is passed to fn and its warning is in
// errs. Mail from git format-patch carries no Message-ID; that is not
// reported. err is fatal: fn's error (wrapped with the source) or ctx.Err().
func (r *Reader) ReadPaths(ctx context.Context, paths []string, fn func(*Message) error) (errs []error, err error) {
	s := &readSession{r: r, fn: fn}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return s.errs, err
		}
		if err := s.readPath(ctx, p); err != nil {
			return s.errs, err
		}
	}
	return s.errs, nil
}

// ReadAll reads paths like ReadPaths and returns the usable messages in
// order.
func (r *Reader) ReadAll(ctx context.Context, paths []string) ([]*Message, []error, error) {
	var msgs []*Message
	errs, err := r.ReadPaths(ctx, paths, func(m *Message) error {
		msgs = append(msgs, m)
		return nil
	})
	return msgs, errs, err
}

// ReadGitRange runs `git format-patch --stdout RANGE` in r.GitDir and
// reads its output as an mbox, calling fn for each patch mail; sources
// are "git:RANGE:N". Per-mail problems are returned in errs as with
// ReadPaths; err is fatal: a range that would be taken for an option,
// git missing or failing (its stderr is included), fn's error or
// ctx.Err().
func (r *Reader) ReadGitRange(ctx context.Context, rangeSpec string, fn func(*Message) error) (errs []error, err error) {
	if strings.TrimSpace(rangeSpec) == "" {
		return nil, errors.New("read git range: empty range (give one such as HEAD~3.. or origin/main..topic)")
	}
	if strings.HasPrefix(rangeSpec, "-") {
		return nil, fmt.Errorf("read git range: refusing %q: it starts with \"-\" and git would take it for an option", rangeSpec)
	}
	gitCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	// "--" ends the revisions, so the range can never be read as a path
	// either.
	cmd := exec.CommandContext(gitCtx, "git", "format-patch", "--stdout", rangeSpec, "--")
	cmd.Dir = r.GitDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("read git range %s: %w", rangeSpec, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("read git range %s: start git: %w", rangeSpec, err)
	}

	s := &readSession{r: r, fn: fn, batch: "git:" + rangeSpec}
	n := 0
	mboxErr := ReadMbox(ctx, stdout, "git:"+rangeSpec, func(raw []byte, src string) error {
		n++
		return s.deliver(raw, src, true)
	})
	if mboxErr != nil {
		cancel() // stop git: its output is no longer read
		_, _ = io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()

	var stop *stopError
	switch {
	case errors.As(mboxErr, &stop):
		return s.errs, stop.err
	case ctx.Err() != nil:
		return s.errs, ctx.Err()
	case mboxErr != nil:
		return s.errs, fmt.Errorf("read git range %s: reading git format-patch output: %w", rangeSpec, mboxErr)
	case waitErr != nil:
		dir := r.GitDir
		if dir == "" {
			dir = "."
		}
		return s.errs, fmt.Errorf("read git range %s: git format-patch in %s: %w: %s",
			rangeSpec, dir, waitErr, strings.TrimSpace(stderr.String()))
	}
	r.log().Debug("read git range", "range", rangeSpec, "patches", n)
	return s.errs, nil
}

func (r *Reader) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// stopError carries fn's error through ReadMbox and ReadMaildir so that it
// is told apart from a read failure.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }
func (e *stopError) Unwrap() error { return e.err }

// readSession is one ReadPaths or ReadGitRange call.
type readSession struct {
	r    *Reader
	fn   func(*Message) error
	errs []error
	// batch is the Message.Batch of what is being read.
	batch string
}

// report records a per-mail or per-path problem. The caller gets it in
// errs and decides how to show it, so it is only logged at debug level.
func (s *readSession) report(err error) {
	attrs := []any{"err", err}
	var re *ReadError
	if errors.As(err, &re) {
		attrs = append(attrs, "source", re.Source, "msgid", re.MessageID)
	}
	s.r.log().Debug("mail not read cleanly", attrs...)
	s.errs = append(s.errs, err)
}

// deliver parses raw and hands a usable message to fn. fn's error comes
// back as a *stopError; nothing else is returned.
func (s *readSession) deliver(raw []byte, source string, formatPatch bool) error {
	msg, err := Parse(raw, source)
	if err != nil {
		var re *ReadError
		if msg != nil && formatPatch && errors.As(err, &re) && re.Err == ErrNoMessageID {
			s.r.log().Debug("git format-patch mail has no Message-ID", "source", source)
		} else {
			s.report(err)
		}
	}
	if msg == nil {
		return nil
	}
	msg.Batch = s.batch
	if err := s.fn(msg); err != nil {
		return &stopError{fmt.Errorf("%s: %w", source, err)}
	}
	return nil
}

// fatal sorts an error out of a reader: fn's error and context ends are
// returned, anything else is reported against source.
func (s *readSession) fatal(ctx context.Context, source string, err error) error {
	if err == nil {
		return nil
	}
	var stop *stopError
	if errors.As(err, &stop) {
		return stop.err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var re *ReadError
	if !errors.As(err, &re) {
		err = &ReadError{Source: source, Err: err}
	}
	s.report(err)
	return nil
}

func (s *readSession) readPath(ctx context.Context, p string) error {
	s.batch = batchOf(p)
	if p == "-" {
		if s.r.Stdin == nil {
			s.report(&ReadError{Source: "-", Err: errors.New("no standard input to read")})
			return nil
		}
		return s.readStream(ctx, s.r.Stdin, "-")
	}
	st, err := os.Stat(p)
	if err != nil {
		s.report(&ReadError{Source: p, Err: fmt.Errorf("cannot read: %w", err)})
		return nil
	}
	if !st.IsDir() {
		s.batch = batchOf(filepath.Dir(p))
		return s.readFile(ctx, p)
	}
	if IsMaildir(p) {
		errs, err := ReadMaildir(ctx, p, func(raw []byte, src string) error {
			return s.deliver(raw, src, false)
		})
		for _, e := range errs {
			s.report(e)
		}
		return s.fatal(ctx, p, err)
	}
	des, err := os.ReadDir(p)
	if err != nil {
		s.report(&ReadError{Source: p, Err: fmt.Errorf("cannot list directory: %w", err)})
		return nil
	}
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".") {
			continue
		}
		fp := filepath.Join(p, de.Name())
		st, err := os.Stat(fp) // follows symlinks
		if err != nil {
			s.report(&ReadError{Source: fp, Err: fmt.Errorf("cannot read: %w", err)})
			continue
		}
		if !st.Mode().IsRegular() {
			s.r.log().Debug("skipping non-regular file", "path", fp)
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.readFile(ctx, fp); err != nil {
			return err
		}
	}
	return nil
}

func (s *readSession) readFile(ctx context.Context, p string) error {
	f, err := os.Open(p)
	if err != nil {
		s.report(&ReadError{Source: p, Err: fmt.Errorf("cannot read: %w", err)})
		return nil
	}
	defer f.Close()
	return s.readStream(ctx, f, p)
}

// readStream reads one file or stdin: an mbox when it sniffs as one,
// else a single message.
func (s *readSession) readStream(ctx context.Context, rd io.Reader, source string) error {
	br := bufio.NewReaderSize(rd, mboxBufferSize) // reused by ReadMbox
	first, _ := br.Peek(512)
	if IsMbox(first) {
		line := first
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		formatPatch := isFormatPatchFrom(line)
		err := ReadMbox(ctx, br, source, func(raw []byte, src string) error {
			return s.deliver(raw, src, formatPatch)
		})
		return s.fatal(ctx, source, err)
	}
	raw, err := io.ReadAll(br)
	if err != nil {
		s.report(&ReadError{Source: source, Err: fmt.Errorf("cannot read: %w", err)})
		return nil
	}
	return s.fatal(ctx, source, s.deliver(raw, source, false))
}

// batchOf is the Message.Batch of mail read from path: "-" for standard
// input, else the path made absolute (as given when that fails).
func batchOf(path string) string {
	if path == "-" {
		return "-"
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
