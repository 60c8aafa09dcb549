package series

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/mail"
)

// copies returns a copy of every message, for a second assembly that may
// let go of their bodies.
func copies(msgs []*mail.Message) []*mail.Message {
	out := make([]*mail.Message, len(msgs))
	for i, m := range msgs {
		c := *m
		out[i] = &c
	}
	return out
}

// assembleSpilled assembles msgs through an Assembler with sp.
func assembleSpilled(msgs []*mail.Message, sp *Spill) *Result {
	a := NewAssembler(AssembleOptions{Spill: sp})
	for _, m := range msgs {
		a.Add(m)
	}
	return a.Result()
}

// sameAssembly fails t unless got (assembled with a spill) is want: the
// same series, each patch the same once loaded, the same skipped mails.
func sameAssembly(t *testing.T, want, got *Result) {
	t.Helper()
	if !reflect.DeepEqual(want.Skipped, got.Skipped) {
		t.Errorf("skipped differ: %d vs %d", len(want.Skipped), len(got.Skipped))
	}
	if len(want.Series) != len(got.Series) {
		t.Fatalf("%d series, want %d", len(got.Series), len(want.Series))
	}
	for i, w := range want.Series {
		g := got.Series[i]
		if err := g.Load(); err != nil {
			t.Fatalf("load %s: %v", g.ID, err)
		}
		if a, b := seriesHead(w), seriesHead(g); !reflect.DeepEqual(a, b) {
			t.Errorf("series %d:\n got %+v\nwant %+v", i, b, a)
		}
		if len(w.Patches) != len(g.Patches) {
			t.Fatalf("series %s: %d patches, want %d", w.ID, len(g.Patches), len(w.Patches))
		}
		for k, wp := range w.Patches {
			gp := g.Patches[k]
			if !reflect.DeepEqual(patchContent(wp), patchContent(gp)) {
				t.Errorf("series %s patch %d <%s> differs once loaded", w.ID, k+1, wp.Msg.MessageID)
			}
			if wp.Msg.MessageID != gp.Msg.MessageID || wp.Msg.Body != gp.Msg.Body {
				t.Errorf("series %s patch %d: mail <%s> (body %d bytes), want <%s> (%d)", w.ID, k+1,
					gp.Msg.MessageID, len(gp.Msg.Body), wp.Msg.MessageID, len(wp.Msg.Body))
			}
		}
		g.Release()
	}
}

// seriesHead is what a Series says besides its patches, with the linked
// versions and the cover by Message-ID.
func seriesHead(s *Series) any {
	type head struct {
		ID, Title, Tree, Cover string
		Version, Total         int
		RFC, Resend, Complete  bool
		Author                 mail.Address
		Date                   string
		Missing                []int
		Versions               []string
		Problems               []string
	}
	h := head{ID: s.ID, Title: s.Title, Tree: s.Tree, Version: s.Version, Total: s.Total,
		RFC: s.RFC, Resend: s.Resend, Complete: s.Complete, Author: s.Author,
		Date: s.Date.String(), Missing: s.Missing, Problems: s.Problems}
	if s.Cover != nil {
		h.Cover = s.Cover.MessageID + " " + s.Cover.Subject
	}
	for _, v := range s.Versions {
		h.Versions = append(h.Versions, v.ID)
	}
	return h
}

// patchContent is a patch without its mail and spill.
func patchContent(p *Patch) Patch {
	c := *p
	c.Msg, c.spilled = nil, nil
	return c
}

// TestSpilledAssemblyIsAssembly: with every body written out (keep 0) or
// some kept (keep 64 KiB), the series, once loaded, are those of Assemble
// of the same mails.
func TestSpilledAssemblyIsAssembly(t *testing.T) {
	const diff = "Fix.\n\nSigned-off-by: Ada Lovecode <ada@example.org>\n---\n x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n-- \n2.39.2\n"
	const cover = "Hi,\n\nthis series...\n\nbase-commit: 0123456789abcdef\n"
	synthetic := []*mail.Message{
		msg("c", "[PATCH 0/3] x", "", 0, cover),
		msg("p1", "[PATCH 1/3] x: a", "c", 1, diff),
		msg("p2", "[PATCH 2/3] x: b", "c", 2, diff),
		msg("p3", "[PATCH 3/3] x: c", "c", 3, diff),
		msg("q2", "[PATCH v2 2/3] x: b", "p2", 10, diff),
		msg("q3", "[PATCH v2 3/3] x: c", "p3", 11, diff),
		msg("r", "Re: [PATCH 1/3] x: a", "p1", 12, "> a\nLooks good.\n"),
		msg("p1", "[PATCH 1/3] x: a", "c", 1, "mangled copy, no diff\n"),
	}
	cases := []struct {
		name string
		msgs func(t *testing.T) []*mail.Message
	}{
		{"partial reroll, a reply and a duplicate", func(*testing.T) []*mail.Message { return synthetic }},
		{"io-uring 2023 archive", func(t *testing.T) []*mail.Message { return readMbox(t, corpus.Path(t, iouringMbox)) }},
	}
	for _, tc := range cases {
		for _, keep := range []int64{0, 64 << 10} {
			t.Run(fmt.Sprintf("%s/keep=%d", tc.name, keep), func(t *testing.T) {
				msgs := tc.msgs(t)
				want := Assemble(copies(msgs))
				sp := NewSpill(t.TempDir(), keep)
				defer sp.Close()
				got := assembleSpilled(copies(msgs), sp)
				if keep == 0 && sp.Size() == 0 {
					t.Fatal("nothing was spilled")
				}
				sameAssembly(t, want, got)
			})
		}
	}
}

// TestSpillLetsGoAndReadsBack: a spilled patch holds no diff until Load,
// holds it while any Load of it stands (a partial reroll shares patches
// between versions reviewed at once), and lets go after the last Release.
func TestSpillLetsGoAndReadsBack(t *testing.T) {
	const diff = "Fix.\n---\ndiff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
	dir := t.TempDir()
	sp := NewSpill(dir, 0)
	res := assembleSpilled([]*mail.Message{
		msg("c", "[PATCH 0/2] x", "", 0, "Hi.\n"),
		msg("p1", "[PATCH 1/2] x: a", "c", 1, diff),
		msg("p2", "[PATCH 2/2] x: b", "c", 2, diff),
		msg("q2", "[PATCH v2 2/2] x: b", "p2", 10, diff),
	}, sp)
	if len(res.Series) != 2 {
		t.Fatalf("%d series, want 2", len(res.Series))
	}
	v1, v2 := res.Series[0], res.Series[1]
	shared := v1.Patches[0]
	if v2.Patches[0] != shared {
		t.Fatal("v2 does not take patch 1 from v1")
	}
	if shared.Files != nil || shared.DiffText != "" || shared.Msg.Body != "" {
		t.Fatal("a spilled patch keeps its diff before Load")
	}
	if des, _ := os.ReadDir(dir); len(des) != 0 {
		t.Errorf("the spill file is left in %s: %v", dir, des)
	}
	var wg sync.WaitGroup
	for range 8 {
		for _, s := range []*Series{v1, v2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.Load(); err != nil {
					t.Error(err)
					return
				}
				if len(shared.Files) != 1 {
					t.Errorf("patch 1 not loaded under the Load of v%d", s.Version)
				}
				s.Release()
			}()
		}
	}
	wg.Wait()
	if err := v1.Load(); err != nil {
		t.Fatal(err)
	}
	if err := v2.Load(); err != nil {
		t.Fatal(err)
	}
	v1.Release()
	if len(shared.Files) != 1 {
		t.Error("v1's Release let go of a patch v2 holds")
	}
	v2.Release()
	if shared.Files != nil || shared.Msg.Body != "" {
		t.Error("the last Release kept the diff")
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v1.Load(); !errors.Is(err, errSpillClosed) {
		t.Errorf("Load after Close: %v, want the spill closed", err)
	}
}

// TestSpillKeepsSmallInputInMemory: within keep nothing is written, and a
// series needs no Load.
func TestSpillKeepsSmallInputInMemory(t *testing.T) {
	const diff = "Fix.\n---\ndiff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
	sp := NewSpill(t.TempDir(), DefaultSpillKeep)
	defer sp.Close()
	res := assembleSpilled([]*mail.Message{msg("p", "[PATCH] x: a", "", 1, diff)}, sp)
	if sp.Size() != 0 {
		t.Errorf("%d bytes spilled of one small patch", sp.Size())
	}
	if len(res.Series) != 1 || len(res.Series[0].Patches[0].Files) != 1 {
		t.Fatal("the patch lost its diff")
	}
}

// TestSpillThatCannotWriteKeepsBodies: a spill whose file cannot be made
// (no such directory, a full disk) says why and keeps the bodies in
// memory, so that nothing is lost.
func TestSpillThatCannotWriteKeepsBodies(t *testing.T) {
	const diff = "Fix.\n---\ndiff --git a/x.c b/x.c\nindex 1111111..2222222 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
	sp := NewSpill(filepath.Join(t.TempDir(), "missing"), 0)
	defer sp.Close()
	res := assembleSpilled([]*mail.Message{msg("p", "[PATCH] x: a", "", 1, diff)}, sp)
	if sp.Err() == nil {
		t.Error("no error from a spill that could not write")
	}
	if len(res.Series) != 1 || len(res.Series[0].Patches[0].Files) != 1 {
		t.Fatal("the patch lost its diff")
	}
	if err := res.Series[0].Load(); err != nil {
		t.Fatalf("Load of a patch kept in memory: %v", err)
	}
	res.Series[0].Release()
	if len(res.Series[0].Patches[0].Files) != 1 {
		t.Fatal("Release let go of a patch kept in memory")
	}
}
