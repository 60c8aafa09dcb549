// Package version says which build of patchbot is running, from the build
// information the Go toolchain stamps into every binary (what `go version
// -m` prints): the module version and, for a build from a git checkout,
// the revision it was built from.
package version

import (
	"runtime/debug"
	"strings"
)

// Info is one build of patchbot. Its JSON form is part of the `check
// --format json` and `triage --json` outputs.
type Info struct {
	// Version is the module version: a release tag, a pseudo-version
	// (`go install ...@latest`), or "(devel)" for a build in a checkout.
	Version string `json:"version"`
	// Revision, Time and Modified are the VCS revision the binary was
	// built from, its commit time, and whether the checkout had changes
	// not committed (empty when the build had no VCS information).
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Go is the toolchain that built it.
	Go string `json:"go"`
}

// Read returns the running build's Info.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: "(unknown)"}
	}
	return FromBuildInfo(bi)
}

// FromBuildInfo reads an Info out of build information.
func FromBuildInfo(bi *debug.BuildInfo) Info {
	in := Info{Version: bi.Main.Version, Go: bi.GoVersion}
	if in.Version == "" {
		in.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// Short names the build in a line of text: the module version, with the
// revision's first 12 digits when the version does not already carry
// them ("581f854abcde" for a build in a checkout, "+" when it had
// changes not committed).
func (in Info) Short() string {
	if in.Revision == "" {
		return in.Version
	}
	rev := in.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	switch {
	case strings.Contains(in.Version, rev):
		return in.Version
	case in.Modified:
		rev += "+"
	}
	if in.Version == "(devel)" {
		return rev
	}
	return in.Version + " " + rev
}

// String is the line `patchbot --version` prints: "patchbot 581f854abcde
// (2026-12-01T17:00:00Z, go1.24.1)".
func (in Info) String() string {
	s := "patchbot " + in.Short()
	var extra []string
	if in.Time != "" {
		extra = append(extra, in.Time)
	}
	if in.Go != "" {
		extra = append(extra, in.Go)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}
