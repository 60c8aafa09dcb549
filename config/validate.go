package config

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"time"
)

// validate checks every value against checks, the known check IDs, and
// returns one error per problem. It changes nothing.
func (c *Config) validate(checks []string) []error {
	var errs []error
	add := func(e *Error) {
		if e != nil {
			errs = append(errs, e)
		}
	}

	// [imap]
	add(checkTLS("imap.tls", c.IMAP.TLS))
	if c.IMAP.Addr != "" {
		add(checkAddr("imap.addr", c.IMAP.Addr, "993 for implicit TLS, 143 for starttls"))
		add(checkPlainText("imap", c.IMAP.TLS, c.IMAP.Addr, c.IMAP.Insecure))
		if c.IMAP.Username == "" {
			add(keyErr("imap.username", "set the login name (for lore's public-inbox IMAP, \"anonymous\")", "is empty"))
		}
		if c.IMAP.Mailbox == "" {
			add(keyErr("imap.mailbox", "set it to the mailbox to watch, such as \"INBOX\"", "is empty"))
		}
	}
	add(checkOneSecret("imap", c.IMAP.PasswordEnv, c.IMAP.PasswordFile))
	if c.IMAP.PollInterval.D() < 10*time.Second {
		add(keyErr("imap.poll_interval", "use \"10s\" or more; \"5m\" is usual", "%s is too short", c.IMAP.PollInterval))
	}

	// [smtp]
	add(checkTLS("smtp.tls", c.SMTP.TLS))
	if c.SMTP.Addr != "" {
		add(checkAddr("smtp.addr", c.SMTP.Addr, "587 for starttls, 465 for implicit TLS"))
		add(checkPlainText("smtp", c.SMTP.TLS, c.SMTP.Addr, c.SMTP.Insecure))
	}
	add(checkOneSecret("smtp", c.SMTP.PasswordEnv, c.SMTP.PasswordFile))
	if _, dom, err := c.ReplyFrom(); err != nil {
		errs = append(errs, err)
	} else if dom != "" && !validDomain(dom) {
		add(keyErr("smtp.bot_domain", "use a domain you own, such as \"patchbot.example.org\"", "%q is not a domain name", dom))
	}

	// [outbox]
	switch c.Outbox.Mode {
	case OutboxDryRun:
		if c.Outbox.Dir == "" {
			add(keyErr("outbox.dir", "set it to a directory for the .eml files dry-run writes", "is empty"))
		}
	case OutboxSMTP:
		if c.SMTP.Addr == "" {
			add(keyErr("smtp.addr", "set [smtp] addr, or use outbox.mode = \"dry-run\"", "is required when outbox.mode is \"smtp\""))
		}
		if c.SMTP.From == "" {
			add(keyErr("smtp.from", "set [smtp] from to the bot's address", "is required when outbox.mode is \"smtp\""))
		}
	case OutboxDrafts:
		if c.IMAP.Addr == "" {
			add(keyErr("imap.addr", "set [imap] addr to a server that accepts APPEND, or use outbox.mode = \"dry-run\"", "is required when outbox.mode is \"drafts\""))
		}
		if c.Outbox.DraftsMailbox == "" {
			add(keyErr("outbox.drafts_mailbox", "set it to the drafts mailbox, such as \"Drafts\"", "is empty"))
		}
		if c.SMTP.From == "" {
			add(keyErr("smtp.from", "set [smtp] from: drafts are written from the bot's address", "is required when outbox.mode is \"drafts\""))
		}
	default:
		add(keyErr("outbox.mode", "use \"dry-run\", \"smtp\" or \"drafts\"", "%q is not an outbox mode", c.Outbox.Mode))
	}

	// [reply]
	_, ccErrs := c.ReplyCc()
	errs = append(errs, ccErrs...)
	if c.Reply.MaxRecipients < 1 {
		add(keyErr("reply.max_recipients", "write a number of addresses, at least 1 (the default is 10)", "%d is not a number of recipients", c.Reply.MaxRecipients))
	} else if len(c.Reply.Cc)+1 > c.Reply.MaxRecipients {
		add(keyErr("reply.max_recipients", "raise it or copy fewer addresses in reply.cc", "%d leaves no room for the author and the %s of reply.cc", c.Reply.MaxRecipients, addresses(len(c.Reply.Cc))))
	}

	// [checks]
	for i, id := range c.Checks.Enable {
		if !slices.Contains(checks, id) {
			fix := "known checks: " + strings.Join(checks, ", ")
			if s := suggest(id, checks); s != "" {
				fix = "did you mean " + s + "?"
			}
			add(keyErr(fmt.Sprintf("checks.enable[%d]", i), fix, "%q is not a check", id))
		}
	}
	if c.Checks.Tree != "" {
		if st, err := os.Stat(c.Checks.Tree); err != nil {
			add(keyErr("checks.tree", "point it at an unpacked kernel source tree, or remove it to check diffs alone", "cannot be read: %v", err))
		} else if !st.IsDir() {
			add(keyErr("checks.tree", "point it at the top directory of a kernel source tree", "%s is not a directory", c.Checks.Tree))
		}
	}
	for i, r := range c.Checks.Rules {
		for _, f := range []struct{ name, v string }{{"struct", r.Struct}, {"member", r.Member}, {"old", r.Old}, {"new", r.New}} {
			if strings.TrimSpace(f.v) == "" {
				add(keyErr(fmt.Sprintf("checks.rule[%d].%s", i, f.name),
					"every [[checks.rule]] needs struct, member, old and new, e.g. struct = \"proto\", member = \"ioctl\", old = \"int (*)(struct sock *, int, unsigned long)\", new = \"int (*)(struct sock *, int, int *)\"",
					"is missing"))
			}
		}
	}

	// [state]
	if c.State.Dir == "" {
		add(keyErr("state.dir", "set it to a directory patchbot may write", "is empty"))
	}

	// [log]
	if c.Log.Format != "text" && c.Log.Format != "json" {
		add(keyErr("log.format", "use \"text\" or \"json\"", "%q is not a log format", c.Log.Format))
	}
	if _, ok := parseLevel(c.Log.Level); !ok {
		add(keyErr("log.level", "use \"debug\", \"info\", \"warn\" or \"error\"", "%q is not a log level", c.Log.Level))
	}
	return errs
}

func checkTLS(key, v string) *Error {
	switch v {
	case TLSImplicit, TLSStartTLS, TLSInsecure:
		return nil
	}
	return keyErr(key, "use \"implicit\", \"starttls\" or \"insecure\"", "%q is not a TLS mode", v)
}

func checkAddr(key, addr, ports string) *Error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || port == "" {
		return keyErr(key, "write it as host:port, e.g. mail.example.org:"+strings.Fields(ports)[0]+" ("+ports+")", "%q is not host:port", addr)
	}
	return nil
}

// checkPlainText refuses tls = "insecure" to a host that is not loopback
// unless insecure = true says plain text over the network is meant.
func checkPlainText(table, mode, addr string, insecure bool) *Error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || mode != TLSInsecure || insecure || isLoopback(host) {
		return nil
	}
	return keyErr(table+".tls", "use \"implicit\" or \"starttls\", or set "+table+".insecure = true if plain text over the network is really meant",
		"\"insecure\" to %s would send the password and mail in clear text", host)
}

// isLoopback reports whether host is "localhost" or a loopback IP,
// without a DNS look-up.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkOneSecret(table, env, file string) *Error {
	if env != "" && file != "" {
		return keyErr(table+".password_file", "keep only one of "+table+".password_env and "+table+".password_file", "is set together with password_env")
	}
	return nil
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// addresses is "1 address" or "N addresses".
func addresses(n int) string {
	if n == 1 {
		return "1 address"
	}
	return fmt.Sprintf("%d addresses", n)
}
