package mail

import (
	"bytes"
	"errors"
	"fmt"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Reply is a composed reply, ready for an Outbox. Header values are kept
// as plain text (no brackets around Message-IDs); Bytes renders them,
// sanitised and RFC 2047 encoded.
type Reply struct {
	From    Address
	To      []Address
	Cc      []Address
	Subject string
	// MessageID, InReplyTo and References are Message-IDs without angle
	// brackets.
	MessageID  string
	InReplyTo  string
	References []string
	Date       time.Time
	// Body is the text/plain body, LF line ends.
	Body string
	// XPatchbot is the value of the X-Patchbot header, which marks the
	// mail as the bot's (for filters, and so that no bot replies to it).
	XPatchbot string
	// Verdict, when set, is the X-Patchbot-Verdict header: the review's
	// outcome ("fail", "warn", "pass") for filters and tools.
	Verdict string
	// AutoSubmitted adds "Auto-Submitted: auto-generated" (RFC 3834).
	AutoSubmitted bool
	// Dropped are the addresses ComposeReply left out for the
	// MaxRecipients cap, for the caller to log; they are not rendered.
	Dropped []Address
}

// ReplyOptions says how ComposeReply addresses and marks a reply.
type ReplyOptions struct {
	// From is the bot's address.
	From Address
	// MessageID is the reply's Message-ID, derived deterministically by
	// the caller so that a restarted bot recognises its own replies.
	MessageID string
	// CcList copies the list (from List-Id) and the original To and Cc:
	// reply-all. Off, the author alone gets the reply.
	CcList bool
	// Cc are extra addresses copied on every reply.
	Cc []Address
	// Date is the reply's date; the zero Date means now.
	Date time.Time
	// XPatchbot is the X-Patchbot header value; "patchbot" when empty.
	XPatchbot string
	// Verdict, when set, is written as X-Patchbot-Verdict.
	Verdict string
	// AutoSubmitted marks the reply "Auto-Submitted: auto-generated". It
	// is off by default, as for the kernel test robot and the patchwork
	// bot: kernel lists and maintainers' filters treat a review like any
	// other mail, while auto-submitted mail is dropped by some list
	// software and vacation filters. X-Patchbot marks the mail for loop
	// prevention instead. Private deployments may turn it on.
	AutoSubmitted bool
	// Signature, when set, is appended after the standard "-- " line.
	Signature string
	// MaxRecipients caps To and Cc together (DefaultMaxRecipients when
	// zero): whom the reply is to comes first, then Cc, then the list and
	// the original recipients; the rest are Reply.Dropped.
	MaxRecipients int
	// HonourReplyTo sends the reply to the original's Reply-To. Off, a
	// Reply-To is followed only where it names the author or (for a
	// reply-all) the list: anyone can write Reply-To, and one naming
	// 2,000 addresses must not make the bot an amplifier.
	HonourReplyTo bool
}

// DefaultMaxRecipients is the cap on a reply's addresses when
// ReplyOptions leaves it zero.
const DefaultMaxRecipients = 10

// replyToFollowed is the part of orig's Reply-To a reply goes to: all of
// it with opts.HonourReplyTo, else only the author and the list.
func replyToFollowed(orig *Message, listAddr string, opts ReplyOptions) []Address {
	if opts.HonourReplyTo {
		return orig.ReplyTo
	}
	var out []Address
	for _, a := range orig.ReplyTo {
		e := strings.TrimSpace(a.Email)
		if strings.EqualFold(e, orig.From.Email) || (listAddr != "" && strings.EqualFold(e, listAddr)) {
			out = append(out, a)
		}
	}
	return out
}

// replyMaxReferences caps the References header: the first Message-ID
// (the thread root) and the most recent ones are kept, as MUAs do, so
// that a long thread does not grow the header without bound.
const replyMaxReferences = 20

// ComposeReply builds the in-thread reply to orig with the given body:
// "Re: " subject (never "Re: Re:"), In-Reply-To and References threading,
// To the author (Reply-To honoured), Cc as opts says, From the bot.
func ComposeReply(orig *Message, opts ReplyOptions, body string) (*Reply, error) {
	if orig == nil {
		return nil, errors.New("compose reply: no original message")
	}
	origID := replyCleanMsgID(orig.MessageID)
	if origID == "" {
		return nil, fmt.Errorf("compose reply to %s: the original has no Message-ID, so a reply cannot be threaded", orig.Source)
	}
	if !replyValidEmail(opts.From.Email) {
		return nil, fmt.Errorf("compose reply to <%s>: bot address %q is not a mail address", origID, opts.From.Email)
	}
	msgID := replyCleanMsgID(opts.MessageID)
	if !replyValidMsgID(msgID) {
		return nil, fmt.Errorf("compose reply to <%s>: reply Message-ID %q is not id@domain", origID, opts.MessageID)
	}
	bot := strings.ToLower(opts.From.Email)
	if strings.EqualFold(orig.From.Email, bot) {
		return nil, fmt.Errorf("compose reply to <%s>: the original is the bot's own mail", origID)
	}

	listAddr := replyListAddress(orig.ListID)
	to := replyToFollowed(orig, listAddr, opts)
	// A list that rewrites Reply-To to itself must not turn an
	// author-only reply into a list post.
	if len(to) == 0 || (!opts.CcList && listAddr != "" && replyAllAre(to, listAddr)) {
		to = []Address{orig.From}
	}
	seen := map[string]bool{bot: true}
	toList := replyAddresses(to, seen)
	if len(toList) == 0 && len(orig.ReplyTo) > 0 {
		// A Reply-To naming only the bot, or nothing valid: the author.
		toList = replyAddresses([]Address{orig.From}, seen)
	}
	if len(toList) == 0 {
		return nil, fmt.Errorf("compose reply to <%s>: no valid author address (From %q)", origID, orig.From.Email)
	}
	var others []Address
	if opts.CcList {
		others = replyAddresses(orig.To, seen)
		others = append(others, replyAddresses(orig.Cc, seen)...)
		if listAddr != "" {
			others = append(others, replyAddresses([]Address{{Email: listAddr}}, seen)...)
		}
	}
	extra := replyAddresses(opts.Cc, seen)
	// The cap keeps, in this order, whom the reply is to, the addresses
	// the operator copies, then the list and the original recipients as
	// they came.
	limit := opts.MaxRecipients
	if limit <= 0 {
		limit = DefaultMaxRecipients
	}
	var dropped []Address
	keep := func(as []Address) []Address {
		n := min(len(as), limit)
		limit -= n
		dropped = append(dropped, as[n:]...)
		return as[:n]
	}
	toList = keep(toList)
	extra = keep(extra)
	if listAt := slices.IndexFunc(others, func(a Address) bool { return strings.EqualFold(a.Email, listAddr) }); listAt > 0 && limit < len(others) {
		// The list before the original recipients it would follow.
		list := others[listAt]
		others = slices.Insert(slices.Delete(others, listAt, listAt+1), 0, list)
	}
	others = keep(others)
	cc := append(others, extra...)

	refs := append(append([]string{}, orig.References...), origID)
	date := opts.Date
	if date.IsZero() {
		date = time.Now()
	}
	tag := opts.XPatchbot
	if tag == "" {
		tag = "patchbot"
	}
	if opts.Signature != "" {
		body = strings.TrimRight(body, "\n") + "\n\n-- \n" + strings.TrimRight(opts.Signature, "\n") + "\n"
	}
	return &Reply{
		From:          opts.From,
		To:            toList,
		Cc:            cc,
		Subject:       ReplySubject(orig.Subject),
		MessageID:     msgID,
		InReplyTo:     origID,
		References:    replyTrimReferences(refs),
		Date:          date,
		Body:          body,
		XPatchbot:     tag,
		Dropped:       dropped,
		Verdict:       opts.Verdict,
		AutoSubmitted: opts.AutoSubmitted,
	}, nil
}

// replyPrefix matches the reply markers mail clients put before a subject
// (Re, RE, Aw, Sv, Antw), repeated or numbered ("Re[2]:").
var replyPrefix = regexp.MustCompile(`^(?i)(?:\s*(?:re|aw|sv|antw)(?:\[\d+\])?\s*:\s*)+`)

// ReplySubject is "Re: " and the original subject, with its own reply
// markers removed (no "Re: Re:") and anything that could break the header
// replaced by a space.
func ReplySubject(subject string) string {
	s := replyHeaderText(subject)
	s = replyPrefix.ReplaceAllString(s, "")
	return "Re: " + strings.TrimSpace(s)
}

// Recipients are the envelope recipients: the To and Cc addresses.
func (r *Reply) Recipients() []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range append(append([]Address{}, r.To...), r.Cc...) {
		e := replyHeaderText(a.Email)
		if k := strings.ToLower(e); e != "" && !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// Bytes renders the reply as an RFC 5322 message with CRLF line ends:
// text/plain; charset=utf-8, 7bit or 8bit (quoted-printable only when a
// line is too long for SMTP). Every header value is sanitised here, so a
// Reply built by hand cannot inject headers either.
func (r *Reply) Bytes() []byte {
	body, cte := replyBody(r.Body)
	var h gomail.Header
	// go-message writes the field added last first, so the header is
	// built bottom-up.
	if r.AutoSubmitted {
		h.Set("Auto-Submitted", "auto-generated")
	}
	if v := replyHeaderText(r.Verdict); v != "" {
		h.SetText("X-Patchbot-Verdict", v)
	}
	if tag := replyHeaderText(r.XPatchbot); tag != "" {
		h.SetText("X-Patchbot", tag)
	}
	h.Set("Content-Transfer-Encoding", cte)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("MIME-Version", "1.0")
	h.SetMsgIDList("References", replyCleanMsgIDs(r.References))
	h.SetMsgIDList("In-Reply-To", replyCleanMsgIDs([]string{r.InReplyTo}))
	if ids := replyCleanMsgIDs([]string{r.MessageID}); len(ids) == 1 {
		h.SetMessageID(ids[0])
	}
	h.Set("Subject", replyEncodeSubject(replyHeaderText(r.Subject)))
	h.SetAddressList("Cc", replyNetAddrs(r.Cc))
	h.SetAddressList("To", replyNetAddrs(r.To))
	h.SetAddressList("From", replyNetAddrs([]Address{r.From}))
	h.SetDate(r.Date)

	var buf bytes.Buffer
	if err := textproto.WriteHeader(&buf, h.Header.Header); err != nil {
		// Unreachable: every value above went through replyHeaderText or
		// replyCleanMsgID, which remove CR and LF, the only thing
		// WriteHeader refuses in a value.
		panic("mail: render reply header: " + err.Error())
	}
	buf.Write(body)
	return buf.Bytes()
}

// replyEncodedWordMax is the longest encoded-word RFC 2047 allows.
const replyEncodedWordMax = 75

// replyEncodeSubject RFC 2047-encodes the words of s that need it
// (non-ASCII, or looking like an encoded-word already) and leaves the
// others as they are, so that "Re: [PATCH]" stays readable in the raw
// mail and every line can be folded under 78 columns: a run of such
// words becomes encoded-words of at most 75 characters each, split
// between characters, with the spaces of the run encoded inside them.
// (Go's mime.QEncoding encodes the whole value, and its first word
// then overflows the first line.)
func replyEncodeSubject(s string) string {
	words := strings.Split(s, " ")
	needs := func(w string) bool {
		if strings.Contains(w, "=?") {
			return true
		}
		for i := 0; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				return true
			}
		}
		return false
	}
	var out []string
	for i := 0; i < len(words); {
		if !needs(words[i]) {
			out = append(out, words[i])
			i++
			continue
		}
		j := i + 1
		for j < len(words) && needs(words[j]) {
			j++
		}
		out = append(out, replyQWords(strings.Join(words[i:j], " "))...)
		i = j
	}
	return strings.Join(out, " ")
}

// replyQWords Q-encodes s (RFC 2047 4.2) as UTF-8 encoded-words of at
// most replyEncodedWordMax characters, never splitting a character.
func replyQWords(s string) []string {
	const prefix, suffix = "=?utf-8?q?", "?="
	var out []string
	var cur strings.Builder
	for _, r := range s {
		var enc string
		switch {
		case r == ' ':
			enc = "_"
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!*+-/", r)):
			enc = string(r)
		default:
			var buf [utf8.UTFMax]byte
			n := utf8.EncodeRune(buf[:], r)
			for _, b := range buf[:n] {
				enc += fmt.Sprintf("=%02X", b)
			}
		}
		if cur.Len() > 0 && len(prefix)+cur.Len()+len(enc)+len(suffix) > replyEncodedWordMax {
			out = append(out, prefix+cur.String()+suffix)
			cur.Reset()
		}
		cur.WriteString(enc)
	}
	if cur.Len() > 0 {
		out = append(out, prefix+cur.String()+suffix)
	}
	return out
}

// replyBody normalises the body (valid UTF-8, LF, no NUL, final newline)
// and encodes it with CRLF line ends, returning the transfer encoding.
func replyBody(s string) ([]byte, string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	ascii, long := true, false
	for _, line := range strings.Split(s, "\n") {
		if len(line) > 998 {
			long = true
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if long {
		var buf bytes.Buffer
		w := quotedprintable.NewWriter(&buf)
		_, _ = w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
		_ = w.Close()
		return buf.Bytes(), "quoted-printable"
	}
	cte := "7bit"
	if !ascii {
		cte = "8bit"
	}
	return []byte(strings.ReplaceAll(s, "\n", "\r\n")), cte
}

// replyHeaderText makes a header value safe: folding line breaks are
// unfolded, and CR, LF, NUL and every other control character (C0, DEL,
// C1, Unicode line and paragraph separators) becomes a space, so that a
// stranger's subject or name can never start a header of its own.
func replyHeaderText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	// replaced is set after a control character was turned into a space:
	// the blanks that follow it (a folded line's indent) are dropped.
	replaced, prevSpace := false, false
	for _, r := range s {
		isCtl := r == '\t' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
		switch {
		case isCtl:
			if !prevSpace {
				b.WriteByte(' ')
			}
			replaced, prevSpace = true, true
		case r == ' ' && replaced:
		default:
			b.WriteRune(r)
			replaced, prevSpace = false, r == ' '
		}
	}
	return strings.TrimSpace(b.String())
}

// replyCleanMsgID strips brackets, whitespace and control characters from
// a Message-ID; what is left can be written between < and >.
func replyCleanMsgID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimPrefix(id, "<")
	id = strings.TrimSuffix(id, ">")
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == '<' || r == '>' || r == 0x7f || !utf8.ValidRune(r) || unicode.IsControl(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, id)
}

// replyMaxMsgID is the longest Message-ID a reply refers to: one more
// would not fit on a header line of RFC 5322's 998 characters ("In-Reply-To:
// <...>"), where a header cannot be folded inside an ID, and an MTA
// rejects the line (the reply would be lost). Real IDs are under 250.
const replyMaxMsgID = 980

// replyCleanMsgIDs cleans ids and drops those left empty or too long for
// a header line (replyMaxMsgID). IDs are not held to the RFC 5322 grammar:
// threading matches them as strings, and real mail carries IDs such as
// "87bkccc6j1.fsf@" (Gnus without a domain) that a strict reply would fail
// to thread under.
func replyCleanMsgIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if c := replyCleanMsgID(id); c != "" && len(c) <= replyMaxMsgID {
			out = append(out, c)
		}
	}
	return out
}

// replyValidMsgID reports whether id (without brackets) is an RFC 5322
// msg-id: dot-atom-text "@" (dot-atom-text or [domain literal]), UTF-8
// allowed (RFC 6532). The bot's own Message-IDs must be.
func replyValidMsgID(id string) bool {
	left, right, ok := strings.Cut(id, "@")
	if !ok || !replyDotAtom(left) {
		return false
	}
	if strings.HasPrefix(right, "[") && strings.HasSuffix(right, "]") && len(right) > 2 {
		return !strings.ContainsAny(right[1:len(right)-1], "[]\\")
	}
	return replyDotAtom(right)
}

func replyDotAtom(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch r {
		case '(', ')', '[', ']', ';', '@', '\\', ',', '<', '>', '"', ':':
			return false
		}
		if r < '!' || r == 0x7f || (r > '~' && r < utf8.RuneSelf) {
			return false
		}
	}
	return true
}

// replyTrimReferences drops duplicates and keeps the thread root and the
// newest IDs when there are more than replyMaxReferences.
func replyTrimReferences(refs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range replyCleanMsgIDs(refs) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if len(out) > replyMaxReferences {
		out = append(out[:1:1], out[len(out)-replyMaxReferences+1:]...)
	}
	return out
}

// replyValidEmail reports whether e is a bare addr-spec net/mail accepts.
func replyValidEmail(e string) bool {
	if e == "" || replyHeaderText(e) != e || strings.ContainsAny(e, "<>, ") {
		return false
	}
	a, err := netmail.ParseAddress("<" + e + ">")
	return err == nil && a.Address == e
}

// replyAddresses returns the valid addresses of as not yet in seen (by
// lower-cased email), sanitising names, and adds them to seen.
func replyAddresses(as []Address, seen map[string]bool) []Address {
	var out []Address
	for _, a := range as {
		e := strings.TrimSpace(a.Email)
		if !replyValidEmail(e) || seen[strings.ToLower(e)] {
			continue
		}
		seen[strings.ToLower(e)] = true
		out = append(out, Address{Name: replyHeaderText(a.Name), Email: e})
	}
	return out
}

func replyAllAre(as []Address, email string) bool {
	for _, a := range as {
		if !strings.EqualFold(strings.TrimSpace(a.Email), email) {
			return false
		}
	}
	return len(as) > 0
}

// ListAddress is the posting address of the list a List-Id names, ""
// when it has no such shape (see replyListAddress).
func ListAddress(listID string) string { return replyListAddress(listID) }

// replyListAddress turns a List-Id ("Netdev <netdev.vger.kernel.org>")
// into the list's posting address (netdev@vger.kernel.org): RFC 2919 ids
// are the list name dotted onto its domain, which for vger and
// lists.linux.dev is the posting address with the first dot for the @.
// It returns "" when the id has no such shape.
func replyListAddress(listID string) string {
	id := listID
	if i := strings.LastIndexByte(id, '<'); i >= 0 {
		id = id[i+1:]
		if j := strings.IndexByte(id, '>'); j >= 0 {
			id = id[:j]
		}
	}
	id = strings.TrimSpace(id)
	local, domain, ok := strings.Cut(id, ".")
	if !ok || local == "" || !strings.Contains(domain, ".") {
		return ""
	}
	addr := local + "@" + domain
	if !replyValidEmail(addr) {
		return ""
	}
	return addr
}

func replyNetAddrs(as []Address) []*gomail.Address {
	var out []*gomail.Address
	for _, a := range as {
		e := replyHeaderText(a.Email)
		if e == "" {
			continue
		}
		out = append(out, &gomail.Address{Name: replyHeaderText(a.Name), Address: e})
	}
	return out
}

// replyFileLine matches a compiler-style location at the start of a line
// ("net/ipv4/raw.c:123:5: error: ..."), which greps and editors need whole.
var replyFileLine = regexp.MustCompile(`^[\w./+-]+:\d+(?::\d+)?(?::|\s|$)`)

// replyKeyURL matches "key: value" lines that carry a URL, as in the
// kernel test robot's "url:", "config:" and "patch link:" lines.
var replyKeyURL = regexp.MustCompile(`^[A-Za-z][\w -]*:\s.*\b(?:https?|ftp|git)://`)

// replySubjectQuote matches "key: [PATCH ...] subject" lines, as in the
// kernel test robot's "patch subject:": a quoted subject is searched for
// whole, so it is never wrapped (like the subject in a Fixes: tag).
var replySubjectQuote = regexp.MustCompile(`^[A-Za-z][\w -]*:\s+\[[^\]]*\b(?:PATCH|RFC)\b`)

// replyListItem matches a list marker whose continuation lines are
// indented to the text: "- ", "* ", "1. ", "2) ".
var replyListItem = regexp.MustCompile(`^(?:[-*] |\d+[.)] )`)

// WrapText wraps prose lines longer than width (72 when width <= 0)
// at spaces. It never breaks what must stay whole: quoted lines ("> ",
// "| "), indented lines (code, command lines), tag lines (Fixes:,
// Reported-by:, Closes:, ...), file:line locations, "key: value" lines
// carrying a URL or quoting a "[PATCH ...]" subject, and any single word
// or URL longer than the width. List items keep their hanging indent.
func WrapText(s string, width int) string {
	return wrapLines(s, width, wrapRules{keep: replyKeepLine, hang: true})
}

// WrapFunc wraps the lines of s longer than width (72 when width <= 0)
// at spaces, as WrapText does, but with the caller's rules: only the
// lines keep reports true for stay whole (and any single word longer
// than the width), continuation lines start at the margin (a list item
// gets no hanging indent), and a long line of white space alone becomes
// an empty line. It is for bodies whose writer knows which of its lines
// must not be broken; a nil keep keeps none.
func WrapFunc(s string, width int, keep func(line string) bool) string {
	if keep == nil {
		keep = func(string) bool { return false }
	}
	return wrapLines(s, width, wrapRules{keep: keep, keepBlank: true})
}

// wrapRules are what WrapText and WrapFunc differ in.
type wrapRules struct {
	// keep reports a long line that must stay whole.
	keep func(line string) bool
	// hang indents a list item's continuation lines to its text.
	hang bool
	// keepBlank leaves a long line of white space alone as an empty
	// line; WrapText drops it.
	keepBlank bool
}

func wrapLines(s string, width int, r wrapRules) string {
	if width <= 0 {
		width = 72
	}
	lines := strings.Split(s, "\n")
	var out []string
	for _, line := range lines {
		if utf8.RuneCountInString(line) <= width || r.keep(line) {
			out = append(out, line)
			continue
		}
		broken := replyWrapLine(line, width, r.hang)
		if len(broken) == 0 && r.keepBlank {
			broken = []string{""}
		}
		out = append(out, broken...)
	}
	return strings.Join(out, "\n")
}

func replyKeepLine(line string) bool {
	if line == "" {
		return true
	}
	switch line[0] {
	case '>', '|', ' ', '\t':
		return true
	}
	return ReplyTag.MatchString(line) || replyFileLine.MatchString(line) || replyKeyURL.MatchString(line) || replySubjectQuote.MatchString(line)
}

func replyWrapLine(line string, width int, hang bool) []string {
	indent := ""
	if hang {
		indent = strings.Repeat(" ", len(replyListItem.FindString(line)))
	}
	words := strings.Fields(line)
	var out []string
	cur, curLen := "", 0
	for _, w := range words {
		wl := utf8.RuneCountInString(w)
		switch {
		case cur == "":
			cur, curLen = w, wl
			if len(out) > 0 {
				cur, curLen = indent+w, len(indent)+wl
			}
		case curLen+1+wl <= width:
			cur += " " + w
			curLen += 1 + wl
		default:
			out = append(out, cur)
			cur, curLen = indent+w, len(indent)+wl
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// QuoteLines quotes lines for a reply body, each prefixed with prefix
// ("> " or "| "); an empty line gets the prefix without its trailing
// space, so the body has no trailing whitespace. The result ends with a
// newline (or is empty when lines is).
func QuoteLines(lines []string, prefix string) string {
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString(strings.TrimRight(prefix, " \t"))
		} else {
			b.WriteString(prefix + l)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
