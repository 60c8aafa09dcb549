package series

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
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

// b4Disagreement is a series where b4 0.12 and Assemble knowingly differ
// on the version: b4 files the same patches under b4Version.
type b4Disagreement struct {
	b4Version int
	// b4Series, when set, is the ID of the series whose patches b4
	// returns instead (b4 merges one version of a whole thread).
	b4Series string
	why      string
}

// noCoverVersion explains the version disagreement of PATCHSET covers.
const noCoverVersion = "cover \"[PATCHSET vN 0/M]\" without a diffstat, patches \"[PATCH k/M]\" without vN: " +
	"b4 0.12 inherits the cover's version only from a cover with a diffstat (add_message), so it files " +
	"the patches under v1 and finds no vN; patchbot takes the version from the 0/M cover they reply to"

// b4Disagreements lists, by series ID, the series where b4 and Assemble
// differ by design. The test checks that b4 gives the same patches for
// the version named.
var b4Disagreements = map[string]b4Disagreement{
	"20230314154203.181070-1-axboe@kernel.dk":                  {1, "", noCoverVersion},
	"20230420183135.119618-1-axboe@kernel.dk":                  {1, "", noCoverVersion},
	"20230513141643.1037620-1-axboe@kernel.dk":                 {1, "", noCoverVersion},
	"20230721161650.319414-1-axboe@kernel.dk":                  {1, "", noCoverVersion},
	"20230215004618.35503-1-xiaoguang.wang@linux.alibaba.com":  {1, "20230215004122.28917-1-xiaoguang.wang@linux.alibaba.com", lonePatchInThread},
	"20230222132744.117182-1-xiaoguang.wang@linux.alibaba.com": {2, "20230222132534.114574-1-xiaoguang.wang@linux.alibaba.com", lonePatchInThread},
}

// lonePatchInThread explains the ublksrv patches posted into the thread
// of the kernel series they go with.
const lonePatchInThread = "a lone \"[UBLKSRV] Add ebpf support.\" patch (for another project) replying into the thread of " +
	"the kernel \"[RFC k/N]\" series: b4 puts every patch of one version in a thread into one series, where the " +
	"lone patch loses slot 1 to RFC 1/N, so b4 returns the kernel series; patchbot keeps the lone patch as a series of its own"

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
			if dl, ok := t.Deadline(); ok && time.Until(dl) < 45*time.Second {
				results[i] = outcome{s: s, err: errOutOfTime}
				return
			}
			v := s.Version
			if d, ok := b4Disagreements[s.ID]; ok {
				v = d.b4Version
			}
			ids, err := runB4(b4, string(version), dir, i, s, v, threads)
			results[i] = outcome{s: s, ids: ids, err: err}
		}()
	}
	wg.Wait()

	late := 0
	for _, r := range results {
		if r.err == errOutOfTime {
			late++
		}
	}
	if late > 0 {
		t.Fatalf("b4 is too slow on this machine: %d of %d series not compared before the test deadline; "+
			"rerun with -timeout 30m, or set PATCHBOT_B4_CACHE=DIR to keep b4's answers between runs", late, len(picked))
	}
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
		d, known := b4Disagreements[r.s.ID]
		if known && d.b4Series != "" {
			ours = nil
			for _, o := range res.Series {
				if o.ID == d.b4Series {
					for _, p := range o.Patches {
						ours = append(ours, p.Msg.MessageID)
					}
				}
			}
		}
		switch {
		case slices.Equal(ours, r.ids) && known:
			t.Logf("known disagreement on v%d %q <%s> (b4 -v %d gives %d patches): %s", r.s.Version, r.s.Title, r.s.ID, d.b4Version, len(r.ids), d.why)
			continue
		case slices.Equal(ours, r.ids):
			agree++
			continue
		}
		t.Errorf("v%d %q <%s>:\n  patchbot: %v\n  b4:       %v", r.s.Version, r.s.Title, r.s.ID, ours, r.ids)
	}
	t.Logf("b4 agreement: %d of %d series (%d with several versions), %d known disagreements (explained in b4Disagreements)",
		agree, len(picked), multi, len(b4Disagreements))
}

// errOutOfTime marks a series left out because the test deadline neared.
var errOutOfTime = errors.New("not run: test deadline near")

// runB4 writes the thread of s to an mbox and runs "b4 am -o -" on it for
// the version of s, returning the Message-IDs of the patches b4 emits.
func runB4(b4, version, dir string, i int, s *Series, v int, threads map[string][]*mail.Message) ([]string, error) {
	mbox := mboxBytes(threads[s.ID])
	// b4 takes 1-4 s a run; PATCHBOT_B4_CACHE names a directory that keeps
	// its answers between test runs, keyed by input and b4 version.
	cacheDir := os.Getenv("PATCHBOT_B4_CACHE")
	key := fmt.Sprintf("%x", sha256.Sum256(append(mbox, fmt.Sprintf("\x00%s\x00%d\x00%s", s.ID, v, version)...)))
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
	cmd := exec.CommandContext(ctx, b4, "--offline-mode", "am", "-m", path, "-o", "-", "-v", fmt.Sprint(v), s.ID)
	cmd.Env = append(os.Environ(),
		"XDG_CACHE_HOME="+dir, "XDG_DATA_HOME="+dir,
		// Attestation (DKIM) checks cost seconds and do not change the
		// assembly. b4 am fails without a git identity, which a fresh
		// machine has none of.
		"GIT_CONFIG_COUNT=3", "GIT_CONFIG_KEY_0=b4.attestation-policy", "GIT_CONFIG_VALUE_0=off",
		"GIT_CONFIG_KEY_1=user.name", "GIT_CONFIG_VALUE_1=patchbot test",
		"GIT_CONFIG_KEY_2=user.email", "GIT_CONFIG_VALUE_2=patchbot-test@example.org")
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
		inHeader, inSubject := true, false
		for sc.Scan() {
			line := sc.Bytes()
			if inHeader {
				// b4 0.12 crashes on a folded Subject ("Header values
				// may not contain linefeed"): unfold it, which RFC 5322
				// says changes nothing.
				cont := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
				if inSubject && cont {
					b.WriteByte(' ')
					b.Write(bytes.TrimLeft(bytes.TrimRight(line, "\r"), " \t"))
					continue
				}
				if inSubject {
					b.WriteByte('\n')
					inSubject = false
				}
				switch {
				case len(bytes.TrimRight(line, "\r")) == 0:
					inHeader = false
				case len(line) >= 8 && strings.EqualFold(string(line[:8]), "subject:"):
					inSubject = true
					b.Write(bytes.TrimRight(line, "\r"))
					continue
				}
			}
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
