package config

import (
	"fmt"
	netmail "net/mail"
	"strings"
)

// ReplyFrom is the address the bot's replies come from and the domain of
// the Message-IDs it makes, derived here once for validation and for the
// bot: [smtp] from, or DryRunFrom for a dry run without one; [smtp]
// bot_domain, or the domain of that address. An empty address with no
// error means none is configured (and none is needed for a dry run).
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
		return nil, c.SMTP.BotDomain, fmt.Errorf("[smtp] from %q: %w (write it as \"Name <bot@example.org>\")", text, err)
	}
	domain = c.SMTP.BotDomain
	if domain == "" {
		_, domain, _ = strings.Cut(a.Address, "@")
	}
	return a, domain, nil
}

// ReplyCc are the [reply] cc addresses, parsed.
func (c *Config) ReplyCc() ([]*netmail.Address, error) {
	out := make([]*netmail.Address, 0, len(c.Reply.Cc))
	for _, s := range c.Reply.Cc {
		a, err := netmail.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("[reply] cc %q: %w", s, err)
		}
		out = append(out, a)
	}
	return out, nil
}
