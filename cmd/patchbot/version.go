package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/patchbot/patchbot/version"
)

// runVersion prints which build this is: the module version and the
// revision it was built from, as `go version -m` reads them.
func runVersion(_ context.Context, args []string, std stdio) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(std.err)
	asJSON := fs.Bool("json", false, "print the build as JSON: version, revision, time, modified, go")
	fs.Usage = func() {
		fmt.Fprintln(std.err, "usage: patchbot version [--json]   (also: patchbot --version)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	in := version.Read()
	if *asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(in); err != nil {
			fmt.Fprintf(std.err, "patchbot: %v\n", err)
			return exitUsage
		}
		return exitClean
	}
	fmt.Fprintln(std.out, in.String())
	return exitClean
}
