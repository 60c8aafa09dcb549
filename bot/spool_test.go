package bot

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/mail"
)

// spoolMails are mails whose bytes a spool must give back exactly: CRLF,
// bytes that are no UTF-8, nothing at all, no last newline, and lines an
// mbox would take for separators, escaped or not.
var spoolMails = [][]byte{
	[]byte("Subject: one\r\n\r\nbody\r\n"),
	[]byte("Subject: two\r\n\r\n\x00\xff\r\n"),
	[]byte(""),
	[]byte("Subject: no last newline\n\nbody"),
	[]byte("From 1234abcd Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\nFrom now on\n>From the list\n>>From here\n\nFrom a Mon Sep 17 00:00:00 2001\n"),
	[]byte("Subject: blank lines at the end\n\nbody\n\n\n"),
}

func TestSpoolWriteReadWalk(t *testing.T) {
	day := time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)
	now := day
	s := &Spool{Dir: t.TempDir(), Sync: true, Now: func() time.Time { return now }}
	defer s.Close()
	ctx := context.Background()
	var refs []string
	for _, m := range spoolMails {
		ref, err := s.Write(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	now = day.Add(time.Minute) // the next day
	later, err := s.Write(ctx, []byte("Subject: three\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(later, string(filepath.Separator)+"2026-11-21"+string(filepath.Separator)) {
		t.Errorf("next day's mail at %s", later)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for i, ref := range refs {
		if raw, err := s.Read(ref); err != nil || !bytes.Equal(raw, spoolMails[i]) {
			t.Errorf("Read(%s) = %q, %v; want %q", ref, raw, err, spoolMails[i])
		}
	}

	tests := []struct {
		name  string
		since time.Time
		want  int
	}{
		{"everything", time.Time{}, len(spoolMails) + 1},
		{"from the second day", day.Add(time.Hour), 1},
		{"from a day before", day.Add(-24 * time.Hour), len(spoolMails) + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := s.Walk(ctx, tt.since, func(ref string, raw []byte) error {
				n++
				for i, r := range refs {
					if r == ref && !bytes.Equal(raw, spoolMails[i]) {
						t.Errorf("%s holds %q, want %q", ref, raw, spoolMails[i])
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

// A segment is an mboxrd mailbox: what reads list archives reads it, and
// gets every mail back (with a newline where one was missing).
func TestSpoolSegmentIsAnMbox(t *testing.T) {
	s := &Spool{Dir: t.TempDir()}
	ctx := context.Background()
	var seg string
	for _, m := range spoolMails {
		ref, err := s.Write(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		seg, _, _ = splitRef(ref)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(seg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got [][]byte
	err = mail.ReadMbox(ctx, f, seg, func(raw []byte, _ string) error {
		got = append(got, raw)
		return nil
	})
	if err != nil || len(got) != len(spoolMails) {
		t.Fatalf("ReadMbox: %d mails (%v), want %d", len(got), err, len(spoolMails))
	}
	for i, raw := range got {
		want := spoolMails[i]
		if len(want) > 0 && want[len(want)-1] != '\n' {
			want = append(bytes.Clone(want), '\n')
		}
		if !bytes.Equal(raw, want) {
			t.Errorf("mail %d read as %q, want %q", i, raw, want)
		}
	}
}

// A mail cut short by a crash ends its segment: the mails before it are
// walked, it is reported, and the next process writes a new segment.
func TestSpoolTornTail(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := &Spool{Dir: dir}
	var refs []string
	for _, m := range spoolMails[:2] {
		ref, err := s.Write(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	seg, off, _ := splitRef(refs[1])
	for _, cut := range []int64{off + 3, off + 60, off + int64(len(spoolRecord(spoolMails[1], time.Now()))) - 1} {
		if err := os.Truncate(seg, cut); err != nil {
			t.Fatal(err)
		}
		var walked []string
		err := s.Walk(ctx, time.Time{}, func(ref string, _ []byte) error {
			walked = append(walked, ref)
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "cut short") || len(walked) != 1 || walked[0] != refs[0] {
			t.Errorf("cut at %d: walked %q, err %v; want %s and the torn mail reported", cut, walked, err, refs[0])
		}
		if _, err := s.Read(refs[1]); err == nil {
			t.Errorf("cut at %d: the torn mail was read", cut)
		}
	}
	next := &Spool{Dir: dir}
	ref, err := next.Write(ctx, spoolMails[0])
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := splitRef(ref); p == seg {
		t.Errorf("a new spool appended to the torn segment %s", seg)
	}
	next.Close()
}

// The spool of an earlier patchbot, one .eml file per mail, is walked and
// read as well.
func TestSpoolReadsEmlFiles(t *testing.T) {
	dir := t.TempDir()
	day := filepath.Join(dir, "2026-11-20")
	if err := os.MkdirAll(day, 0o750); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(day, "0123456789abcdef01234567.eml")
	if err := os.WriteFile(path, spoolMails[0], 0o640); err != nil {
		t.Fatal(err)
	}
	s := &Spool{Dir: dir}
	n := 0
	err := s.Walk(context.Background(), time.Time{}, func(ref string, raw []byte) error {
		n++
		if ref != path || !bytes.Equal(raw, spoolMails[0]) {
			t.Errorf("walked %s: %q", ref, raw)
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Errorf("walked %d (%v), want 1", n, err)
	}
	if raw, err := s.Read(path); err != nil || !bytes.Equal(raw, spoolMails[0]) {
		t.Errorf("Read(%s) = %q, %v", path, raw, err)
	}
}

func TestSpoolWalkMissingDirectory(t *testing.T) {
	s := &Spool{Dir: filepath.Join(t.TempDir(), "none")}
	if err := s.Walk(context.Background(), time.Time{}, func(string, []byte) error { return nil }); err != nil {
		t.Errorf("walking a spool never written: %v", err)
	}
}

// The half-written files an earlier patchbot left after a crash are
// removed; the mails beside them stay.
func TestSpoolRemoveLeftovers(t *testing.T) {
	dir := t.TempDir()
	day := filepath.Join(dir, "2026-11-20")
	if err := os.MkdirAll(day, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".tmp-123", ".tmp-456", "0123456789abcdef01234567.eml"} {
		if err := os.WriteFile(filepath.Join(day, name), spoolMails[0], 0o640); err != nil {
			t.Fatal(err)
		}
	}
	s := &Spool{Dir: dir}
	if n, err := s.RemoveLeftovers(); err != nil || n != 2 {
		t.Errorf("RemoveLeftovers = %d, %v; want 2", n, err)
	}
	left, _ := os.ReadDir(day)
	if len(left) != 1 || left[0].Name() != "0123456789abcdef01234567.eml" {
		t.Errorf("left %v, want the mail only", left)
	}
}

// A separator damaged to promise more than the segment holds (a huge
// size) is a torn mail, read without allocating what it promises.
func TestSpoolDamagedSeparator(t *testing.T) {
	dir := t.TempDir()
	s := &Spool{Dir: dir}
	ref, err := s.Write(context.Background(), spoolMails[0])
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	seg, _, _ := splitRef(ref)
	data, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.IndexByte(data, '.')
	damaged := append([]byte("From 999999999999999"), data[i:]...)
	if err := os.WriteFile(seg, damaged, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(ref); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("Read of a damaged separator: %v, want a torn mail", err)
	}
}
