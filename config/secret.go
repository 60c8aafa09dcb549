package config

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// Which secret Secret resolves.
const (
	SecretIMAP = "imap"
	SecretSMTP = "smtp"
)

// Secret returns the password of the [imap] or [smtp] table (which is
// SecretIMAP or SecretSMTP), read from the environment variable named by
// password_env or the file named by password_file, with one trailing
// newline trimmed. It returns "" without error when neither is set (as for
// anonymous IMAP). A password file others can read is used but warned
// about.
func (c *Config) Secret(ctx context.Context, which string) (string, error) {
	var env, file string
	switch which {
	case SecretIMAP:
		env, file = c.IMAP.PasswordEnv, c.IMAP.PasswordFile
	case SecretSMTP:
		env, file = c.SMTP.PasswordEnv, c.SMTP.PasswordFile
	default:
		return "", fmt.Errorf("secret %q: want %q or %q", which, SecretIMAP, SecretSMTP)
	}
	switch {
	case env != "":
		v, ok := os.LookupEnv(env)
		if !ok {
			return "", &Error{Key: which + ".password_env", Problem: fmt.Sprintf("environment variable %s is not set", env), Fix: "export " + env + " before starting patchbot, or use " + which + ".password_file"}
		}
		if v == "" {
			return "", &Error{Key: which + ".password_env", Problem: fmt.Sprintf("environment variable %s is empty", env), Fix: "put the password in it"}
		}
		return trimNewline(v), nil
	case file != "":
		st, err := os.Stat(file)
		if err != nil {
			return "", &Error{Key: which + ".password_file", Problem: fmt.Sprintf("cannot read the password file: %v", err), Fix: "create it with mode 0600, holding the password alone"}
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			slog.Default().WarnContext(ctx, "password file is readable by others", "key", which+".password_file", "path", file, "mode", fmt.Sprintf("%04o", perm), "fix", "chmod 600 "+file)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", &Error{Key: which + ".password_file", Problem: fmt.Sprintf("cannot read the password file: %v", err), Fix: "make it readable by the user patchbot runs as"}
		}
		v := trimNewline(string(b))
		if v == "" {
			return "", &Error{Key: which + ".password_file", Problem: file + " is empty", Fix: "put the password in it"}
		}
		return v, nil
	}
	return "", nil
}

// trimNewline drops one trailing line end, as echo and editors add; other
// whitespace may be part of the password.
func trimNewline(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r")
}
