// Package demo holds the example series `patchbot demo` seeds its
// in-process mailbox with, and the miniature kernel tree it reviews them
// against. They were written for patchbot with git (see README.md); no
// list mail is copied here.
package demo

import "embed"

// Files holds series/<n>-<name>/*.patch (git format-patch output, one
// directory per series, in the order the demo delivers them) and tree/.
//
//go:embed series tree README.md
var Files embed.FS
