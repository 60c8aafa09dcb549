package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"path"
	"strings"
	"time"

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
	// ErrUndecodableCharset reports a charset with no decoder; the bytes
	// are kept undecoded.
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
// message (no Message-ID, an undecodable charset whose bytes were kept
// raw, NUL bytes removed, a multipart cut short after the text was read).
// A nil *Message means the mail could not be read (broken header, broken
// MIME before any text, empty input); err then says why. Parse never
// panics, whatever the input.
func Parse(raw []byte, source string) (*Message, error) {
	msg := &Message{Raw: raw, Source: source}
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

// readHeader fills the header fields of msg and returns warnings.
func readHeader(h gomail.Header, msg *Message) []error {
	var warns []error

	msg.MessageID = firstMsgID(h.Get("Message-Id"))
	if msg.MessageID == "" {
		warns = append(warns, ErrNoMessageID)
	}
	msg.InReplyTo = firstMsgID(h.Get("In-Reply-To"))
	msg.References = msgIDs(h.Get("References"))

	subj, err := h.Subject()
	if err != nil {
		warns = append(warns, fmt.Errorf("Subject: %w", decodeWarning(err)))
	}
	msg.Subject = collapseSpace(subj)

	if from := addressList(h, "From"); len(from) > 0 {
		msg.From = from[0]
	}
	msg.ReplyTo = addressList(h, "Reply-To")
	msg.To = addressList(h, "To")
	msg.Cc = addressList(h, "Cc")
	msg.Date = parseDate(h.Get("Date"))

	listID, err := h.Text("List-Id")
	if err != nil {
		listID = h.Get("List-Id")
	}
	msg.ListID = collapseSpace(listID)
	return warns
}

// decodeWarning names an RFC 2047 decoding failure the way the rest of
// the reader names charset problems.
func decodeWarning(err error) error {
	if strings.Contains(err.Error(), "charset") {
		return fmt.Errorf("%w: %w", ErrUndecodableCharset, err)
	}
	return err
}

// entityWarning turns go-message's "readable, but" errors into ours.
func entityWarning(ent *message.Entity, err error) error {
	switch {
	case message.IsUnknownCharset(err):
		_, params, _ := ent.Header.ContentType()
		inner := err
		for errors.Unwrap(inner) != nil {
			inner = errors.Unwrap(inner)
		}
		return fmt.Errorf("%w %q: %w", ErrUndecodableCharset, params["charset"], inner)
	case message.IsUnknownEncoding(err):
		return fmt.Errorf("%w: unknown Content-Transfer-Encoding %q, body kept as is",
			ErrBrokenMIME, ent.Header.Get("Content-Transfer-Encoding"))
	default:
		return err
	}
}

// readBody returns the patch-carrying text of an entity: the first
// inline text/plain part plus every patch attachment, in order. entErr is
// go-message's "readable, but" error for ent itself. A fatal error means
// the text could not be recovered.
func readBody(ent *message.Entity, entErr error) (body []byte, warns []error, fatal error) {
	var w bodyWalker
	fatal = w.walk(ent, entErr, 0)
	return w.buf.Bytes(), w.warns, fatal
}

// bodyWalker collects text while walking a MIME tree.
type bodyWalker struct {
	buf      bytes.Buffer
	haveText bool
	warns    []error
}

// walk visits ent; entErr is the charset/encoding problem go-message
// reported for it, which only matters if its text is taken.
func (w *bodyWalker) walk(ent *message.Entity, entErr error, depth int) error {
	mediaType, params, ctErr := ent.Header.ContentType()
	if ctErr != nil {
		raw := ent.Header.Get("Content-Type")
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(raw)), "multipart/") {
			return fmt.Errorf("%w: unreadable Content-Type %q: %w", ErrBrokenMIME, raw, ctErr)
		}
		// Any other unparsable Content-Type is text/plain (RFC 2045
		// section 5.2), which is what mail clients do.
		mediaType = "text/plain"
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		return w.leaf(ent, entErr, mediaType)
	}
	if depth >= maxMIMEDepth {
		return fmt.Errorf("%w: multipart nested deeper than %d levels", ErrBrokenMIME, maxMIMEDepth)
	}
	if params["boundary"] == "" {
		return fmt.Errorf("%w: %s without a boundary parameter", ErrBrokenMIME, mediaType)
	}
	mr := ent.MultipartReader()
	parts := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if part == nil {
			cause := fmt.Errorf("%w: %s boundary %q: %v", ErrBrokenMIME, mediaType, params["boundary"], err)
			if parts == 0 {
				return cause
			}
			// Mail cut short after its text (a lost closing boundary) is
			// still worth checking; say so.
			w.warns = append(w.warns, fmt.Errorf("%w (kept the %d part(s) before it)", cause, parts))
			return nil
		}
		parts++
		if err := w.walk(part, err, depth+1); err != nil {
			return err
		}
	}
	if parts == 0 {
		return fmt.Errorf("%w: %s boundary %q never found", ErrBrokenMIME, mediaType, params["boundary"])
	}
	return nil
}

// leaf appends a single part's decoded body when it carries the patch.
func (w *bodyWalker) leaf(ent *message.Entity, entErr error, mediaType string) error {
	if mediaType == "" {
		mediaType = "text/plain" // RFC 2045 section 5.2 default
	}
	disp, _, _ := ent.Header.ContentDisposition()
	ah := gomail.AttachmentHeader{Header: ent.Header}
	name, _ := ah.Filename()

	take := false
	switch {
	case mediaType == "text/plain" && !w.haveText && disp != "attachment":
		take = true
		w.haveText = true
	case mediaType == "text/x-patch" || mediaType == "text/x-diff":
		take = true
	case isPatchName(name) && (mediaType == "text/plain" || mediaType == "application/octet-stream" ||
		mediaType == "application/x-patch" || mediaType == "application/x-diff"):
		take = true
	}
	if !take {
		return nil
	}
	if entErr != nil {
		w.warns = append(w.warns, entityWarning(ent, entErr))
	}
	data, err := io.ReadAll(ent.Body)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) && len(data) > 0:
		// The mail ends inside this part (closing boundary or last
		// base64 quantum lost): keep what arrived, say it is cut.
		w.warns = append(w.warns, fmt.Errorf("%w: %s part is cut short: %w", ErrBrokenMIME, mediaType, err))
	case err != nil:
		return fmt.Errorf("%w: decoding %s part: %w", ErrBrokenMIME, mediaType, err)
	}
	if w.buf.Len() > 0 && !bytes.HasSuffix(w.buf.Bytes(), []byte("\n")) {
		w.buf.WriteByte('\n')
	}
	w.buf.Write(data)
	return nil
}

// isPatchName reports whether an attachment name says it holds a patch.
func isPatchName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".patch" || ext == ".diff"
}

// normaliseNewlines turns CRLF and lone CR into LF. It returns b itself
// when there is no CR.
func normaliseNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\r' {
			out = append(out, c)
			continue
		}
		out = append(out, '\n')
		if i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
	}
	return out
}

// collapseSpace turns any run of folding whitespace (which go-message
// already unfolded into single spaces around the fold) into one space and
// trims the ends; tabs from "\n\t" folds become spaces too.
func collapseSpace(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\t' || r == '\r' || r == '\n' || (r == ' ' && space) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = r == ' '
		b.WriteRune(r)
	}
	return b.String()
}

// msgIDs extracts every <id> of a References-like field, in order,
// skipping whatever junk sits between them: comments, quoted strings
// (names in "message of" trailers), stray words. An unbalanced quote or
// parenthesis is taken literally. A field with no angle brackets at all
// is read as whitespace-separated ids containing '@'.
func msgIDs(v string) []string {
	var ids []string
	// Once a quote or comment is found unclosed, no later one can close
	// either; stop looking so that hostile input stays linear.
	quotes, comments := true, true
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			if !quotes {
				continue
			}
			if j := strings.IndexByte(v[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				quotes = false
			}
		case '(':
			if !comments {
				continue
			}
			if j := closingParen(v[i:]); j > 0 {
				i += j
			} else {
				comments = false
			}
		case '<':
			j := strings.IndexByte(v[i+1:], '>')
			if j < 0 {
				return ids
			}
			id := v[i+1 : i+1+j]
			if k := strings.LastIndexByte(id, '<'); k >= 0 {
				id = id[k+1:] // "<junk <id>": the innermost bracket wins
			}
			if id = stripSpace(id); id != "" {
				ids = append(ids, id)
			}
			i += j + 1
		}
	}
	if len(ids) > 0 || strings.ContainsAny(v, "<>") {
		return ids
	}
	for _, f := range strings.Fields(v) {
		if strings.Contains(f, "@") {
			ids = append(ids, f)
		}
	}
	return ids
}

// closingParen returns the index of the ')' closing the comment that
// starts s, or -1 when it is never closed.
func closingParen(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// firstMsgID returns the first id of a Message-ID or In-Reply-To field.
func firstMsgID(v string) string {
	ids := msgIDs(v)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// stripSpace removes all whitespace: an id folded across lines keeps no
// space from the fold.
func stripSpace(s string) string {
	if !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), "")
}

// addressList parses an address header, falling back to a lenient split
// when the list is not RFC 5322 (unquoted dots or commas in names, stray
// brackets, empty members), so one sloppy mailer does not lose the mail.
func addressList(h gomail.Header, key string) []Address {
	v := h.Get(key)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if list, err := h.AddressList(key); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: a.Name, Email: a.Address})
		}
		return out
	}
	return lenientAddressList(v)
}

// lenientAddressList splits on commas outside quotes, comments and angle
// brackets and reads each member on its own.
func lenientAddressList(v string) []Address {
	var out []Address
	for _, member := range splitAddressList(v) {
		if a, ok := lenientAddress(member); ok {
			out = append(out, a)
		}
	}
	return out
}

func splitAddressList(v string) []string {
	var parts []string
	var cur strings.Builder
	inQuote, inAngle, comment := false, false, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && inQuote && i+1 < len(v):
			cur.WriteByte(c)
			i++
			c = v[i]
		case c == '"' && comment == 0:
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case comment > 0:
		case c == '<':
			inAngle = true
		case c == '>':
			inAngle = false
		case (c == ',' || c == ';') && !inAngle:
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(parts, cur.String())
}

// lenientAddress reads one list member: "Name <addr>", "addr (Name)" or a
// bare addr. Group syntax ("undisclosed-recipients:") yields nothing.
func lenientAddress(member string) (Address, bool) {
	member = strings.TrimSpace(member)
	if member == "" {
		return Address{}, false
	}
	dec := mime.WordDecoder{CharsetReader: message.CharsetReader}
	if a, err := (&netmail.AddressParser{WordDecoder: &dec}).Parse(member); err == nil {
		return Address{Name: a.Name, Email: a.Address}, true
	}
	if i := strings.LastIndexByte(member, '<'); i >= 0 {
		email := member[i+1:]
		if j := strings.IndexByte(email, '>'); j >= 0 {
			email = email[:j]
		}
		email = stripSpace(email)
		name := strings.TrimSpace(member[:i])
		if k := strings.LastIndexByte(name, ':'); k >= 0 && !strings.Contains(name, "\"") {
			name = strings.TrimSpace(name[k+1:]) // "group: Name <a@b>"
		}
		name = strings.Trim(name, "\" ")
		if d, err := dec.DecodeHeader(name); err == nil {
			name = d
		}
		if email == "" {
			return Address{}, false
		}
		return Address{Name: name, Email: email}, true
	}
	name := ""
	if i := strings.IndexByte(member, '('); i >= 0 {
		name = strings.Trim(member[i:], "() ")
		member = strings.TrimSpace(member[:i])
	}
	if !strings.Contains(member, "@") || strings.ContainsAny(member, " \t") {
		return Address{}, false
	}
	return Address{Name: name, Email: strings.Trim(member, "\"")}, true
}

// maxDateLen bounds the Date values worth trying; real ones, comment
// included, stay under 80 bytes.
const maxDateLen = 256

// parseDate reads a Date field, tolerating the common deviations (named
// zones, missing seconds or weekday, doubled spaces); an unreadable date
// is the zero time, not an error: the date only orders mails.
func parseDate(v string) time.Time {
	v = collapseSpace(v)
	if v == "" || len(v) > maxDateLen {
		return time.Time{}
	}
	if t, err := netmail.ParseDate(v); err == nil {
		return t
	}
	// Drop a trailing comment such as "(PDT)" and retry with the layouts
	// net/mail refuses.
	if i := strings.IndexByte(v, '('); i > 0 {
		v = strings.TrimSpace(v[:i])
	}
	for _, layout := range []string{
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04:05 MST",
		"2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04 -0700",
		"Mon, 2 Jan 06 15:04:05 -0700",
		"Mon Jan 2 15:04:05 2006 -0700",
		"Mon Jan 2 15:04:05 MST 2006",
		time.RFC3339,
	} {
		if t, err := time.Parse(layout, strings.Join(strings.Fields(v), " ")); err == nil {
			return t
		}
	}
	return time.Time{}
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
