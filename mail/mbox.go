package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// mboxBufferSize is the read buffer of the mbox splitter: large enough
// that almost every line is returned from it without copying. Longer
// lines (base64 without line breaks, generated files in patches) still
// work; they are assembled from several reads.
const mboxBufferSize = 256 << 10

const fromPrefix = "From "

// IsMbox reports whether data (the first bytes of a file or stream) starts
// like an mbox: with a "From " separator line (see ReadMbox). A single
// RFC 5322 message never starts so ("From:" is a header, "From " is not),
// and git format-patch output does ("From <sha> Mon Sep 17 00:00:00 2001").
func IsMbox(first []byte) bool {
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i+1]
	}
	return isFromLine(first)
}

// isFromLine reports whether line is an mbox separator: "From ", then
// anything, then a time and a year ("... 00:00:00 2001"). This is the test
// git mailsplit applies; it matters because git format-patch does not
// escape body lines starting with "From ", so "From now on ..." after a
// blank line must not split a message.
func isFromLine(line []byte) bool {
	rest, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r\n"), []byte(fromPrefix))
	if !ok {
		return false
	}
	c := bytes.LastIndexByte(rest, ':')
	if c < 4 || c+2 >= len(rest) {
		return false
	}
	for _, d := range []byte{rest[c-4], rest[c-2], rest[c-1], rest[c+1], rest[c+2]} {
		if d < '0' || d > '9' {
			return false
		}
	}
	year := bytes.TrimLeft(rest[c+3:], " \t")
	n := 0
	for _, d := range year {
		if d < '0' || d > '9' || n > 1e6 {
			break
		}
		n = n*10 + int(d-'0')
	}
	return n > 90
}

// ReadMbox splits an mbox stream into messages and calls fn for each, in
// order, with the message bytes and a source of "SOURCE:N" (N counts from
// 1). fn owns the bytes it is given.
//
// A message starts at a "From " separator line (one that ends in a time
// and a year, as git mailsplit requires) at the start of the stream or
// after an empty line. Escaped lines are unescaped by the mboxrd rule:
// one ">" is removed from any line matching ^>+From . public-inbox writes
// mboxrd; for mboxo input the rule is the same on ">From " and differs
// only on lines that had ">>From " before escaping, which mboxo cannot
// represent anyway. git format-patch escapes nothing, which the strict
// separator test makes safe. The blank separator line before the next
// "From " (and at the end of the stream) is not part of the message.
//
// The stream is read line by line through a large buffer (r is used
// as is when it is a *bufio.Reader of at least 256 KiB), never whole;
// lines of any length are supported. ReadMbox stops at the first error
// from fn and returns it unchanged; it returns ctx.Err() if ctx ends
// between messages, and a wrapped error if r fails or does not start with
// a separator line.
func ReadMbox(ctx context.Context, r io.Reader, source string, fn func(raw []byte, source string) error) error {
	br := bufio.NewReaderSize(r, mboxBufferSize)
	var (
		cur       bytes.Buffer
		long      []byte
		n         int
		started   bool
		prevBlank = true
	)
	emit := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw := trimSeparator(cur.Bytes())
		return fn(bytes.Clone(raw), source+":"+strconv.Itoa(n))
	}
	// add handles one line; it returns fn's error or a format error.
	add := func(line []byte) error {
		switch {
		case prevBlank && isFromLine(line):
			if started {
				if err := emit(); err != nil {
					return err
				}
			}
			started = true
			n++
			cur.Reset()
			prevBlank = false
		case !started && isBlankLine(line):
			// blank lines before the first separator are no message
		case !started:
			return fmt.Errorf("read mbox %s: not an mbox: the first line is no \"From \" separator line", source)
		default:
			cur.Write(unescapeFrom(line))
			prevBlank = isBlankLine(line)
		}
		return nil
	}
	for {
		line, err := readLine(br, &long)
		if len(line) > 0 {
			if aerr := add(line); aerr != nil {
				return aerr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read mbox %s (after message %d): %w", source, n, err)
		}
	}
	if started {
		return emit()
	}
	return nil
}

// readLine returns the next line including its "\n" (the last line may
// lack one). The result aliases the reader's buffer or *long and is valid
// until the next call.
func readLine(br *bufio.Reader, long *[]byte) ([]byte, error) {
	frag, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return frag, err
	}
	buf := append((*long)[:0], frag...)
	for errors.Is(err, bufio.ErrBufferFull) {
		frag, err = br.ReadSlice('\n')
		buf = append(buf, frag...)
	}
	*long = buf
	return buf, err
}

// isBlankLine reports whether line is "\n" or "\r\n".
func isBlankLine(line []byte) bool {
	return len(line) == 1 && line[0] == '\n' || len(line) == 2 && line[0] == '\r' && line[1] == '\n'
}

// unescapeFrom applies the mboxrd rule: ^>+From  loses one '>'.
func unescapeFrom(line []byte) []byte {
	if len(line) == 0 || line[0] != '>' {
		return line
	}
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if bytes.HasPrefix(line[i:], []byte(fromPrefix)) {
		return line[1:]
	}
	return line
}

// trimSeparator drops the one blank line that separates a message from
// the next "From " line.
func trimSeparator(b []byte) []byte {
	switch {
	case bytes.HasSuffix(b, []byte("\r\n\r\n")):
		return b[:len(b)-2]
	case bytes.HasSuffix(b, []byte("\n\n")):
		return b[:len(b)-1]
	case len(b) == 1 && b[0] == '\n', len(b) == 2 && b[0] == '\r' && b[1] == '\n':
		return b[:0]
	}
	return b
}

// EscapeFrom appends raw to dst with the mboxrd escaping: every line that
// matches ^>*From  gains one '>', so that no line of the mail reads as a
// separator and UnescapeFrom gives raw back exactly.
func EscapeFrom(dst, raw []byte) []byte {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		raw = raw[len(line):]
		if needsEscape(line) {
			dst = append(dst, '>')
		}
		dst = append(dst, line...)
	}
	return dst
}

// UnescapeFrom undoes EscapeFrom: every line that matches ^>+From  loses
// one '>' (the rule ReadMbox applies).
func UnescapeFrom(esc []byte) []byte {
	out := make([]byte, 0, len(esc))
	for len(esc) > 0 {
		line := esc
		if i := bytes.IndexByte(esc, '\n'); i >= 0 {
			line = esc[:i+1]
		}
		esc = esc[len(line):]
		out = append(out, unescapeFrom(line)...)
	}
	return out
}

// needsEscape reports a line that matches ^>*From .
func needsEscape(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte(fromPrefix))
}
