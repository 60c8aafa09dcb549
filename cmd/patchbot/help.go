package main

import (
	"fmt"
	"io"
)

// doorsHelp is the part of `patchbot help` that teaches the three ways in:
// one example set per kind of user.
const doorsHelp = `For the patch author, before sending:
  patchbot check --git origin/master..               # review your branch
  cp contrib/sendemail-validate .git/hooks/          # git send-email refuses errors
  git config patchbot.failOn warning                 #   ... and warnings too
  git config b4.prep-perpatch-check-cmd "patchbot check --format checkpatch --tree auto -"
                                                     # b4 prep --check (b4 >= 0.14)

For the maintainer, reading the list:
  patchbot triage ~/Mail/netdev.mbox                 # what needs attention first
  patchbot triage -config patchbot.toml --mark       # label IMAP mail with keywords
  patchbot triage --html triage.html lists.mbox      # one page, lore links
  git config b4.review-perpatch-check-cmd "patchbot check --format b4 --tree auto"
                                                     # b4 review's check column

For the bot operator:
  patchbot watch -config patchbot.toml               # the list bot (see README)
`

// writeDoorsHelp writes doorsHelp after the command list of `patchbot
// help`.
func writeDoorsHelp(w io.Writer) {
	fmt.Fprintf(w, "\n%s", doorsHelp)
}
