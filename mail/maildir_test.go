package mail

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadMaildir(t *testing.T) {
	// A scratch maildir with only cur/, an unreadable entry (a dangling
	// symlink) and a subdirectory that must be ignored.
	scratch := t.TempDir()
	if err := os.MkdirAll(filepath.Join(scratch, "cur", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "cur", "2.host"), []byte("Message-ID: <2@x>\n\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(scratch, "gone"), filepath.Join(scratch, "cur", "1.host")); err != nil {
		t.Fatal(err)
	}

	fx := filepath.Join(fixtureDir, "maildir")
	tests := []struct {
		name        string
		dir         string
		wantSources []string
		wantErrs    []string
	}{
		{
			name:        "fixture: new/ and cur/ merged by name, tmp/ and hidden files skipped",
			dir:         fx,
			wantSources: []string{filepath.Join(fx, "new", "1679300001.M1P100.host"), filepath.Join(fx, "cur", "1679300002.M2P100.host")},
		},
		{
			name:        "only cur/: an unreadable entry is reported and the rest is read",
			dir:         scratch,
			wantSources: []string{filepath.Join(scratch, "cur", "2.host")},
			wantErrs:    []string{filepath.Join(scratch, "cur", "1.host") + ": cannot read maildir message: open " + filepath.Join(scratch, "cur", "1.host") + ": no such file or directory"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sources []string
			errs, err := ReadMaildir(context.Background(), tc.dir, func(raw []byte, src string) error {
				if !strings.HasPrefix(string(raw), "From: ") && !strings.HasPrefix(string(raw), "Message-ID: ") {
					t.Errorf("%s: unexpected content %q", src, raw)
				}
				sources = append(sources, src)
				return nil
			})
			if err != nil {
				t.Fatalf("ReadMaildir: %v", err)
			}
			if !reflect.DeepEqual(sources, tc.wantSources) {
				t.Errorf("sources = %q, want %q", sources, tc.wantSources)
			}
			var gotErrs []string
			for _, e := range errs {
				gotErrs = append(gotErrs, e.Error())
			}
			if !reflect.DeepEqual(gotErrs, tc.wantErrs) {
				t.Errorf("errs = %q, want %q", gotErrs, tc.wantErrs)
			}
		})
	}
}

func TestReadMaildirRejectsPlainDirectory(t *testing.T) {
	_, err := ReadMaildir(context.Background(), filepath.Join(fixtureDir, "format-patch"), func([]byte, string) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "neither cur/ nor new/") {
		t.Errorf("err = %v, want a not-a-maildir error", err)
	}
}

func TestReadMaildirStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := ReadMaildir(context.Background(), filepath.Join(fixtureDir, "maildir"), func([]byte, string) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err = %v after %d calls, want the callback's error after 1", err, n)
	}
}
