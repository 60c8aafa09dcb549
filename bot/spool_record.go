package bot

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/patchbot/patchbot/mail"
)

// A spool segment is a sequence of records, each one mail:
//
//	From SIZE.HASH@patchbot-spool Tue Dec  1 14:53:57 2026
//	<the mail, mboxrd-escaped: SIZE bytes>
//	<a newline, if the mail lacks a last one>
//	<a blank line>
//
// HASH is the start of the SHA-256 of the mail as it was written, so a
// record that was cut short or overwritten is known, not guessed.

// spoolRecord is raw as one mboxrd message of a segment: the separator
// line with the escaped length and the hash, the escaped mail, a newline
// if it lacks a last one, and the blank line before the next separator.
func spoolRecord(raw []byte, t time.Time) []byte {
	esc := mail.EscapeFrom(nil, raw)
	sum := sha256.Sum256(raw)
	rec := make([]byte, 0, len(esc)+96)
	rec = append(rec, "From "...)
	rec = strconv.AppendInt(rec, int64(len(esc)), 10)
	rec = append(rec, '.')
	rec = hex.AppendEncode(rec, sum[:spoolHashLen])
	rec = append(rec, spoolSender...)
	rec = append(rec, ' ')
	rec = t.AppendFormat(rec, time.ANSIC)
	rec = append(rec, '\n')
	rec = append(rec, esc...)
	if len(esc) > 0 && esc[len(esc)-1] != '\n' {
		rec = append(rec, '\n')
	}
	return append(rec, '\n')
}

// errTorn is a mail cut short: its separator promises more bytes than the
// segment holds, or bytes of another hash.
var errTorn = errors.New("mail cut short (a crash while it was written?)")

// readRecord reads the mail whose separator line starts at br's position;
// it returns the mail and the length of its whole record, or io.EOF at the
// end of the segment.
func readRecord(br *bufio.Reader) ([]byte, int64, error) {
	line, err := br.ReadString('\n')
	if err == io.EOF && line == "" {
		return nil, 0, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, 0, err
	}
	size, sum, ok := parseSeparator(line)
	if !ok {
		if !strings.HasSuffix(line, "\n") {
			return nil, 0, errTorn
		}
		return nil, 0, fmt.Errorf("no spool separator line: %.80q", line)
	}
	// Read as the bytes come, not as the separator says: a damaged
	// separator must not make a huge allocation.
	esc, err := io.ReadAll(io.LimitReader(br, size))
	if err != nil {
		return nil, 0, err
	}
	if int64(len(esc)) != size {
		return nil, 0, errTorn
	}
	n := int64(len(line)) + size
	tail := 1
	if size > 0 && esc[size-1] != '\n' {
		tail = 2
	}
	for range tail {
		b, err := br.ReadByte()
		if err != nil || b != '\n' {
			return nil, 0, errTorn
		}
		n++
	}
	raw := mail.UnescapeFrom(esc)
	got := sha256.Sum256(raw)
	if hex.EncodeToString(got[:spoolHashLen]) != sum {
		return nil, 0, errTorn
	}
	return raw, n, nil
}

// parseSeparator reads "From SIZE.HASH@patchbot-spool DATE\n".
func parseSeparator(line string) (size int64, sum string, ok bool) {
	rest, ok := strings.CutPrefix(line, "From ")
	if !ok || !strings.HasSuffix(rest, "\n") {
		return 0, "", false
	}
	sender, _, _ := strings.Cut(rest, " ")
	sender, ok = strings.CutSuffix(sender, spoolSender)
	if !ok {
		return 0, "", false
	}
	n, sum, ok := strings.Cut(sender, ".")
	size, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || size < 0 || len(sum) != 2*spoolHashLen {
		return 0, "", false
	}
	return size, sum, true
}
