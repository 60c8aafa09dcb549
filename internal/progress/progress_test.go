package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name        string
		done, total int64
		want        string
	}{
		{"unknown total shows a count", 42, 0, "reading 42"},
		{"start", 0, 10, "reading [..............................]   0% 0/10"},
		{"half", 5, 10, "reading [###############...............]  50% 5/10"},
		{"overshoot is clamped", 12, 10, "reading [##############################] 100% 10/10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line("reading", tt.done, tt.total); got != tt.want {
				t.Errorf("Line = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSilentWhenNotATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Fatal("a regular file is not a terminal")
	}
	b := New(f, "reading", 10)
	b.Add(5)
	b.Set(10)
	b.Done()
	st, _ := f.Stat()
	if st.Size() != 0 {
		t.Errorf("bar wrote %d bytes to a regular file", st.Size())
	}
	var buf bytes.Buffer
	New(&buf, "reading", 3).Add(1)
	if buf.Len() != 0 {
		t.Errorf("bar wrote to a non-file writer: %q", buf.String())
	}
	var nilBar *Bar
	nilBar.Add(1)
	nilBar.Done()
}

func TestForcedBarThrottlesAndErases(t *testing.T) {
	var buf bytes.Buffer
	b := NewForced(&buf, "review", 100)
	clock := time.Unix(0, 0)
	b.now = func() time.Time { return clock }
	for i := 0; i < 50; i++ {
		b.Add(1)
	}
	if n := strings.Count(buf.String(), "\r"); n != 1 {
		t.Errorf("50 updates within the redraw interval drew %d times, want 1", n)
	}
	clock = clock.Add(time.Second)
	b.Add(1)
	if !strings.HasSuffix(buf.String(), "51/100") {
		t.Errorf("after the interval the bar shows %q", buf.String())
	}
	b.Set(100)
	if !strings.HasSuffix(buf.String(), "100/100") {
		t.Errorf("the final count is always drawn: %q", buf.String())
	}
	b.Done()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("Done does not erase the line: %q", buf.String())
	}
}

func TestTrackSetsTotalAndDone(t *testing.T) {
	var buf bytes.Buffer
	b := NewForced(&buf, "indexing tree", 0)
	b.Track(3, 12)
	if got, want := buf.String(), "\r\x1b[K"+Line("indexing tree", 3, 12); got != want {
		t.Errorf("Track drew %q, want %q", got, want)
	}
	var nilBar *Bar
	nilBar.Track(1, 2) // a nil bar (no progress wanted) draws nothing and does not panic
}

// A note printed through Interrupt lands on a line of its own: the bar is
// erased before it and drawn again after.
func TestInterrupt(t *testing.T) {
	var b strings.Builder
	bar := NewForced(&b, "reviewing series", 10)
	bar.Track(3, 10)
	bar.Interrupt(func() { b.WriteString("patchbot: note: something\n") })
	bar.Done()
	got := b.String()
	if !strings.Contains(got, "\r\x1b[Kpatchbot: note: something\n\r\x1b[Kreviewing series [") {
		t.Errorf("the note shares the bar's line: %q", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("the bar is not erased at the end: %q", got)
	}
	var nothing strings.Builder
	(&Bar{}).Interrupt(func() { nothing.WriteString("x") })
	(*Bar)(nil).Interrupt(func() { nothing.WriteString("y") })
	if nothing.String() != "xy" {
		t.Errorf("a silent bar did not print: %q", nothing.String())
	}
}
