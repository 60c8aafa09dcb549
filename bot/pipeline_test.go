package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbot/patchbot/config"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/review"
	demodata "github.com/patchbot/patchbot/testdata/demo"
)

// recordingOutbox keeps the replies it is given; fail makes Send fail.
type recordingOutbox struct {
	mu   sync.Mutex
	got  []*mail.Reply
	fail error
}

func (o *recordingOutbox) Send(_ context.Context, r *mail.Reply) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.got = append(o.got, r)
	return nil
}

func (o *recordingOutbox) replies() []*mail.Reply {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*mail.Reply(nil), o.got...)
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// pipeFixture is a pipeline on a temporary store and spool, a fake clock
// and a recording outbox; the tree is the demo's miniature tree.
type pipeFixture struct {
	dir    string
	store  *Store
	out    *recordingOutbox
	clock  *fakeClock
	opts   PipelineOptions
	p      *Pipeline
	closed bool
}

func newPipeFixture(t *testing.T, opts PipelineOptions) *pipeFixture {
	t.Helper()
	return newPipeFixtureIn(t, t.TempDir(), opts)
}

// newPipeFixtureIn is newPipeFixture on the store and spool in dir, which
// another process may have left behind.
func newPipeFixtureIn(t *testing.T, dir string, opts PipelineOptions) *pipeFixture {
	t.Helper()
	// The tree index and parse stores stay out of the user's cache.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := &pipeFixture{dir: dir, out: &recordingOutbox{}, clock: &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}}
	tree := filepath.Join(f.dir, "tree")
	if err := copyEmbedded("tree", tree); err != nil {
		t.Fatal(err)
	}
	opts.From = mail.Address{Name: "patchbot", Email: "bot@patchbot.test"}
	opts.BotDomain = "patchbot.test"
	sess, err := review.NewSession(review.Options{Tree: tree, TreeBestEffort: true})
	if err != nil {
		t.Fatal(err)
	}
	opts.Review = sess
	opts.Now = f.clock.Now
	f.opts = opts
	f.open(t)
	t.Cleanup(func() { f.close(t) })
	return f
}

func (f *pipeFixture) open(t *testing.T) {
	t.Helper()
	st, err := Open(filepath.Join(f.dir, "state", "patchbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.now = f.clock.Now
	f.store = st
	spool := &Spool{Dir: filepath.Join(f.dir, "spool"), Now: f.clock.Now}
	p, err := NewPipeline(st, spool, f.out, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.p = p
	f.closed = false
}

func (f *pipeFixture) close(t *testing.T) {
	t.Helper()
	if f.closed {
		return
	}
	f.closed = true
	if err := f.p.spool.Close(); err != nil {
		t.Error(err)
	}
	if err := f.store.Close(); err != nil {
		t.Error(err)
	}
}

// restart closes the store and opens a new pipeline on it, as a new
// process would, and restores it.
func (f *pipeFixture) restart(t *testing.T) {
	t.Helper()
	f.close(t)
	f.open(t)
	if _, err := f.p.Restore(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}

func (f *pipeFixture) deliver(t *testing.T, raws ...[]byte) {
	t.Helper()
	for i, raw := range raws {
		if err := f.p.Deliver(context.Background(), uint32(i+1), raw); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *pipeFixture) process(t *testing.T) time.Time {
	t.Helper()
	next, err := f.p.Process(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// demoMails returns the mails of an embedded demo series, without the mbox
// "From " line.
func demoMails(t *testing.T, name string) [][]byte {
	t.Helper()
	ents, err := demodata.Files.ReadDir("series/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, e := range ents {
		raw, err := demodata.Files.ReadFile("series/" + name + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.IndexByte(string(raw), '\n'); strings.HasPrefix(string(raw), "From ") && i >= 0 {
			raw = raw[i+1:]
		}
		out = append(out, raw)
	}
	return out
}

func copyEmbedded(dir, dst string) error {
	ents, err := demodata.Files.ReadDir(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range ents {
		src, to := dir+"/"+e.Name(), filepath.Join(dst, e.Name())
		if e.IsDir() {
			if err := copyEmbedded(src, to); err != nil {
				return err
			}
			continue
		}
		data, err := demodata.Files.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func TestPipelineGraceWindow(t *testing.T) {
	tests := []struct {
		name        string
		series      string
		advance     time.Duration
		wantReplies int
		wantInBody  string
	}{
		{"complete series is answered at once", "2-dropped-user", 0, 1, "net/phonet/pep.c:8:"},
		{"incomplete series waits within grace", "6-incomplete", 9 * time.Minute, 0, ""},
		{"incomplete series is answered after grace and names what is missing", "6-incomplete", 10 * time.Minute, 1, "Patch 2/3 did not arrive within 10m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
			f.deliver(t, demoMails(t, tt.series)...)
			f.clock.Advance(tt.advance)
			f.process(t)
			got := f.out.replies()
			if len(got) != tt.wantReplies {
				t.Fatalf("%d replies, want %d", len(got), tt.wantReplies)
			}
			if tt.wantInBody != "" && !strings.Contains(got[0].Body, tt.wantInBody) {
				t.Errorf("body lacks %q:\n%s", tt.wantInBody, got[0].Body)
			}
		})
	}
}

func TestPipelineNextDueIsTheGraceDeadline(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	start := f.clock.Now()
	f.deliver(t, demoMails(t, "6-incomplete")...)
	if next := f.process(t); !next.Equal(start.Add(10 * time.Minute)) {
		t.Errorf("next due %s, want %s", next, start.Add(10*time.Minute))
	}
}

func TestPipelineRateLimitHoldsThenRetries(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute, RatePerAuthor: config.Rate{N: 1, Per: time.Hour}})
	// Two series by Ada: v1 is answered, v2 is held for an hour.
	f.deliver(t, demoMails(t, "4-unconverted-v1")...)
	f.deliver(t, demoMails(t, "5-unconverted-v2")...)
	if n := len(f.out.replies()); n != 1 {
		t.Fatalf("%d replies before the limit lifts, want 1", n)
	}
	if st := f.p.Stats(); st.Held != 1 {
		t.Errorf("held %d, want 1", st.Held)
	}
	next := f.process(t)
	if want := f.clock.Now().Add(time.Hour); !next.Equal(want) {
		t.Errorf("retry at %s, want %s", next, want)
	}
	f.clock.Advance(time.Hour)
	f.process(t)
	got := f.out.replies()
	if len(got) != 2 {
		t.Fatalf("%d replies after the limit lifted, want 2", len(got))
	}
	if !strings.Contains(got[1].Body, "Compared with v1: 1 new finding, 0 still present, 1 fixed.") {
		t.Errorf("v2 reply does not compare with v1:\n%s", got[1].Body)
	}
	f.process(t)
	if n := len(f.out.replies()); n != 2 {
		t.Errorf("%d replies after another pass, want 2", n)
	}
}

func TestPipelineRestoreAfterRestart(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	mails := demoMails(t, "3-callback-signature")
	f.deliver(t, mails[:2]...)
	f.restart(t)
	if n := f.p.Pending(); n != 2 {
		t.Fatalf("%d mails pending after the restart, want 2", n)
	}
	f.deliver(t, mails[2])
	if n := len(f.out.replies()); n != 1 {
		t.Fatalf("%d replies, want 1", n)
	}
	// The same mail again (a UIDVALIDITY change re-delivers the mailbox)
	// and another restart: nothing more.
	f.restart(t)
	f.deliver(t, mails...)
	f.clock.Advance(time.Hour)
	f.process(t)
	if n := len(f.out.replies()); n != 1 {
		t.Errorf("%d replies after re-delivery, want 1", n)
	}
}

func TestPipelineNewVersionAfterRestartComparesWithOld(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	f.deliver(t, demoMails(t, "4-unconverted-v1")...)
	f.restart(t)
	f.deliver(t, demoMails(t, "5-unconverted-v2")...)
	got := f.out.replies()
	if len(got) != 2 {
		t.Fatalf("%d replies, want 2", len(got))
	}
	for _, want := range []string{"Compared with v1", "Fixed since v1:", "[unconverted-implementer] net/l2tp/l2tp_ip.c: l2tp_ioctl"} {
		if !strings.Contains(got[1].Body, want) {
			t.Errorf("v2 reply lacks %q:\n%s", want, got[1].Body)
		}
	}
}

func TestPipelineFailedSendIsNotRetried(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	f.out.fail = errors.New("connection refused")
	mails := demoMails(t, "2-dropped-user")
	f.deliver(t, mails...)
	f.out.fail = nil
	f.restart(t)
	f.deliver(t, mails...)
	f.process(t)
	if n := len(f.out.replies()); n != 0 {
		t.Errorf("%d replies after a failed send, want 0 (at most once)", n)
	}
	pending, err := f.store.PendingReplies(context.Background())
	if err != nil || len(pending) != 1 {
		t.Errorf("pending replies %v (%v), want the failed one", pending, err)
	}
}

func TestPipelineReplyClean(t *testing.T) {
	tests := []struct {
		name       string
		replyClean bool
		want       int
	}{
		{"clean series gets no reply by default", false, 0},
		{"clean series gets a reply with reply_clean", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute, ReplyClean: tt.replyClean})
			f.deliver(t, demoMails(t, "1-clean")...)
			if n := len(f.out.replies()); n != tt.want {
				t.Errorf("%d replies, want %d", n, tt.want)
			}
		})
	}
}

func TestPipelineLatePatchOfAReviewedSeries(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	mails := demoMails(t, "3-callback-signature") // cover, 1/2, 2/2
	f.deliver(t, mails[:2]...)
	f.clock.Advance(10 * time.Minute)
	f.process(t)
	if st := f.p.Stats(); st.SeriesReviewed != 1 {
		t.Fatalf("reviewed %d series after grace, want 1", st.SeriesReviewed)
	}
	if n := len(f.out.replies()); n != 0 {
		t.Fatalf("%d replies to the first review (clean without 2/2), want none", n)
	}
	f.clock.Advance(time.Minute)
	f.deliver(t, mails[2])
	f.clock.Advance(10 * time.Minute)
	f.process(t)
	// The late 2/2 is not a series of its own: the series is reviewed
	// again with it, and what it brings (the implementer's signature)
	// goes out in a follow-up to it.
	got := f.out.replies()
	if st := f.p.Stats(); st.SeriesReviewed != 1 || len(got) != 1 {
		t.Fatalf("after the late 2/2: %+v, %d replies; want the one review and a follow-up", st, len(got))
	}
	if body := strings.Join(strings.Fields(got[0].Body), " "); got[0].InReplyTo != msgIDOf(mails[2]) ||
		!strings.Contains(body, "arrived after patchbot had reviewed the series; with it, 1 finding is new.") ||
		!strings.Contains(body, "[callback-signature]") {
		t.Errorf("follow-up in reply to <%s>:\n%s", got[0].InReplyTo, got[0].Body)
	}
	// The same late patch again (a restart, a second copy): no second
	// follow-up.
	f.restart(t)
	f.deliver(t, mails[2])
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if n := len(f.out.replies()); n != 1 {
		t.Errorf("%d replies after the late patch came again, want still the one follow-up", n)
	}

	// A one-patch series posted into that thread is a series of its own.
	cover := msgIDOf(mails[0])
	own := bytes.Replace(demoMails(t, "2-dropped-user")[0], []byte("\nFrom: "),
		[]byte("\nIn-Reply-To: <"+cover+">\nReferences: <"+cover+">\nFrom: "), 1)
	f.deliver(t, own)
	if n := len(f.out.replies()); n != 2 {
		t.Errorf("%d replies after a patch posted into a reviewed thread, want 2", n)
	}
}

func msgIDOf(raw []byte) string {
	m, err := mail.Parse(raw, "test")
	if m == nil {
		panic(err)
	}
	return m.MessageID
}

func TestPipelineAddressing(t *testing.T) {
	patch := demoMails(t, "2-dropped-user")[0]
	withHeaders := func(h string) []byte {
		return bytes.Replace(patch, []byte("\nFrom: "), []byte("\n"+h+"From: "), 1)
	}
	listMail := withHeaders("To: netdev@vger.kernel.org\nCc: Eve Maintainer <eve@example.org>\nList-Id: <netdev.vger.kernel.org>\n")
	tests := []struct {
		name   string
		opts   PipelineOptions
		raw    []byte
		wantTo []string
		wantCc []string
	}{
		{"the author alone by default", PipelineOptions{}, listMail, []string{"bob@example.org"}, nil},
		{"Reply-To elsewhere is not followed by default", PipelineOptions{}, withHeaders("Reply-To: Bob at work <bob@work.example>\n"), []string{"bob@example.org"}, nil},
		{"Reply-To is honoured when configured", PipelineOptions{HonourReplyTo: true}, withHeaders("Reply-To: Bob at work <bob@work.example>\n"), []string{"bob@work.example"}, nil},
		{"a Reply-To of 2,000 addresses, honoured, names at most the cap", PipelineOptions{HonourReplyTo: true, MaxRecipients: 3},
			withHeaders("Reply-To: " + manyAddresses(2000) + "\n"), []string{"v0@example.net", "v1@example.net", "v2@example.net"}, nil},
		{"a Reply-To of 2,000 addresses by default: the author", PipelineOptions{},
			withHeaders("Reply-To: " + manyAddresses(2000) + "\n"), []string{"bob@example.org"}, nil},
		{"cc_list copies the list and the original recipients", PipelineOptions{CcList: true}, listMail,
			[]string{"bob@example.org"}, []string{"netdev@vger.kernel.org", "eve@example.org"}},
		{"configured Cc is always copied", PipelineOptions{Cc: []mail.Address{{Email: "ci@example.org"}}}, listMail,
			[]string{"bob@example.org"}, []string{"ci@example.org"}},
	}
	emails := func(as []mail.Address) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Email)
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Grace = 10 * time.Minute
			f := newPipeFixture(t, tt.opts)
			f.deliver(t, tt.raw)
			got := f.out.replies()
			if len(got) != 1 {
				t.Fatalf("%d replies, want 1", len(got))
			}
			if to := emails(got[0].To); strings.Join(to, ",") != strings.Join(tt.wantTo, ",") {
				t.Errorf("To %v, want %v", to, tt.wantTo)
			}
			if cc := emails(got[0].Cc); strings.Join(cc, ",") != strings.Join(tt.wantCc, ",") {
				t.Errorf("Cc %v, want %v", cc, tt.wantCc)
			}
			// A reply the list gets is on lore under its Message-ID: the
			// tag block pairs Closes: with Reported-by:, as checkpatch
			// wants; a private reply has no public URL to close.
			closes := "| Closes: https://lore.kernel.org/r/" + strings.Trim(got[0].MessageID, "<>")
			if has := strings.Contains(got[0].Body, closes); has != tt.opts.CcList {
				t.Errorf("Closes: tag present %v with cc_list %v:\n%s", has, tt.opts.CcList, got[0].Body)
			}
		})
	}
}

// manyAddresses is a header value of n addresses.
func manyAddresses(n int) string {
	as := make([]string, n)
	for i := range as {
		as[i] = fmt.Sprintf("v%d@example.net", i)
	}
	return strings.Join(as, ",\n ")
}

// A late patch that changes no finding of its series gets no follow-up:
// 2/3 puts back the __user 1/3 dropped, but 1/3 still drops it (a bisect
// stops there), so the series' findings are what they were.
func TestPipelineLatePatchThatChangesNoFinding(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	mails := demoMails(t, "6-incomplete") // cover, 1/3, 3/3
	f.deliver(t, mails...)
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	first := f.out.replies()
	if len(first) != 1 || !strings.Contains(first[0].Body, "[dropped-user]") {
		t.Fatalf("%d replies to the series without 2/3, want one with the dropped __user", len(first))
	}
	late := bytes.Replace(mails[1], []byte("[PATCH 1/3] net: phonet: drop the annotation of pep_copy_obj()"),
		[]byte("[PATCH 2/3] net: phonet: annotate pep_copy_obj() again"), 1)
	late = bytes.Replace(late, []byte("Message-Id: <"), []byte("Message-Id: <late."), 1)
	late = bytes.Replace(late, []byte("-static int pep_copy_obj(struct pep_sock *pn, void __user *dst)\n+static int pep_copy_obj(struct pep_sock *pn, void *dst)"),
		[]byte("-static int pep_copy_obj(struct pep_sock *pn, void *dst)\n+static int pep_copy_obj(struct pep_sock *pn, void __user *dst)"), 1)
	late = bytes.Replace(late, []byte("index 184757e..52132a8"), []byte("index 52132a8..184757e"), 1)
	f.clock.Advance(time.Minute)
	f.deliver(t, late)
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if n := len(f.out.replies()); n != 1 {
		t.Errorf("%d replies after a late patch that changes no finding, want still 1", n)
	}
}

// Two late patches, one after the other: the second is reviewed with the
// first (remembered as part of the series), so that what the first
// brought is not reported as gone.
func TestPipelineTwoLatePatches(t *testing.T) {
	f := newPipeFixture(t, PipelineOptions{Grace: 10 * time.Minute})
	mails := demoMails(t, "6-incomplete") // cover, 1/3, 3/3
	f.deliver(t, mails[0], mails[2])
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if n := len(f.out.replies()); n != 0 {
		t.Fatalf("%d replies to the cover and 3/3 (clean), want none", n)
	}
	f.clock.Advance(time.Minute)
	f.deliver(t, mails[1]) // 1/3, late: it drops a __user
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if got := f.out.replies(); len(got) != 1 || !strings.Contains(got[0].Body, "[dropped-user]") {
		t.Fatalf("%d replies after the late 1/3, want a follow-up with its finding", len(got))
	}
	// 2/3, late too, changes no C.
	doc := bytes.Replace(mails[1], []byte("[PATCH 1/3] net: phonet: drop the annotation of pep_copy_obj()"),
		[]byte("[PATCH 2/3] net: phonet: say what pep_copy_obj() copies"), 1)
	doc = bytes.Replace(doc, []byte("Message-Id: <"), []byte("Message-Id: <doc."), 1)
	i := bytes.Index(doc, []byte("diff --git"))
	doc = append(doc[:i:i], []byte("diff --git a/Documentation/networking/phonet.rst b/Documentation/networking/phonet.rst\n"+
		"index 1111111..2222222 100644\n--- a/Documentation/networking/phonet.rst\n+++ b/Documentation/networking/phonet.rst\n"+
		"@@ -1,1 +1,2 @@\n Phonet\n+pep_copy_obj() copies the object to user space.\n")...)
	f.clock.Advance(time.Minute)
	f.deliver(t, doc)
	f.clock.Advance(11 * time.Minute)
	f.process(t)
	if got := f.out.replies(); len(got) != 1 {
		t.Errorf("%d replies after the second late patch, which changes no finding; want still 1:\n%s", len(got), got[len(got)-1].Body)
	}
}
