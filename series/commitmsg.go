package series

import (
	netmail "net/mail"
	"strings"

	"github.com/patchbot/patchbot/mail"
)

// commitMessage is the log message of a patch split into its parts.
type commitMessage struct {
	from     *mail.Address
	text     string
	trailers []Trailer
}

// parseCommitMessage splits the part of a patch body before "---" into
// in-body pseudo-headers (From:, Subject:, Date: at the very top, as git
// am reads them), the message, and the trailer block at its end.
func parseCommitMessage(s string) commitMessage {
	var cm commitMessage
	s = afterScissors(s)
	lines := strings.Split(strings.Trim(s, "\n"), "\n")

	// In-body headers: the first lines, up to a blank line.
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	hdrEnd := i
	var from string
	for hdrEnd < len(lines) {
		key, val, ok := strings.Cut(lines[hdrEnd], ":")
		if !ok {
			break
		}
		switch strings.ToLower(key) {
		case "from":
			from = strings.TrimSpace(val)
		case "subject", "date":
		default:
			ok = false
		}
		if !ok {
			break
		}
		hdrEnd++
	}
	if hdrEnd > i && (hdrEnd == len(lines) || strings.TrimSpace(lines[hdrEnd]) == "") {
		lines = lines[hdrEnd:]
		if from != "" {
			if a, err := netmail.ParseAddress(from); err == nil {
				cm.from = &mail.Address{Name: a.Name, Email: a.Address}
			}
		}
	}

	// Trailer paragraphs at the end: each made only of trailers (and the
	// "[maintainer: note]" lines and continuations found among them).
	end := len(lines)
	for end > 0 && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	cut := end
	for cut > 0 {
		start := cut
		for start > 0 && strings.TrimSpace(lines[start-1]) != "" {
			start--
		}
		trs, ok := trailerBlock(lines[start:cut])
		if !ok {
			break
		}
		cm.trailers = append(trs, cm.trailers...)
		cut = start
		for cut > 0 && strings.TrimSpace(lines[cut-1]) == "" {
			cut--
		}
	}
	cm.text = strings.Trim(strings.Join(lines[:cut], "\n"), "\n")
	if cm.text != "" {
		cm.text += "\n"
	}
	return cm
}

// trailerBlock parses a paragraph as trailers; ok is false when a line is
// neither a trailer, a continuation nor a bracketed note, or when no line
// has a known key or a dashed key.
func trailerBlock(par []string) ([]Trailer, bool) {
	var trs []Trailer
	for _, l := range par {
		if k, v, ok := mail.CommitTrailer.Parse(l); ok {
			trs = append(trs, Trailer{Key: k, Value: v})
			continue
		}
		t := strings.TrimSpace(l)
		switch {
		case len(trs) > 0 && (l[0] == ' ' || l[0] == '\t'):
			trs[len(trs)-1].Value += " " + t
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
		default:
			return nil, false
		}
	}
	return trs, len(trs) > 0
}

// afterScissors returns what follows a "-- >8 --" scissors line (git am
// --scissors), or s unchanged when there is none.
func afterScissors(s string) string {
	for off := 0; off < len(s); {
		end := strings.IndexByte(s[off:], '\n')
		if end < 0 {
			end = len(s) - off
		}
		l := strings.TrimSpace(s[off : off+end])
		if isScissors(l) {
			return s[min(len(s), off+end+1):]
		}
		off += end + 1
	}
	return s
}

// isScissors reports whether l is a scissors line: dashes around ">8" or
// "8<" and little else.
func isScissors(l string) bool {
	if !strings.Contains(l, ">8") && !strings.Contains(l, "8<") {
		return false
	}
	rest := strings.NewReplacer(">8", "", "8<", "", "-", "", " ", "").Replace(l)
	return rest == "" && strings.Count(l, "-") >= 4
}
