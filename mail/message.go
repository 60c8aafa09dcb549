// Package mail reads patch mail in every form it travels in (single files,
// git format-patch directories, mbox, maildir, standard input, git ranges)
// and decodes it into Message values through go-message.
package mail

import "time"

// Address is one decoded mailbox: a display name (RFC 2047 decoded) and an
// addr-spec.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// String renders the address as "Name <email>", or the bare email where
// there is no name.
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// Message is one decoded mail as the rest of patchbot sees it. Header
// values are unfolded and RFC 2047 decoded; Body is the text that carries
// the patch (the inline text/plain part, or a text/x-patch / text/x-diff
// attachment appended to it), decoded to UTF-8 with CRLF normalised to LF.
type Message struct {
	// MessageID is the Message-ID without angle brackets.
	MessageID string
	// InReplyTo is the first Message-ID of In-Reply-To, without brackets.
	InReplyTo string
	// References lists the References Message-IDs, oldest first, without
	// brackets.
	References []string
	// Subject is the decoded, unfolded subject.
	Subject string
	From    Address
	ReplyTo []Address
	To      []Address
	Cc      []Address
	Date    time.Time
	// ListID is the List-Id header, if any (for the bot's Cc logic).
	ListID string
	// HasXPatchbot reports an X-Patchbot header, whatever its value: the
	// mark patchbot puts on the mail it sends (Reply.XPatchbot), so that
	// no patchbot answers it.
	HasXPatchbot bool
	// Body is the patch-carrying text, LF line endings.
	Body string
	// Raw holds the message bytes as read (after mbox unescaping). Readers
	// that only review may drop it once parsed (Size stays).
	Raw []byte
	// Size is len(Raw) as read.
	Size int
	// Source names where the message came from: a file path, "mbox:N"
	// within a file, "imap:UID", "-" for standard input.
	Source string
	// Batch names the input the message was read with, for telling
	// apart runs of git format-patch, whose mails carry no Message-ID
	// and, without --thread, no threading: the directory of a file (the
	// files of one run lie side by side), "-" for standard input,
	// "git:RANGE" for a git range; "" for mail from a mailbox server.
	Batch string
}

// ReadError reports a mail that could not be read or decoded. It names the
// source and, where the header could be read, the Message-ID, so that the
// one-line error a user sees says which mail and what is wrong.
type ReadError struct {
	Source    string
	MessageID string
	Err       error
}

// Error renders "source <msgid>: what is wrong".
func (e *ReadError) Error() string {
	s := e.Source
	if e.MessageID != "" {
		s += " <" + e.MessageID + ">"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *ReadError) Unwrap() error { return e.Err }
