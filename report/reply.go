package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// ReplyWidth is the column prose in a reply body is wrapped at, as kernel
// mail etiquette (Documentation/process/email-clients.rst) expects.
const ReplyWidth = 72

// ReplyInput is everything a review reply says: the series, the findings
// of this review and, for a new version of a series the bot reviewed
// before, what changed since.
type ReplyInput struct {
	Series *series.Series
	// Findings are the findings of this review, in the checks' order
	// (file, line, check).
	Findings []checks.Finding
	// Previous is the version compared with (0 when this is the first the
	// bot reviewed); Still holds the fingerprints (Fingerprint) of the
	// findings that were already there, Fixed describes the previous
	// findings that are gone (FingerprintLabel of each).
	Previous int
	Still    map[string]bool
	Fixed    []string
	// Grace is how long the bot waited for the missing patches of an
	// incomplete series; it is named in the reply.
	Grace string
	// ReportedBy is the bot's address as it should appear in a
	// Reported-by tag ("patchbot <bot@example.org>"); no tag when empty.
	ReportedBy string
	// Tree says the review used a kernel tree: the reproduction command
	// then carries --tree. TreeHead is the tree's git HEAD revision, ""
	// when it is not a git checkout (or for a review without a tree).
	Tree     bool
	TreeHead string
	// ReportURL is where the reply itself will be archived (lore, when it
	// copies the list): the Closes: tag beside Reported-by points there.
	// Without it the reply asks for Reported-by alone.
	ReportURL string
	// Verdict is the checks policy's reading of the findings (pass, warn,
	// fail), carried in the reply's X-Patchbot-Verdict header.
	Verdict string
	// Checks are the IDs of the checks that ran, when [checks] enable
	// left some out (nil: all of them).
	Checks []string
	// Late, when set, makes the reply a follow-up: it names the patches
	// ("2/3") that arrived after the series was reviewed. Findings are
	// then only those the late patches brought, and Fixed those of the
	// first review that no longer hold with them.
	Late []string
}

// ReplyBody renders the body of a review reply: a greeting, what was
// reviewed (and what is missing), each finding bottom-posted under the
// lines it is about with their file:line, the findings fixed since the
// previous version, and a Reported-by tag quoted with "| " so that b4
// and patchwork do not collect it. Prose is wrapped at ReplyWidth; quotes
// and locations are never broken.
func ReplyBody(in ReplyInput) string {
	if len(in.Late) > 0 {
		return followUpBody(in)
	}
	s := in.Series
	var b strings.Builder
	writeGreeting(&b, s)
	fmt.Fprintf(&b, "patchbot reviewed %s, %s.\n", seriesLabel(s), strings.TrimPrefix(Completeness(s), "complete, "))
	if !s.Complete && len(s.Missing) > 0 {
		wait := ""
		if in.Grace != "" {
			wait = " within " + in.Grace
		}
		fmt.Fprintf(&b, "Patch%s did not arrive%s, so this review covers only the patches that did; findings that depend on the missing patches may be absent or wrong.\n",
			missingList(s), wait)
	}
	b.WriteByte('\n')
	writeContext(&b, in)

	if in.Previous > 0 {
		newN := 0
		for _, f := range in.Findings {
			if !in.Still[Fingerprint(f)] {
				newN++
			}
		}
		fmt.Fprintf(&b, "Compared with v%d: %s, %s, %s.\n\n", in.Previous,
			Plural(newN, "new finding", "new findings"),
			Plural(len(in.Findings)-newN, "still present", "still present"),
			Plural(len(in.Fixed), "fixed", "fixed"))
	}
	switch len(in.Findings) {
	case 0:
		if in.Checks == nil {
			b.WriteString("No problems found by the checks patchbot runs (dropped __user, callback signatures, unconverted callback implementers, ioctl buffer types behind void *).\n\n")
		} else {
			fmt.Fprintf(&b, "No problems found by the checks enabled here (%s).\n\n", strings.Join(in.Checks, ", "))
		}
	case 1:
		b.WriteString("It found the following problem:\n\n")
	default:
		fmt.Fprintf(&b, "It found the following %d problems:\n\n", len(in.Findings))
	}
	writeReplyFindings(&b, s, in.Findings, func(f checks.Finding) bool { return in.Previous > 0 && in.Still[Fingerprint(f)] }, in.Previous)
	if len(in.Fixed) > 0 {
		if len(in.Findings) > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "Fixed since v%d:\n", in.Previous)
		for _, l := range in.Fixed {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	writeReportedBy(&b, in)
	return wrapReply(b.String())
}

// followUpBody renders a follow-up: what patches that arrived after the
// review change in it.
func followUpBody(in ReplyInput) string {
	s := in.Series
	var b strings.Builder
	writeGreeting(&b, s)
	late := "Patch " + strings.Join(in.Late, ", ")
	if len(in.Late) > 1 {
		late = "Patches " + strings.Join(in.Late[:len(in.Late)-1], ", ") + " and " + in.Late[len(in.Late)-1]
	}
	var change []string
	if len(in.Findings) > 0 {
		change = append(change, Plural(len(in.Findings), "finding is new", "findings are new"))
	}
	if len(in.Fixed) > 0 {
		change = append(change, Plural(len(in.Fixed), "finding of the first review no longer holds", "findings of the first review no longer hold"))
	}
	fmt.Fprintf(&b, "%s of %s arrived after patchbot had reviewed the series; with %s, %s.\n\n",
		late, seriesLabel(s), pronoun(len(in.Late)), strings.Join(change, ", and "))
	writeReplyFindings(&b, s, in.Findings, func(checks.Finding) bool { return false }, 0)
	if len(in.Fixed) > 0 {
		if len(in.Findings) > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("No longer found:\n")
		for _, l := range in.Fixed {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	writeReportedBy(&b, in)
	return wrapReply(b.String())
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// writeGreeting greets the author of s.
func writeGreeting(b *strings.Builder, s *series.Series) {
	if name := firstName(s.Author.Name); name == "" {
		b.WriteString("Hello,\n\n")
	} else {
		fmt.Fprintf(b, "Hi %s,\n\n", name)
	}
}

// writeReportedBy asks for the Reported-by tag when there are findings.
func writeReportedBy(b *strings.Builder, in ReplyInput) {
	if len(in.Findings) == 0 || in.ReportedBy == "" {
		return
	}
	what := "this"
	if len(in.Findings) > 1 {
		what = "these"
	}
	tags := []string{"Reported-by: " + in.ReportedBy}
	if in.ReportURL != "" {
		tags = append(tags, "Closes: "+in.ReportURL)
	}
	fmt.Fprintf(b, "\nIf you fix %s in a separate patch rather than in a new version of this series, kindly add the following %s:\n",
		what, map[bool]string{false: "tag", true: "tags"}[len(tags) > 1])
	b.WriteString(strings.TrimRight(mail.QuoteLines(tags, "| "), "\n") + "\n")
}

// DocsURL is where patchbot's documentation is, for replies to point at.
const DocsURL = "https://github.com/patchbot/patchbot#readme"

// ReplySignature is the text after the "-- " line of a reply: which
// patchbot build reviewed (build names it, version.Info.Short), where its
// documentation is, and how to reproduce the review locally with the
// exact patchbot command.
func ReplySignature(msgid string, tree bool, build string) string {
	cmd := "patchbot check -"
	if tree {
		cmd = "patchbot check --tree /path/to/linux -"
	}
	name := "patchbot"
	if build != "" {
		name += " " + build
	}
	return name + ", kernel patch review bot\n" +
		"Documentation: " + DocsURL + "\n" +
		"To reproduce locally:\n" +
		"    b4 am -o - '" + strings.ReplaceAll(msgid, "'", "") + "' | " + cmd
}

// Fingerprint identifies a finding across versions of a series: check,
// file, symbol and message, with line numbers taken out, since a new
// version that moves code around has not fixed anything.
func Fingerprint(f checks.Finding) string {
	return f.Check + "\x1f" + f.File + "\x1f" + f.Symbol + "\x1f" + lineNumbers.ReplaceAllString(f.Message, "$1")
}

// FingerprintLabel renders a fingerprint for people: "[check] file:
// symbol: message".
func FingerprintLabel(fp string) string {
	parts := strings.SplitN(fp, "\x1f", 4)
	if len(parts) != 4 {
		return fp
	}
	label := "[" + parts[0] + "] " + parts[1]
	if parts[2] != "" {
		label += ": " + parts[2]
	}
	return label
}

// lineNumbers matches what makes a message mention a line: "line 12",
// ":34". The capture keeps the text before the number.
var lineNumbers = regexp.MustCompile(`(\bline |:)\d+`)

// writeReplyFindings writes the findings in order, one "In patch k/N"
// heading for each run of findings in one mail.
func writeReplyFindings(b *strings.Builder, s *series.Series, fs []checks.Finding, still func(checks.Finding) bool, prev int) {
	last := ""
	for i, f := range fs {
		if i > 0 {
			b.WriteByte('\n')
		}
		if where := patchLabel(s, f.MessageID); where != "" && where != last {
			fmt.Fprintf(b, "In %s:\n\n", where)
			last = where
		}
		writeReplyFinding(b, f, still(f), prev)
	}
}

// writeContext says what the review was made against, as the kernel test
// robot does: the tree (and its revision) or none, the base the series
// names, and the series on lore.
func writeContext(b *strings.Builder, in ReplyInput) {
	switch {
	case in.Tree && in.TreeHead != "":
		fmt.Fprintf(b, "tree:       %s (the kernel tree's git HEAD)\n", shortRev(in.TreeHead))
	case in.Tree:
		b.WriteString("tree:       a kernel tree that is not a git checkout\n")
	default:
		b.WriteString("tree:       none (checked without a tree: the diffs alone)\n")
	}
	if base := seriesBase(in.Series); base != "" {
		fmt.Fprintf(b, "base:       %s (the series' base-commit)\n", shortRev(base))
	}
	if u := LoreURL(in.Series.ID); u != "" {
		fmt.Fprintf(b, "patch link: %s\n", u)
	}
	b.WriteByte('\n')
}

// shortRev is a git revision's first 12 digits.
func shortRev(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// seriesBase is the base-commit the series names, "" when none.
func seriesBase(s *series.Series) string {
	for _, p := range s.Patches {
		if p.BaseCommit != "" {
			return p.BaseCommit
		}
	}
	if s.Cover != nil {
		if i := strings.LastIndex(s.Cover.Body, "\nbase-commit: "); i >= 0 {
			if f := strings.Fields(s.Cover.Body[i+len("\nbase-commit: "):]); len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}

// writeReplyFinding writes one finding, bottom-posted: the quoted lines,
// then the diagnosis and why.
func writeReplyFinding(b *strings.Builder, f checks.Finding, still bool, prev int) {
	if q := quoteFinding(f); q != "" {
		b.WriteString(q)
		b.WriteByte('\n')
	}
	b.WriteString(GCCLine(f) + "\n")
	if still {
		fmt.Fprintf(b, "(already reported on v%d)\n", prev)
	}
	if f.Explanation != "" {
		b.WriteString("\n" + f.Explanation + "\n")
	}
	if f.Suggestion != "" {
		b.WriteString("\nSuggested fix: " + f.Suggestion + "\n")
	}
}

// quoteLine is "[+- ]file:line: text", the form checks give Quote lines.
var quoteLine = regexp.MustCompile(`^([+ -]?)([^\s:]+):(\d+): ?(.*)$`)

// quoteFinding renders the quoted lines of f as "> " lines under a
// "file:line:" heading each time the location jumps, the way a reviewer
// quotes the hunk they answer.
func quoteFinding(f checks.Finding) string {
	var b strings.Builder
	lastFile, lastLine := "", 0
	for _, q := range f.Quote {
		q = sanitizeQuote(q)
		m := quoteLine.FindStringSubmatch(q)
		if m == nil {
			b.WriteString(strings.TrimRight("> "+q, " \t") + "\n")
			continue
		}
		op, file, text := m[1], m[2], m[4]
		line, _ := strconv.Atoi(m[3])
		if file != lastFile || (line != lastLine && line != lastLine+1) {
			fmt.Fprintf(&b, "%s:%d:\n", file, line)
		}
		lastFile, lastLine = file, line
		b.WriteString(strings.TrimRight("> "+op+text, " \t") + "\n")
	}
	return b.String()
}

// sanitizeQuote keeps a quoted line on one line and free of control
// characters other than tabs (it comes from a stranger's mail).
func sanitizeQuote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return r
		}
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// wrapReply wraps the prose of a body and quotes any line that would
// otherwise read as a trailer, so that a finding message or an
// explanation can never smuggle a tag in.
func wrapReply(body string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if trailerLike.MatchString(l) {
			lines[i] = "| " + l
		}
	}
	return mail.WrapFunc(strings.Join(lines, "\n"), ReplyWidth, keepWhole)
}

// trailerLike matches a line b4 or patchwork would take for a trailer;
// such a line is quoted with "| " (as the Reported-by tag is) so that
// they do not apply it to the patch.
const trailerLike = mail.CollectedTrailer

// keepWhole reports the lines of a reply body that are never wrapped:
// quotes, tags and gcc-style diagnostics, which people grep and paste
// and editors jump to the file:line of.
func keepWhole(l string) bool {
	return strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "| ") || strings.HasPrefix(l, "patch link: ") || gccLocation.MatchString(l)
}

var gccLocation = regexp.MustCompile(`^[\w./+-]+:\d+:`)

// seriesLabel names a series the way maintainers refer to one:
// "[PATCH net-next v2 0/3] title".
func seriesLabel(s *series.Series) string {
	subj := ""
	switch {
	case s.Cover != nil:
		subj = s.Cover.Subject
	case len(s.Patches) > 0 && s.Patches[0].Msg != nil:
		subj = s.Patches[0].Msg.Subject
	}
	if subj == "" {
		subj = s.Title
	}
	return "\"" + sanitizeQuote(subj) + "\""
}

// patchLabel says which mail of s holds msgid: "patch 2/3 (\"title\")",
// "the cover letter", or "" when it is not in s.
func patchLabel(s *series.Series, msgid string) string {
	if msgid == "" {
		return ""
	}
	if s.Cover != nil && s.Cover.MessageID == msgid {
		return "the series as a whole"
	}
	for _, p := range s.Patches {
		if p.Msg != nil && p.Msg.MessageID == msgid {
			return fmt.Sprintf("patch %d/%d (%q)", p.Index, max(p.Total, 1), sanitizeQuote(p.Subject.Title))
		}
	}
	return ""
}

func missingList(s *series.Series) string {
	parts := make([]string, len(s.Missing))
	for i, m := range s.Missing {
		parts[i] = fmt.Sprintf("%d/%d", m, s.Total)
	}
	if len(parts) > 1 {
		return "es " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return " " + parts[0]
}

// Plural is n with the singular or the plural of a noun: "1 patch",
// "3 patches", "0 patches".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// firstName is the first word of a display name, for the greeting; ""
// when the name is empty or looks like an address.
func firstName(name string) string {
	name = sanitizeQuote(strings.TrimSpace(name))
	if name == "" || strings.ContainsAny(name, "@<>") {
		return ""
	}
	if i := strings.IndexByte(name, ','); i > 0 {
		// "Last, First"
		if rest := strings.Fields(name[i+1:]); len(rest) > 0 {
			return rest[0]
		}
	}
	return strings.Fields(name)[0]
}
