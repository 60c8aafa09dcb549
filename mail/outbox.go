package mail

import "context"

// Outbox is where the list bot's replies go: a directory of .eml files
// (dry run, the default), an SMTP submission server, or an IMAP drafts
// folder. Send returns nil only once the reply is handed over for good
// (written and synced, or accepted by the server).
type Outbox interface {
	Send(ctx context.Context, r *Reply) error
}
