package config

import (
	"fmt"
	netmail "net/mail"
	"strings"
)

// ReplyFrom is the address the bot's replies come from and the domain of
// the Message-IDs it makes, derived here once for validation and for the
// bot: [smtp] from, or DryRunFrom for a dry run without one; [smtp]
// bot_domain, or the domain of that address. A nil address with no error
// means none is configured (none is needed unless replies are sent). The
// error names the key and the fix.
func (c *Config) ReplyFrom() (from *netmail.Address, domain string, err error) {
	text := c.SMTP.From
	if text == "" {
		if c.Outbox.Mode != OutboxDryRun {
			return nil, c.SMTP.BotDomain, nil
		}
		// Dry-run replies still need a From to be rendered; they go
		// nowhere, so a placeholder the reader recognises will do.
		text = DryRunFrom
	}
	a, err := netmail.ParseAddress(text)
	if err != nil {
		return nil, c.SMTP.BotDomain, keyErr("smtp.from", "write it as \"Patchbot <patchbot@example.org>\"", "%q is not a mail address: %v", text, err)
	}
	domain = c.SMTP.BotDomain
	if domain == "" {
		_, domain, _ = strings.Cut(a.Address, "@")
	}
	return a, domain, nil
}

// ReplyCc are the [reply] cc addresses, parsed. The errors, one per
// address that does not parse, name its key ("reply.cc[1]").
func (c *Config) ReplyCc() ([]*netmail.Address, []error) {
	out := make([]*netmail.Address, 0, len(c.Reply.Cc))
	var errs []error
	for i, s := range c.Reply.Cc {
		a, err := netmail.ParseAddress(s)
		if err != nil {
			errs = append(errs, keyErr(fmt.Sprintf("reply.cc[%d]", i), "write each entry as \"name@example.org\" or \"Name <name@example.org>\"", "%q is not a mail address", s))
			continue
		}
		out = append(out, a)
	}
	return out, errs
}
