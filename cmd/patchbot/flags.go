package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseInterleaved parses flags that may stand before, between or after
// the positional arguments (`patchbot check a.mbox --format json`), the
// way git users type them. A lone "--" ends flag parsing.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag.Parse stops at the first non-flag; "--" is consumed by it,
		// so compare with what we passed to know whether it was there.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlagSet returns a FlagSet that reports errors instead of exiting and
// prints its usage with examples to w.
func newFlagSet(name, synopsis, examples string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "usage: patchbot %s %s\n\noptions:\n", name, synopsis)
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(w, "\nexamples:\n%s\n", strings.TrimRight(examples, "\n"))
		}
	}
	return fs
}
