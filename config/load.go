package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// Load reads the TOML file at path over Defaults(), rejects keys it does
// not know, resolves relative paths against the file's directory and
// validates the result. checks are the IDs [checks] enable accepts: the
// checks' registry owns them, config does not. Every problem found is
// reported, each naming its key and the fix. The Config is what the file
// says over the defaults; values derived from others (the bot's address
// for a dry run, its Message-ID domain) are asked of it (ReplyFrom).
func Load(path string, checks []string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cfg, err := parse(string(data), filepath.Dir(path), checks)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.Path = path
	return cfg, nil
}

// parse decodes and validates configuration text; baseDir anchors
// relative paths.
func parse(text, baseDir string, checks []string) (*Config, error) {
	cfg := Defaults()
	md, err := toml.Decode(text, cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if pe.LastKey != "" {
				return nil, fmt.Errorf("%s: %s", pe.LastKey, pe.ErrorWithPosition())
			}
			return nil, errors.New(pe.ErrorWithPosition())
		}
		if e := typeError(err); e != nil {
			return nil, e
		}
		return nil, err
	}
	if errs := unknownKeys(md.Undecoded()); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := cfg.resolvePaths(baseDir, md); err != nil {
		return nil, err
	}
	if errs := cfg.validate(checks); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return cfg, nil
}

var (
	typeMismatch  = regexp.MustCompile(`line (\d+) \(last key "([^"]+)"\): incompatible types: TOML value has type (\w+); destination has type (\w+)`)
	tableMismatch = regexp.MustCompile(`line (\d+) \(last key "([^"]+)"\): type mismatch for [\w.]+: expected table but found (\w+)`)
)

// typeError rewrites the decoder's type mismatch errors, which name Go
// types, into an *Error that names the key and how to write its value.
func typeError(err error) *Error {
	if m := typeMismatch.FindStringSubmatch(err.Error()); m != nil {
		fix := map[string]string{
			"boolean": "write true or false, without quotes",
			"slice":   "write a list, like [\"a\", \"b\"]",
			"string":  "write it in double quotes",
			"struct":  "write it as a table",
		}[m[4]]
		if fix == "" {
			fix = "write a " + m[4]
		}
		return keyErr(m[2], fix, "line %s: the value is a %s, not a %s", m[1], m[3], m[4])
	}
	if m := tableMismatch.FindStringSubmatch(err.Error()); m != nil {
		return keyErr(m[2], "write it as a table: ["+m[2]+"] on a line of its own, its keys below", "line %s: a %s where a table belongs", m[1], m[3])
	}
	return nil
}

// unknownKeys turns the keys the decoder did not use into errors that
// name each one and the key probably meant. Only the outermost unknown key
// is reported: an unknown table's keys are not listed one by one.
func unknownKeys(keys []toml.Key) []error {
	known := knownKeys()
	reported := map[string]bool{}
	var errs []error
	for _, k := range keys {
		full := k.String()
		parent := strings.Join(k[:len(k)-1], ".")
		if skipUnder(reported, full) {
			continue
		}
		reported[full] = true
		name := k[len(k)-1]
		if name == "password" && (parent == "imap" || parent == "smtp") {
			errs = append(errs, keyErr(full,
				fmt.Sprintf("set %s.password_env = \"VAR\" (an environment variable) or %s.password_file = \"/path\" (mode 0600) instead", parent, parent),
				"secrets are not read from the config file"))
			continue
		}
		fix := "remove it"
		if _, isTable := known[parent]; !isTable {
			fix = "remove it; its table is unknown too"
		} else if s := suggest(name, known[parent]); s != "" {
			fix = "did you mean " + s + "?"
		} else {
			fix = "remove it; " + tableDesc(parent) + " accepts " + strings.Join(known[parent], ", ")
		}
		errs = append(errs, keyErr(full, fix, "unknown key"))
	}
	return errs
}

func skipUnder(reported map[string]bool, key string) bool {
	for r := range reported {
		if strings.HasPrefix(key, r+".") {
			return true
		}
	}
	return false
}

func tableDesc(t string) string {
	if t == "" {
		return "the top level"
	}
	return "[" + t + "]"
}

// resolvePaths expands ~/ and makes relative paths relative to the
// config file, then derives the defaults that hang off [state] dir.
func (c *Config) resolvePaths(baseDir string, md toml.MetaData) error {
	for _, p := range []*string{&c.State.Dir, &c.State.Spool, &c.Outbox.Dir, &c.Checks.Tree, &c.IMAP.PasswordFile, &c.SMTP.PasswordFile} {
		v, err := resolvePath(*p, baseDir)
		if err != nil {
			return err
		}
		*p = v
	}
	if md.IsDefined("state", "dir") {
		if !md.IsDefined("state", "spool") {
			c.State.Spool = filepath.Join(c.State.Dir, "spool")
		}
		if !md.IsDefined("outbox", "dir") {
			c.Outbox.Dir = filepath.Join(c.State.Dir, "outbox")
		}
	}
	return nil
}

func resolvePath(p, baseDir string) (string, error) {
	if p == "" {
		return "", nil
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("expand %s: %w", p, err)
		}
		return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
	}
	if filepath.IsAbs(p) || baseDir == "" {
		return filepath.Clean(p), nil
	}
	return filepath.Join(baseDir, p), nil
}
