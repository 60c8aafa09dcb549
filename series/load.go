package series

import (
	"fmt"
	"sync"
)

// spilled is where a patch's body went when the assembler let go of it,
// and how many reviews hold the patch loaded: a partial reroll shares
// patches between versions, which may be reviewed at the same time.
type spilled struct {
	spill *Spill
	at    int64
	n     int

	mu    sync.Mutex
	users int
}

// spillPatch writes the body of p's mail to sp and drops what Load gives
// back (the diff, the commit message, the body), when sp takes it.
func spillPatch(sp *Spill, p *Patch) {
	at, ok := sp.put(p.Msg.Body)
	if !ok {
		return
	}
	p.spilled = &spilled{spill: sp, at: at, n: len(p.Msg.Body)}
	p.drop()
}

// drop clears what Load restores.
func (p *Patch) drop() {
	p.Msg.Body = ""
	p.CommitMessage, p.Trailers, p.Diffstat = "", nil, ""
	p.DiffText, p.Files = "", nil
}

// Load reads back the patches of s that were spilled (see Spill): their
// mail's body, diff, diffstat, commit message and trailers. Every Load is paired with a Release
// once the series is reviewed. A series assembled without a Spill is
// always loaded, and Load and Release do nothing.
func (s *Series) Load() error {
	for i, p := range s.Patches {
		if err := p.load(); err != nil {
			for _, q := range s.Patches[:i] {
				q.release()
			}
			return fmt.Errorf("series <%s>: %w", s.ID, err)
		}
	}
	return nil
}

// Release lets go of what Load read back, for the patches no other Load
// holds.
func (s *Series) Release() {
	for _, p := range s.Patches {
		p.release()
	}
}

func (p *Patch) load() error {
	sp := p.spilled
	if sp == nil {
		return nil
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.users > 0 {
		sp.users++
		return nil
	}
	body, err := sp.spill.get(sp.at, sp.n)
	if err != nil {
		return fmt.Errorf("patch <%s>: %w", p.Msg.MessageID, err)
	}
	m := *p.Msg
	m.Body = body
	full, err := ParsePatch(&m)
	if err != nil {
		// The body parsed when it was first read.
		return fmt.Errorf("patch <%s> read back: %w", p.Msg.MessageID, err)
	}
	p.CommitMessage, p.Trailers, p.Diffstat = full.CommitMessage, full.Trailers, full.Diffstat
	p.DiffText, p.Files = full.DiffText, full.Files
	p.Msg.Body = body
	sp.users = 1
	return nil
}

func (p *Patch) release() {
	sp := p.spilled
	if sp == nil {
		return
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.users == 0 {
		return
	}
	sp.users--
	if sp.users == 0 {
		p.drop()
	}
}
