package mail

import (
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

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
	msg.HasXPatchbot = h.Has("X-Patchbot")
	return warns
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
