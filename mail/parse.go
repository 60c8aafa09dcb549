package mail

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode ISO-8859-*, Windows-125x, GBK, ... to UTF-8
	gomail "github.com/emersion/go-message/mail"
)

// Reasons a mail could not be read, or was read with a warning. Parse
// wraps them in a *ReadError; test for them with errors.Is.
var (
	// ErrNoMessageID reports a mail without a usable Message-ID. The
	// message is still returned: git format-patch output has none.
	ErrNoMessageID = errors.New("no Message-ID")
	// ErrBrokenHeader reports a header block that could not be read.
	ErrBrokenHeader = errors.New("broken header")
	// ErrBrokenMIME reports a broken MIME structure or transfer encoding.
	ErrBrokenMIME = errors.New("broken MIME")
	// ErrUnknownCharset reports a charset label with no decoder (a bogus
	// "y", or UTF-7); the text was read as UTF-7, UTF-8 or Latin-1, and
	// the warning says which.
	ErrUnknownCharset = errors.New("unknown charset")
	// ErrUndecodableCharset reports an RFC 2047 encoded word in a header
	// whose charset has no decoder; the word is kept as written.
	ErrUndecodableCharset = errors.New("undecodable charset")
	// ErrNULBytes reports NUL bytes in the decoded body; they are removed.
	ErrNULBytes = errors.New("NUL bytes in body")
	// ErrEmpty reports input with nothing but whitespace.
	ErrEmpty = errors.New("empty message")
)

// maxMIMEDepth bounds multipart nesting so hostile input cannot recurse
// without limit; real patch mail nests at most three deep (signed > mixed
// > alternative).
const maxMIMEDepth = 16

// Parse decodes one RFC 5322 message read from source (a path, "FILE:N",
// "-", ...).
//
// The result follows one rule: a non-nil *Message is usable. When err is
// also non-nil it is a *ReadError carrying warnings about that usable
// message (no Message-ID, an unknown charset read as UTF-8 or Latin-1,
// NUL bytes removed, a multipart cut short after the text was read).
// A nil *Message means the mail could not be read (broken header, broken
// MIME before any text, empty input); err then says why. Parse never
// panics, whatever the input.
func Parse(raw []byte, source string) (*Message, error) {
	msg := &Message{Raw: raw, Size: len(raw), Source: source}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &ReadError{Source: source, Err: ErrEmpty}
	}

	// go-message wants CRLF or LF line ends; lone CRs (old Mac mailers,
	// some Windows gateways) would hide header boundaries.
	norm := normaliseNewlines(raw)

	ent, err := message.Read(bytes.NewReader(norm))
	if err != nil && ent == nil {
		return nil, &ReadError{Source: source, Err: fmt.Errorf("%w: %w", ErrBrokenHeader, err)}
	}

	h := gomail.Header{Header: ent.Header}
	warns := readHeader(h, msg)

	body, bodyWarns, fatal := readBody(ent, err)
	if fatal != nil {
		return nil, &ReadError{Source: source, MessageID: msg.MessageID, Err: fatal}
	}
	warns = append(warns, bodyWarns...)

	text := string(normaliseNewlines(body))
	if n := strings.Count(text, "\x00"); n > 0 {
		text = strings.ReplaceAll(text, "\x00", "")
		warns = append(warns, fmt.Errorf("%w: removed %d", ErrNULBytes, n))
	}
	msg.Body = text

	switch len(warns) {
	case 0:
		return msg, nil
	case 1:
		return msg, &ReadError{Source: source, MessageID: msg.MessageID, Err: warns[0]}
	default:
		return msg, &ReadError{Source: source, MessageID: msg.MessageID, Err: joinErrors(warns)}
	}
}

// joinErrors joins warnings on one line ("a; b"), unlike errors.Join,
// because a ReadError is printed as one line per mail; errors.Is still
// sees every part.
func joinErrors(errs []error) error {
	return multiError(errs)
}

type multiError []error

func (m multiError) Error() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func (m multiError) Unwrap() []error { return m }
