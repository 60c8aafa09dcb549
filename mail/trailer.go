package mail

import "strings"

// TrailerRule says which "Key: value" lines count as trailers, the tags
// at the end of a commit message (Signed-off-by:, Fixes:, ...;
// Documentation/process/submitting-patches.rst). There is one syntax, a
// key of letters, digits and dashes, a colon, white space and the value,
// and a rule for each kind of text that is asked: the trailer block of
// a commit message, the lines of a reply that must stay on one line, and
// the lines of a reply that tools would collect as tags.
type TrailerRule int

const (
	// CommitTrailer is a trailer in the trailer block of a commit
	// message, as git interpret-trailers and b4 read it: a known key in
	// any case (Signed-off-by, Fixes, Link, Cc, ...) or any key with a
	// dash ("Tested-on"), a space or tab after the colon, and a value.
	// It is liberal because it is asked only of whole paragraphs at the
	// end of a message.
	CommitTrailer TrailerRule = iota
	// ReplyTag is a tag line that reply wrapping keeps on one line:
	// "Fixes:" lines are never wrapped, and tools read the others line
	// by line. It is asked of single lines amid prose, so only keys
	// spelled as the kernel spells them count: any capitalised "-by" key,
	// Fixes, Link, Closes, Cc, Message-ID, and the Change-Id and
	// base-commit lines of Gerrit and git format-patch --base; then any
	// white space.
	ReplyTag
	// CollectedTrailer is a line b4 or patchwork would collect from a
	// reply as a tag for the patch: any "-by" or "-to" key starting with
	// a letter, Fixes, Closes, Link and Cc; then any white space. A reply
	// quotes such lines with "| " so that it applies no tag by mistake.
	CollectedTrailer
)

// Parse splits line into the key and the trimmed value of a trailer; ok
// is false when line is no trailer under r.
func (r TrailerRule) Parse(line string) (key, value string, ok bool) {
	key, rest, found := strings.Cut(line, ":")
	if !found || !trailerKey(key) || rest == "" {
		return "", "", false
	}
	value = strings.TrimSpace(rest)
	switch r {
	case CommitTrailer:
		ok = (rest[0] == ' ' || rest[0] == '\t') && value != "" &&
			(knownTrailer(key) || strings.Contains(key, "-"))
	case ReplyTag:
		ok = trailerSpace(rest[0]) && (plainTrailer(key) ||
			key == "Message-ID" || key == "Change-Id" || key == "base-commit" ||
			key[0] >= 'A' && key[0] <= 'Z' && strings.HasSuffix(key, "-by"))
	case CollectedTrailer:
		ok = trailerSpace(rest[0]) && (plainTrailer(key) ||
			trailerLetter(key[0]) && (strings.HasSuffix(key, "-by") || strings.HasSuffix(key, "-to")))
	}
	if !ok {
		return "", "", false
	}
	return key, value, true
}

// MatchString reports whether line is a trailer under r.
func (r TrailerRule) MatchString(line string) bool {
	_, _, ok := r.Parse(line)
	return ok
}

// knownTrailer reports whether key, in any case, is a trailer key of
// submitting-patches.rst or one that b4 and the kernel's history use.
func knownTrailer(key string) bool {
	switch strings.ToLower(key) {
	case "signed-off-by", "fixes", "reviewed-by", "acked-by",
		"tested-by", "reported-by", "suggested-by",
		"co-developed-by", "link", "closes", "cc",
		"message-id", "reported-and-tested-by", "requested-by",
		"bisected-by", "debugged-by", "cc-stable":
		return true
	}
	return false
}

// plainTrailer reports the known keys without a dash, spelled as
// submitting-patches.rst spells them.
func plainTrailer(key string) bool {
	switch key {
	case "Fixes", "Link", "Closes", "Cc":
		return true
	}
	return false
}

// trailerKey reports whether key is made of letters, digits and dashes.
func trailerKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !trailerLetter(c) && !(c >= '0' && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}

func trailerLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// trailerSpace is the white space the reply rules take after the colon:
// a regular expression's \s ([\t\n\f\r ]), as b4's own patterns do.
func trailerSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\f', '\r':
		return true
	}
	return false
}
