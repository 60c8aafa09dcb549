// Package progress draws a one-line progress bar on a terminal for the
// long parts of a run (reading a big mbox, fetching a mailbox, reviewing
// hundreds of series) and draws nothing when its output is not a terminal,
// so logs and pipes stay clean.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// redrawEvery limits how often the bar is redrawn: a terminal that gets a
// line per mail slows a 30 MB mbox read down more than the reading itself.
const redrawEvery = 100 * time.Millisecond

// barWidth is the number of cells of the bar itself.
const barWidth = 30

// IsTerminal reports whether f is a character device (a terminal). It
// uses only os.File.Stat, so patchbot needs no terminal library.
func IsTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0
}

// Bar is one progress line. The zero value and a nil *Bar are valid and
// draw nothing. A Bar is safe for concurrent use.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int64
	done  int64
	last  time.Time
	drawn bool
	now   func() time.Time
}

// New returns a bar that draws on w when w is a terminal (an *os.File for
// which IsTerminal holds), and a silent bar otherwise. total is the count
// the work ends at; 0 means unknown, and the bar shows a running count.
func New(w io.Writer, label string, total int64) *Bar {
	f, ok := w.(*os.File)
	if !ok || !IsTerminal(f) {
		return &Bar{}
	}
	return &Bar{w: w, label: label, total: total, now: time.Now}
}

// NewForced returns a bar that always draws on w, whatever w is; tests use
// it, and so may callers that know better than the file mode (a pty
// wrapper). Redraws are still throttled.
func NewForced(w io.Writer, label string, total int64) *Bar {
	return &Bar{w: w, label: label, total: total, now: time.Now}
}

// SetTotal changes the count the work ends at (when it becomes known).
func (b *Bar) SetTotal(total int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.total = total
	b.mu.Unlock()
}

// Add advances the bar by n.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.maybeDraw(false)
}

// Set moves the bar to done.
func (b *Bar) Set(done int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = done
	b.maybeDraw(false)
}

// Track moves the bar to done of total. It has the shape of the progress
// callbacks patchbot's long operations take (func(done, total int)), so a
// bar's Track can be passed to them directly.
func (b *Bar) Track(done, total int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total, b.done = int64(total), int64(done)
	b.maybeDraw(false)
}

// Done erases the bar, leaving the terminal line empty for what follows.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.w == nil || !b.drawn {
		return
	}
	fmt.Fprint(b.w, "\r\x1b[K")
	b.drawn = false
}

// Interrupt runs print (which writes whole lines to the bar's terminal,
// such as a note) with the bar erased first and drawn again after, so
// that a line never lands in the middle of the bar.
func (b *Bar) Interrupt(print func()) {
	if b == nil {
		print()
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.w == nil || !b.drawn {
		print()
		return
	}
	fmt.Fprint(b.w, "\r\x1b[K")
	print()
	b.maybeDraw(true)
}

func (b *Bar) maybeDraw(force bool) {
	if b.w == nil {
		return
	}
	t := b.now()
	if !force && b.drawn && t.Sub(b.last) < redrawEvery && (b.total == 0 || b.done < b.total) {
		return
	}
	b.last = t
	b.drawn = true
	fmt.Fprint(b.w, "\r\x1b[K"+Line(b.label, b.done, b.total))
}

// Line renders the bar's text: "label [#####.....]  45% 450/1000" with a
// known total, "label 450" without one.
func Line(label string, done, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("%s %d", label, done)
	}
	if done > total {
		done = total
	}
	filled := int(done * barWidth / total)
	pct := done * 100 / total
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d", label,
		strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), pct, done, total)
}
