package series

import (
	"strconv"
	"strings"

	"github.com/patchbot/patchbot/mail"
)

// ART counts the review tags a series has, as patchwork's A/R/T column
// does: the distinct people who gave an Acked-by, a Reviewed-by and a
// Tested-by, in the patches' own trailers or in replies to them.
type ART struct {
	Acked    int `json:"acked"`
	Reviewed int `json:"reviewed"`
	Tested   int `json:"tested"`
}

// Tags collects the review tags replies in a mailbox give. Add every mail
// read, then ask Count for each series; it keeps a few strings a tag, not
// the mails.
type Tags struct {
	// byParent lists the tags given at or below a Message-ID: by the
	// mail itself, and by the replies to it or to what references it.
	byParent map[string][]tag
}

type tag struct{ key, who string }

// NewTags returns an empty collector.
func NewTags() *Tags { return &Tags{byParent: map[string][]tag{}} }

// reviewKeys are the tags the A/R/T column counts.
var reviewKeys = map[string]bool{"Acked-by": true, "Reviewed-by": true, "Tested-by": true}

// Add records the review tags a mail gives — its lines "Reviewed-by:
// Name <addr>", not quoted, before its signature — under its own
// Message-ID (a patch's trailers, which a series drops when it is
// released after its review) and under every mail it replies to or
// references (a reviewer's reply).
func (t *Tags) Add(m *mail.Message) {
	if m == nil {
		return
	}
	var tags []tag
	for _, l := range strings.Split(m.Body, "\n") {
		if l == "-- " {
			break
		}
		key, value, ok := mail.CommitTrailer.Parse(strings.TrimRight(l, " \t\r"))
		if ok && reviewKeys[key] {
			tags = append(tags, tag{key, strings.ToLower(value)})
		}
	}
	if len(tags) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, id := range append([]string{m.MessageID, m.InReplyTo}, m.References...) {
		if id != "" && !seen[id] {
			seen[id] = true
			t.byParent[id] = append(t.byParent[id], tags...)
		}
	}
}

// Count returns the series' A/R/T: the distinct people per tag in its
// patches' trailers and in the replies to its cover letter or patches.
func (t *Tags) Count(s *Series) ART {
	people := map[tag]bool{}
	var ids []string
	if s.Cover != nil {
		ids = append(ids, s.Cover.MessageID)
	}
	for _, p := range s.Patches {
		for _, tr := range p.Trailers {
			if reviewKeys[tr.Key] {
				people[tag{tr.Key, strings.ToLower(tr.Value)}] = true
			}
		}
		if p.Msg != nil {
			ids = append(ids, p.Msg.MessageID)
		}
	}
	if t != nil {
		for _, id := range ids {
			for _, tg := range t.byParent[id] {
				people[tg] = true
			}
		}
	}
	var a ART
	for tg := range people {
		switch tg.key {
		case "Acked-by":
			a.Acked++
		case "Reviewed-by":
			a.Reviewed++
		case "Tested-by":
			a.Tested++
		}
	}
	return a
}

// String is "A/R/T" as patchwork shows it: "1/2/0", "-" for none.
func (a ART) String() string {
	if a == (ART{}) {
		return "-"
	}
	return strconv.Itoa(a.Acked) + "/" + strconv.Itoa(a.Reviewed) + "/" + strconv.Itoa(a.Tested)
}
