package series

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/mail"
)

// b4Disagreements are the series where b4 0.12 and Assemble knowingly
// differ, by series ID, with the reason. Every other selected series must
// agree patch for patch.
var b4Disagreements = map[string]string{}

// TestAssembleAgreesWithB4 runs "b4 am" on real series of the io-uring
// archive and checks that Assemble puts the same patches, in the same
// order, into the same version.
func TestAssembleAgreesWithB4(t *testing.T) {
	if testing.Short() {
		t.Skip("runs b4 ~70 times: skipped in -short mode")
	}
	b4, err := exec.LookPath("b4")
	if err != nil {
		t.Skip("b4 not on PATH (Debian package b4): skipping the agreement test")
	}
	msgs := readMbox(t, corpus.Path(t, iouringMbox))
	res := Assemble(msgs)

	var picked []*Series
	seen := make(map[*Series]bool)
	for _, s := range res.Series {
		if s.Complete && len(s.Patches) >= 3 {
			picked = append(picked, s)
			seen[s] = true
		}
	}
	// Plus series with several versions: every one with
	// PATCHBOT_B4_ALL=1, else the first 15 not already picked (b4 takes
	// about 1.5 s a run).
	multi, extra := 0, 0
	all := os.Getenv("PATCHBOT_B4_ALL") != ""
	for _, s := range res.Series {
		if len(s.Versions) == 0 || !s.Complete {
			continue
		}
		if seen[s] {
			multi++
			continue
		}
		if all || extra < 15 {
			picked = append(picked, s)
			seen[s] = true
			multi++
			extra++
		}
	}
	if len(picked) < 50 {
		t.Fatalf("picked only %d series for the b4 comparison, want >= 50", len(picked))
	}

	threads := threadComponents(msgs)
	version, err := exec.Command(b4, "--version").Output()
	if err != nil {
		t.Fatalf("b4 --version: %v", err)
	}
	dir := t.TempDir()
	type outcome struct {
		s   *Series
		ids []string
		err error
	}
	results := make([]outcome, len(picked))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2) // the machine has two cores
	for i, s := range picked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ids, err := runB4(b4, string(version), dir, i, s, threads)
			results[i] = outcome{s: s, ids: ids, err: err}
		}()
	}
	wg.Wait()

	agree := 0
	for _, r := range results {
		if r.err != nil {
			t.Errorf("b4 on v%d %q <%s>: %v", r.s.Version, r.s.Title, r.s.ID, r.err)
			continue
		}
		var ours []string
		for _, p := range r.s.Patches {
			ours = append(ours, p.Msg.MessageID)
		}
		if slices.Equal(ours, r.ids) {
			agree++
			continue
		}
		if why, ok := b4Disagreements[r.s.ID]; ok {
			t.Logf("known disagreement on v%d %q <%s>: %s", r.s.Version, r.s.Title, r.s.ID, why)
			continue
		}
		t.Errorf("v%d %q <%s>:\n  patchbot: %v\n  b4:       %v", r.s.Version, r.s.Title, r.s.ID, ours, r.ids)
	}
	t.Logf("b4 agreement: %d of %d series (%d with several versions)", agree, len(picked), multi)
}

// runB4 writes the thread of s to an mbox and runs "b4 am -o -" on it for
// the version of s, returning the Message-IDs of the patches b4 emits.
func runB4(b4, version, dir string, i int, s *Series, threads map[string][]*mail.Message) ([]string, error) {
	mbox := mboxBytes(threads[s.ID])
	// b4 takes 1-4 s a run; PATCHBOT_B4_CACHE names a directory that keeps
	// its answers between test runs, keyed by input and b4 version.
	cacheDir := os.Getenv("PATCHBOT_B4_CACHE")
	key := fmt.Sprintf("%x", sha256.Sum256(append(mbox, fmt.Sprintf("\x00%s\x00%d\x00%s", s.ID, s.Version, version)...)))
	if cacheDir != "" {
		if out, err := os.ReadFile(filepath.Join(cacheDir, key)); err == nil {
			return mboxMessageIDs(out), nil
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("thread-%d.mbox", i))
	if err := os.WriteFile(path, mbox, 0o644); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b4, "--offline-mode", "am", "-m", path, "-o", "-", "-v", fmt.Sprint(s.Version), s.ID)
	cmd.Env = append(os.Environ(),
		"XDG_CACHE_HOME="+dir, "XDG_DATA_HOME="+dir,
		// Attestation (DKIM) checks cost seconds and do not change the
		// assembly.
		"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=b4.attestation-policy", "GIT_CONFIG_VALUE_0=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	if cacheDir != "" {
		if err := os.MkdirAll(cacheDir, 0o755); err == nil {
			_ = os.WriteFile(filepath.Join(cacheDir, key), stdout.Bytes(), 0o644)
		}
	}
	return mboxMessageIDs(stdout.Bytes()), nil
}

// threadComponents maps every Message-ID to all mails connected to it
// through In-Reply-To and References: a superset of the thread b4 cuts
// out of an mbox with get_strict_thread, so that b4 sees what it would
// see in the whole archive, in a file small enough to read fast.
func threadComponents(msgs []*mail.Message) map[string][]*mail.Message {
	idx := make(map[string]int)
	id := func(s string) int {
		if i, ok := idx[s]; ok {
			return i
		}
		idx[s] = len(idx)
		return idx[s]
	}
	for _, m := range msgs {
		id(m.MessageID)
	}
	uf := newUnionFind(len(idx) + 16*len(msgs))
	for _, m := range msgs {
		me := id(m.MessageID)
		if m.InReplyTo != "" {
			uf.union(me, id(m.InReplyTo))
		}
		for _, r := range m.References {
			uf.union(me, id(r))
		}
	}
	comp := make(map[int][]*mail.Message)
	for _, m := range msgs {
		r := uf.find(idx[m.MessageID])
		comp[r] = append(comp[r], m)
	}
	out := make(map[string][]*mail.Message, len(msgs))
	for _, m := range msgs {
		out[m.MessageID] = comp[uf.find(idx[m.MessageID])]
	}
	return out
}

// mboxBytes renders mails as an mboxrd file.
func mboxBytes(msgs []*mail.Message) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		b.WriteString("From mboxrd@z Thu Jan  1 00:00:00 1970\n")
		sc := bufio.NewScanner(bytes.NewReader(m.Raw))
		sc.Buffer(nil, 1<<26)
		for sc.Scan() {
			line := sc.Bytes()
			if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
				b.WriteByte('>')
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// mboxMessageIDs returns the Message-Id header of each mail of an mbox,
// in order.
func mboxMessageIDs(mbox []byte) []string {
	var ids []string
	inHeader := false
	for _, line := range strings.Split(string(mbox), "\n") {
		switch {
		case strings.HasPrefix(line, "From "):
			inHeader = true
		case inHeader && line == "":
			inHeader = false
		case inHeader && strings.HasPrefix(strings.ToLower(line), "message-id:"):
			v := strings.TrimSpace(line[len("message-id:"):])
			ids = append(ids, strings.Trim(v, "<>"))
		}
	}
	return ids
}
