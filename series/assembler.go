package series

import (
	"runtime"
	"sync"

	"github.com/patchbot/patchbot/mail"
)

// AssembleOptions configure an Assembler.
type AssembleOptions struct {
	// Spill, when set, takes the bodies of patch mails out of memory as
	// they are added (see Spill): the series must then be loaded for
	// their diffs (Series.Load), mails that are no patch keep no Body,
	// no mail keeps its recipients (Reply-To, To, Cc, List-Id), and of a
	// mail skipped as no patch only its threading, date and source are
	// kept. Nil keeps every mail whole.
	Spill *Spill
}

// Assembler groups mails into series as they are read: Add classifies
// each mail on its own (subject, diff) on every CPU while the reader goes
// on, and Result assembles what was added, as Assemble does. With a
// Spill, what it holds per mail is its headers and classification, not
// its body. Add is called from one goroutine, Result once, after the
// last Add.
type Assembler struct {
	opt  AssembleOptions
	in   chan added
	wg   sync.WaitGroup
	seq  int
	once sync.Once

	mu    sync.Mutex
	nodes []*node
}

// added is one mail handed to the classifying workers.
type added struct {
	msg *mail.Message
	seq int
}

// NewAssembler returns an Assembler.
func NewAssembler(opt AssembleOptions) *Assembler {
	return &Assembler{opt: opt}
}

// Add classifies m (nil is ignored).
func (a *Assembler) Add(m *mail.Message) {
	if m == nil {
		return
	}
	a.once.Do(a.start)
	a.in <- added{msg: m, seq: a.seq}
	a.seq++
}

// start starts the classifying workers: parsing diffs is most of the
// assembly time on a list archive.
func (a *Assembler) start() {
	a.in = make(chan added, 64)
	for range runtime.GOMAXPROCS(0) {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for j := range a.in {
				n := a.classify(j.msg)
				n.seq = j.seq
				a.mu.Lock()
				a.nodes = append(a.nodes, n)
				a.mu.Unlock()
			}
		}()
	}
}

// classify classifies m and, with a Spill, lets go of its body.
func (a *Assembler) classify(m *mail.Message) *node {
	n := classifyOne(m)
	n.hasDiff = diffStart(m.Body) >= 0
	if n.patch == nil {
		n.base = bodyBase(m.Body)
	}
	if a.opt.Spill == nil {
		return n
	}
	switch {
	case n.kind == kindOther:
		// A list archive is mostly replies, each held until assembly for
		// the threads it links: keep that and what Skip names.
		n.msg = &mail.Message{MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
			Date: m.Date, Size: m.Size, Source: m.Source, Batch: m.Batch}
		n.subj = Subject{Version: n.subj.Version}
		return n
	case n.kind == kindPatch && n.diffErr == nil:
		spillPatch(a.opt.Spill, n.patch)
	default:
		m.Body = ""
	}
	// What no series or report needs, the recipients, goes too.
	m.ReplyTo, m.To, m.Cc, m.ListID = nil, nil, nil, ""
	return n
}

// Result waits for the mails added to be classified and assembles them
// (see Assemble).
func (a *Assembler) Result() *Result {
	if a.in != nil {
		close(a.in)
		a.wg.Wait()
	}
	return assemble(a.nodes)
}
