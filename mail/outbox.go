package mail

import (
	"context"
	"errors"
)

// Outbox is where the list bot's replies go: a directory of .eml files
// (dry run, the default), an SMTP submission server, or an IMAP drafts
// folder. Send returns nil only once the reply is handed over for good
// (written and synced, or accepted by the server).
type Outbox interface {
	Send(ctx context.Context, r *Reply) error
}

// ErrRejected marks a Send error for a reply the server refused for good
// (SMTP 5xx): it was not sent, and sending it again would be refused
// again.
var ErrRejected = errors.New("rejected by the mail server")

// ErrMaybeSent marks a Send error that leaves the reply's fate unknown:
// the whole message was handed over, then the connection was lost before
// the server said whether it took it. Sending it again could send it
// twice.
var ErrMaybeSent = errors.New("the mail server may have taken it")
