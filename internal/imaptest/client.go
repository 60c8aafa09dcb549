package imaptest

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Login connects to a test server at addr with the given transport
// security (Plain, StartTLS or ImplicitTLS; tlsConfig trusts the server's
// certificate) and logs in; the client is logged out and closed in
// tb.Cleanup. For test set-up and inspection, not for the code under test.
func Login(tb testing.TB, addr, user, password, mode string, tlsConfig *tls.Config) *imapclient.Client {
	tb.Helper()
	var (
		c   *imapclient.Client
		err error
	)
	opts := &imapclient.Options{TLSConfig: tlsConfig}
	switch mode {
	case ImplicitTLS:
		c, err = imapclient.DialTLS(addr, opts)
	case StartTLS:
		c, err = imapclient.DialStartTLS(addr, opts)
	default:
		c, err = imapclient.DialInsecure(addr, opts)
	}
	if err != nil {
		tb.Fatalf("imaptest: connect to %s: %v", addr, err)
	}
	tb.Cleanup(func() {
		_ = c.Logout().Wait()
		_ = c.Close()
	})
	if err := c.Login(user, password).Wait(); err != nil {
		tb.Fatalf("imaptest: log in as %s to %s: %v", user, addr, err)
	}
	return c
}

// Append appends raw to mailbox through c, with the given flags and
// internal date (now when zero), and returns the UID the server assigned
// (0 if the server does not report it).
func Append(tb testing.TB, c *imapclient.Client, mailbox string, raw []byte, date time.Time, flags ...imap.Flag) uint32 {
	tb.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: date, Flags: flags})
	if _, err := cmd.Write(raw); err != nil {
		tb.Fatalf("imaptest: APPEND to %s: %v", mailbox, err)
	}
	if err := cmd.Close(); err != nil {
		tb.Fatalf("imaptest: APPEND to %s: %v", mailbox, err)
	}
	data, err := cmd.Wait()
	if err != nil {
		tb.Fatalf("imaptest: APPEND to %s: %v", mailbox, err)
	}
	return uint32(data.UID)
}

// Fetch examines mailbox (read-only, so that it changes nothing) and
// returns every message's UID, flags, internal date and, with body, its
// content (fetched with BODY.PEEK[]).
func Fetch(tb testing.TB, c *imapclient.Client, mailbox string, body bool) []Message {
	tb.Helper()
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		tb.Fatalf("imaptest: EXAMINE %s: %v", mailbox, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true}
	section := &imap.FetchItemBodySection{Peek: true}
	if body {
		opts.BodySection = []*imap.FetchItemBodySection{section}
	}
	bufs, err := c.Fetch(imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}}, opts).Collect()
	if err != nil {
		tb.Fatalf("imaptest: FETCH in %s: %v", mailbox, err)
	}
	msgs := make([]Message, 0, len(bufs))
	for _, b := range bufs {
		m := Message{UID: uint32(b.UID), Flags: b.Flags, Date: b.InternalDate}
		if body {
			m.Body = b.FindBodySection(section)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// UIDValidity asks the server for mailbox's UIDVALIDITY with STATUS.
func UIDValidity(tb testing.TB, c *imapclient.Client, mailbox string) uint32 {
	tb.Helper()
	st, err := c.Status(mailbox, &imap.StatusOptions{UIDValidity: true}).Wait()
	if err != nil {
		tb.Fatalf("imaptest: STATUS %s: %v", mailbox, err)
	}
	return st.UIDValidity
}
