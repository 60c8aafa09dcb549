package bot

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chaosMails are 50 series (20 of one patch, 30 of a cover and two
// patches), each with fresh Message-IDs and subjects, mail by mail.
func chaosMails(t *testing.T) [][]byte {
	var mails [][]byte
	for i := range 50 {
		name := "2-dropped-user"
		switch {
		case i >= 20 && i%2 == 1:
			name = "3-callback-signature"
		case i >= 20:
			name = "4-unconverted-v1"
		}
		for _, raw := range demoMails(t, name) {
			raw = bytes.ReplaceAll(raw, []byte("Message-Id: <"), []byte(fmt.Sprintf("Message-Id: <chaos%02d.", i)))
			raw = bytes.ReplaceAll(raw, []byte("In-Reply-To: <"), []byte(fmt.Sprintf("In-Reply-To: <chaos%02d.", i)))
			raw = bytes.ReplaceAll(raw, []byte("References: <"), []byte(fmt.Sprintf("References: <chaos%02d.", i)))
			raw = bytes.Replace(raw, []byte("\nSubject: [PATCH"), []byte(fmt.Sprintf("\nSubject: [PATCH c%02d", i)), 1)
			mails = append(mails, raw)
		}
	}
	return mails
}

// TestPipelineChaos kills the bot (this test binary, run again) at random
// commit points, fsyncs and sends while 50 series arrive mail by mail, and
// starts it again on its state each time, receiving all the mail again,
// until a run ends without a kill. Then every series that deserves a reply
// has exactly one (sent once, or pending and reported), none has two, and
// every mail is done. PATCHBOT_CHAOS_SEED replays a run, and
// PATCHBOT_CHAOS_RUNS=N kills N runs instead of ten.
func TestPipelineChaos(t *testing.T) {
	mails := chaosMails(t)
	opts := PipelineOptions{Grace: time.Hour}
	if dir := os.Getenv("PATCHBOT_CHAOS_DIR"); dir != "" {
		at, _ := strconv.Atoi(os.Getenv("PATCHBOT_CHAOS_AT"))
		p := crashChild(t, dir, filepath.Join(dir, "outbox-"+os.Getenv("PATCHBOT_CHAOS_RUN")), at, opts)
		if _, err := p.Restore(t.Context(), 0); err != nil {
			t.Fatal(err)
		}
		deliverAll(t, p, mails)
		os.Exit(0)
	}

	clean := newPipeFixture(t, opts)
	deliverAll(t, clean.p, mails)
	var want []string
	for _, r := range clean.out.replies() {
		want = append(want, strings.Trim(r.MessageID, "<>"))
	}
	if len(want) != 50 {
		t.Fatalf("a run without a kill sent %d replies, want one per series", len(want))
	}

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PATCHBOT_CHAOS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (PATCHBOT_CHAOS_SEED replays it)", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	// make test runs ten killed runs; PATCHBOT_CHAOS_RUNS more.
	killed := 10
	if n, err := strconv.Atoi(os.Getenv("PATCHBOT_CHAOS_RUNS")); err == nil && n > 0 {
		killed = n
	}
	dir := t.TempDir()
	kills := 0
	for run := 0; ; run++ {
		if run > killed+1 {
			t.Fatalf("still killed after %d runs", run)
		}
		// Runs killed at a random point of their first 100 (a run has
		// 110 at the least: each mail is spooled, and recorded the first
		// time), then one left to finish.
		at := 1 + rng.IntN(100)
		if run >= killed {
			at = 1 << 30
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestPipelineChaos$")
		cmd.Env = append(childEnv(t), "PATCHBOT_CHAOS_DIR="+dir, "PATCHBOT_CHAOS_AT="+strconv.Itoa(at), "PATCHBOT_CHAOS_RUN="+strconv.Itoa(run))
		out, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 42 {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
		kills++
	}
	outboxes, _ := filepath.Glob(filepath.Join(dir, "outbox-*"))
	sent := countSent(want, outboxes...)
	f := newPipeFixtureIn(t, dir, opts)
	pending, err := f.store.PendingReplies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	isPending := map[string]bool{}
	for _, r := range pending {
		isPending[r.MessageID] = true
	}
	lost, twice := 0, 0
	for _, id := range want {
		switch {
		case sent[id] > 1:
			twice++
			t.Errorf("reply <%s> sent %d times", id, sent[id])
		case sent[id] == 0 && !isPending[id]:
			lost++
			t.Errorf("reply <%s> neither sent nor pending: lost", id)
		}
	}
	for _, raw := range mails {
		if rec, ok, err := f.store.Message(t.Context(), msgIDOf(raw)); err != nil || !ok || rec.Status != MessageDone {
			t.Errorf("mail <%s>: %+v %v %v, want it done", msgIDOf(raw), rec, ok, err)
		}
	}
	t.Logf("%d kills; %d series: %d replies sent, %d pending, %d lost, %d sent twice", kills, len(want), len(sent), len(pending), lost, twice)
}
