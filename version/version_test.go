package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	rev := "581f854abcdef0123456789abcdef0123456789a"
	tests := []struct {
		name     string
		bi       debug.BuildInfo
		short    string
		str      string
		modified bool
	}{
		{"release", debug.BuildInfo{GoVersion: "go1.24.1", Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0", "patchbot v1.2.0 (go1.24.1)", false},
		{"checkout", debug.BuildInfo{GoVersion: "go1.24.1", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-01T17:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"581f854abcde+", "patchbot 581f854abcde+ (2026-12-01T17:00:00Z, go1.24.1)", true},
		{"pseudo-version carrying the revision", debug.BuildInfo{GoVersion: "go1.24.1", Main: debug.Module{Version: "v0.0.0-20261201170000-581f854abcde+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "true"}}},
			"v0.0.0-20261201170000-581f854abcde+dirty", "patchbot v0.0.0-20261201170000-581f854abcde+dirty (go1.24.1)", true},
		{"no version at all", debug.BuildInfo{}, "(devel)", "patchbot (devel)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := FromBuildInfo(&tt.bi)
			if got := in.Short(); got != tt.short {
				t.Errorf("Short() = %q, want %q", got, tt.short)
			}
			if got := in.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if in.Modified != tt.modified {
				t.Errorf("Modified = %v", in.Modified)
			}
		})
	}
}

func TestReadInATest(t *testing.T) {
	in := Read()
	if in.Go == "" || in.Version == "" {
		t.Errorf("Read() = %+v: no toolchain or version", in)
	}
}
