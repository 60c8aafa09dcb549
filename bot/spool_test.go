package bot

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSpoolWriteAndWalk(t *testing.T) {
	day := time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)
	now := day
	s := &Spool{Dir: t.TempDir(), Sync: true, Now: func() time.Time { return now }}
	ctx := context.Background()
	mails := [][]byte{[]byte("Subject: one\r\n\r\nbody\r\n"), []byte("Subject: two\r\n\r\n\x00\xff\r\n"), []byte("")}
	var paths []string
	for _, m := range mails {
		p, err := s.Write(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	again, err := s.Write(ctx, mails[0])
	if err != nil || again != paths[0] {
		t.Errorf("same mail spooled again at %q (%v), want %q", again, err, paths[0])
	}
	now = day.Add(time.Minute) // the next day
	later, err := s.Write(ctx, []byte("Subject: three\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(later) == filepath.Dir(paths[0]) || !strings.HasSuffix(filepath.Dir(later), "2026-11-21") {
		t.Errorf("next day's mail in %s", filepath.Dir(later))
	}

	tests := []struct {
		name  string
		since time.Time
		want  int
	}{
		{"everything", time.Time{}, 4},
		{"from the second day", day.Add(time.Hour), 1},
		{"from a day before", day.Add(-24 * time.Hour), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := s.Walk(ctx, tt.since, func(path string, raw []byte) error {
				n++
				for i, p := range paths {
					if p == path && !bytes.Equal(raw, mails[i]) {
						t.Errorf("%s holds %q, want %q", path, raw, mails[i])
					}
				}
				return nil
			})
			if err != nil || n != tt.want {
				t.Errorf("walked %d mails (%v), want %d", n, err, tt.want)
			}
		})
	}
}

func TestSpoolWalkMissingDirectory(t *testing.T) {
	s := &Spool{Dir: filepath.Join(t.TempDir(), "none")}
	if err := s.Walk(context.Background(), time.Time{}, func(string, []byte) error { return nil }); err != nil {
		t.Errorf("walking a spool never written: %v", err)
	}
}
