package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/patchbot/patchbot/internal/imaptest"
)

const inbox = "INBOX"

func TestWatchIMAPDeliversNewMailOnceInOrder(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			cfg := fastConfig(b.config())
			log, _ := logSink(t, cfg.Password)
			store := newMemUIDStore()
			w := startWatch(t, cfg, store, log, false)
			waitState(t, store, cfg.withDefaults().stateKey())

			var want []string
			for i := 1; i <= 5; i++ {
				b.append(inbox, testMail("order", i), time.Time{})
				want = append(want, testMsgID("order", i))
			}
			got := w.expect(5, 10*time.Second)
			w.quiet(700 * time.Millisecond)
			if strings.Join(ids(got), " ") != strings.Join(want, " ") {
				t.Errorf("delivered %v, want %v", ids(got), want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].uid <= got[i-1].uid {
					t.Errorf("UIDs out of order: %d after %d", got[i].uid, got[i-1].uid)
				}
			}
			if st, _ := store.state(cfg.withDefaults().stateKey()); st.LastUID != got[len(got)-1].uid {
				t.Errorf("saved LastUID %d, want %d", st.LastUID, got[len(got)-1].uid)
			}
		})
	}
}

func TestWatchIMAPRestartResumesAtLastUID(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			cfg := fastConfig(b.config())
			log, _ := logSink(t, cfg.Password)
			// The store never reports a Message-ID as seen: only the saved
			// LastUID can prevent duplicates here.
			store := newMemUIDStore()
			key := cfg.withDefaults().stateKey()

			w := startWatch(t, cfg, store, log, false)
			waitState(t, store, key)
			for i := 1; i <= 3; i++ {
				b.append(inbox, testMail("resume", i), time.Time{})
			}
			first := w.expect(3, 10*time.Second)
			w.stop()

			for i := 4; i <= 5; i++ { // while the watcher is down
				b.append(inbox, testMail("resume", i), time.Time{})
			}
			w = startWatch(t, cfg, store, log, false)
			second := w.expect(2, 10*time.Second)
			b.append(inbox, testMail("resume", 6), time.Time{})
			third := w.expect(1, 10*time.Second)
			w.quiet(700 * time.Millisecond)

			all := append(append(first, second...), third...)
			var want []string
			for i := 1; i <= 6; i++ {
				want = append(want, testMsgID("resume", i))
			}
			if strings.Join(ids(all), " ") != strings.Join(want, " ") {
				t.Errorf("delivered %v, want %v", ids(all), want)
			}
		})
	}
}

// TestWatchIMAPStopMidBatch stops the watcher inside a batch of mail (as a
// shutdown or crash would): the next run starts right after the last mail
// deliver accepted.
func TestWatchIMAPStopMidBatch(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			cfg := fastConfig(b.config())
			log, _ := logSink(t, cfg.Password)
			store := newMemUIDStore()
			key := cfg.withDefaults().stateKey()
			// Since makes the first run deliver the 8 mails already there
			// as one batch.
			cfg.Since = time.Now().AddDate(0, 0, -1)
			for i := 1; i <= 8; i++ {
				b.append(inbox, testMail("batch", i), time.Time{})
			}

			ctx, cancel := context.WithCancel(context.Background())
			var first []string
			err := WatchIMAP(ctx, cfg, store, log, func(_ context.Context, _ uint32, raw []byte) error {
				first = append(first, imapHeaderMessageID(headerBlock(raw)))
				if len(first) == 3 {
					cancel()
				}
				return nil
			})
			cancel()
			if err != nil {
				t.Fatalf("WatchIMAP = %v", err)
			}
			if st, _ := store.state(key); st.LastUID != 3 {
				t.Fatalf("saved LastUID %d after 3 deliveries, want 3", st.LastUID)
			}

			w := startWatch(t, cfg, store, log, false)
			second := w.expect(5, 10*time.Second)
			w.quiet(700 * time.Millisecond)
			all := append(first, ids(second)...)
			var want []string
			for i := 1; i <= 8; i++ {
				want = append(want, testMsgID("batch", i))
			}
			if strings.Join(all, " ") != strings.Join(want, " ") {
				t.Errorf("delivered %v, want %v", all, want)
			}
		})
	}
}

func TestWatchIMAPFirstRun(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name  string
		since time.Time
		want  []string
	}{
		{"without Since starts at now: old mail is not delivered", time.Time{}, []string{testMsgID("first", 3)}},
		{"Since delivers mail from that day on, then new mail", now.AddDate(0, 0, -3),
			[]string{testMsgID("first", 2), testMsgID("first", 3)}},
	}
	for _, be := range backends() {
		for _, tc := range cases {
			t.Run(be.name+"/"+tc.name, func(t *testing.T) {
				b := be.start(t)
				cfg := fastConfig(b.config())
				cfg.Since = tc.since
				log, _ := logSink(t, cfg.Password)
				store := newMemUIDStore()
				b.append(inbox, testMail("first", 1), now.AddDate(0, 0, -10))
				b.append(inbox, testMail("first", 2), now.AddDate(0, 0, -1))

				w := startWatch(t, cfg, store, log, false)
				waitState(t, store, cfg.withDefaults().stateKey())
				b.append(inbox, testMail("first", 3), time.Time{})
				got := w.expect(len(tc.want), 10*time.Second)
				w.quiet(700 * time.Millisecond)
				if strings.Join(ids(got), " ") != strings.Join(tc.want, " ") {
					t.Errorf("delivered %v, want %v", ids(got), tc.want)
				}
			})
		}
	}
}

func TestWatchIMAPReconnectsAfterOutage(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			f := newWatchFixtureOn(t, be.start(t))
			b, cfg, log, logged, store := f.b, f.cfg, f.log, f.logged, f.store
			w := startWatch(t, cfg, store, log, false)
			waitState(t, store, cfg.withDefaults().stateKey())

			b.append(inbox, testMail("outage", 1), time.Time{})
			w.expect(1, 10*time.Second)
			time.Sleep(200 * time.Millisecond) // back in IDLE
			b.outage(inbox, testMail("outage", 2))
			got := w.expect(1, 15*time.Second)
			if got[0].msgid != testMsgID("outage", 2) {
				t.Errorf("after the outage got <%s>, want <%s>", got[0].msgid, testMsgID("outage", 2))
			}
			b.append(inbox, testMail("outage", 3), time.Time{})
			if got := w.expect(1, 10*time.Second); got[0].msgid != testMsgID("outage", 3) {
				t.Errorf("after reconnecting got <%s>, want <%s>", got[0].msgid, testMsgID("outage", 3))
			}
			w.quiet(700 * time.Millisecond)
			if n := strings.Count(logged(), "imap connecting"); n < 2 {
				t.Errorf("%d connection attempts logged, want at least 2", n)
			}
		})
	}
}

func TestWatchIMAPUIDValidityChange(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			f := newWatchFixtureOn(t, be.start(t))
			b, cfg, log, logged, store := f.b, f.cfg, f.log, f.logged, f.store
			key := cfg.withDefaults().stateKey()
			// Mail from before the bot's time: never delivered, never seen.
			for i := 1; i <= 2; i++ {
				b.append(inbox, testMail("old", i), time.Time{})
			}
			w := startWatch(t, cfg, store, log, true)
			before := waitState(t, store, key)

			for i := 1; i <= 3; i++ {
				b.append(inbox, testMail("validity", i), time.Time{})
			}
			w.expect(3, 10*time.Second)
			newValidity := b.changeUIDValidity(inbox)
			if newValidity == before.UIDValidity {
				t.Fatalf("UIDVALIDITY did not change")
			}
			b.append(inbox, testMail("validity", 4), time.Time{})
			got := w.expect(1, 15*time.Second)
			w.quiet(time.Second)
			if got[0].msgid != testMsgID("validity", 4) {
				t.Errorf("after the UIDVALIDITY change got <%s>, want only the new <%s>", got[0].msgid, testMsgID("validity", 4))
			}
			st, _ := store.state(key)
			if st.UIDValidity != newValidity || st.LastUID != got[0].uid || got[0].uid != 6 {
				t.Errorf("saved state %+v after UID %d, want UIDVALIDITY %d and LastUID 6", st, got[0].uid, newValidity)
			}
			if !strings.Contains(logged(), "resuming after the newest mail already seen") {
				t.Errorf("the UIDVALIDITY change was not logged")
			}
		})
	}
}

func TestWatchIMAPUIDValidityChangeWithNothingSeen(t *testing.T) {
	f := newWatchFixture(t)
	b, cfg, log, store, key := f.b, f.cfg, f.log, f.store, f.key
	// State left by a previous life of the mailbox, none of whose mail is
	// still there.
	store.states[key] = IMAPState{UIDValidity: 4242, LastUID: 17}
	for i := 1; i <= 3; i++ {
		b.append(inbox, testMail("unknown", i), time.Time{})
	}
	w := startWatch(t, cfg, store, log, true)
	for st, _ := store.state(key); st.UIDValidity == 4242; st, _ = store.state(key) {
		time.Sleep(10 * time.Millisecond)
	}
	b.append(inbox, testMail("unknown", 4), time.Time{})
	if got := w.expect(1, 10*time.Second); got[0].msgid != testMsgID("unknown", 4) {
		t.Errorf("got <%s>, want only the new <%s>", got[0].msgid, testMsgID("unknown", 4))
	}
	w.quiet(700 * time.Millisecond)
}

func TestWatchIMAPNeverSetsSeen(t *testing.T) {
	for _, be := range backends() {
		for _, readOnly := range []bool{false, true} {
			name := "SELECT"
			if readOnly {
				name = "EXAMINE"
			}
			t.Run(be.name+"/"+name, func(t *testing.T) {
				b := be.start(t)
				cfg := fastConfig(b.config())
				cfg.ReadOnly = readOnly
				cfg.Since = time.Now().AddDate(0, 0, -1)
				log, _ := logSink(t, cfg.Password)
				b.append(inbox, testMail("seen", 1), time.Time{})
				w := startWatch(t, cfg, newMemUIDStore(), log, false)
				w.expect(1, 10*time.Second)
				b.append(inbox, testMail("seen", 2), time.Time{})
				w.expect(1, 10*time.Second)
				w.stop()

				msgs := imaptest.Fetch(t, b.client(), inbox, false)
				if len(msgs) != 2 {
					t.Fatalf("%d messages in the mailbox, want 2", len(msgs))
				}
				for _, m := range msgs {
					if m.HasFlag(imap.FlagSeen) {
						t.Errorf("UID %d has flags %v: the watcher set \\Seen", m.UID, m.Flags)
					}
				}
			})
		}
	}
}

// A mail deliver fails on (a full disk) is retried, with backoff, until it
// is taken; the position never passes it before, so the mail after it is
// delivered after it, and nothing is skipped.
func TestWatchIMAPRetriesAFailedDeliverAndNeverSkipsIt(t *testing.T) {
	f := newWatchFixture(t)
	b, cfg, log, logged, store, key := f.b, f.cfg, f.log, f.logged, f.store, f.key
	w := startWatch(t, cfg, store, log, false, testMsgID("fail", 1))
	before := waitState(t, store, key)
	failedUID := b.append(inbox, testMail("fail", 1), time.Time{})
	b.append(inbox, testMail("fail", 2), time.Time{})
	got := w.expect(deliverFailures+2, 20*time.Second)
	w.quiet(700 * time.Millisecond)
	var order []string
	for _, d := range got {
		order = append(order, d.msgid)
	}
	want := []string{testMsgID("fail", 1), testMsgID("fail", 1), testMsgID("fail", 1), testMsgID("fail", 1), testMsgID("fail", 2)}
	if !slices.Equal(order, want) {
		t.Errorf("deliveries %v, want the failing mail until it is taken, then the next: %v", order, want)
	}
	if st, _ := store.state(key); st.LastUID != got[len(got)-1].uid {
		t.Errorf("saved LastUID %d, want %d", st.LastUID, got[len(got)-1].uid)
	}
	wantLog := fmt.Sprintf("uid=%d msgid=%s", failedUID, testMsgID("fail", 1))
	if l := logged(); !strings.Contains(l, wantLog) || !strings.Contains(l, "spool full") || !strings.Contains(l, "retrying") {
		t.Errorf("log does not report the retried deliver with %q and its error:\n%s", wantLog, l)
	}
	if before.LastUID >= failedUID {
		t.Fatalf("the position was past the mail before it arrived (%d >= %d)", before.LastUID, failedUID)
	}
}

// A position the store cannot save (a full disk) is saved again, with
// backoff, instead of ending the watcher.
func TestWatchIMAPRetriesSavingThePosition(t *testing.T) {
	f := newWatchFixture(t)
	b, cfg, log, logged, store, key := f.b, f.cfg, f.log, f.logged, f.store, f.key
	w := startWatch(t, cfg, store, log, false)
	waitState(t, store, key)
	store.mu.Lock()
	store.failSaves = 3
	store.mu.Unlock()
	uid := b.append(inbox, testMail("save", 1), time.Time{})
	w.expect(1, 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for st, _ := store.state(key); st.LastUID != uid; st, _ = store.state(key) {
		if time.Now().After(deadline) {
			t.Fatalf("saved LastUID %d, want %d after the store recovered", st.LastUID, uid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if l := logged(); !strings.Contains(l, "save the mailbox position") || !strings.Contains(l, "no space left") {
		t.Errorf("log does not report the failed saves:\n%s", l)
	}
}

func TestWatchIMAPLargeMessage(t *testing.T) {
	var body bytes.Buffer
	line := strings.Repeat("x", 75) + "\r\n"
	for body.Len() < 20<<20 {
		body.WriteString(line)
	}
	raw := append(testMail("large", 1), body.Bytes()...)
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			cfg := fastConfig(b.config())
			log, _ := logSink(t, cfg.Password)
			store := newMemUIDStore()
			w := startWatch(t, cfg, store, log, false)
			waitState(t, store, cfg.withDefaults().stateKey())
			start := time.Now()
			b.append(inbox, raw, time.Time{})
			got := w.expect(1, 60*time.Second)
			t.Logf("%d MB appended and delivered in %v", len(raw)>>20, time.Since(start).Round(time.Millisecond))
			if sha256.Sum256(got[0].raw) != sha256.Sum256(raw) {
				t.Errorf("delivered %d bytes, differing from the %d appended", len(got[0].raw), len(raw))
			}
		})
	}
}

func TestWatchIMAPOverTLS(t *testing.T) {
	for _, mode := range []string{IMAPTLSStartTLS, IMAPTLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			s := imaptest.StartWith(t, imaptest.Options{TLS: mode})
			cfg := fastConfig(IMAPConfig{Addr: s.Addr, TLS: mode, TLSConfig: s.ClientTLS, Username: s.User, Password: s.Password})
			log, _ := logSink(t, cfg.Password)
			store := newMemUIDStore()
			w := startWatch(t, cfg, store, log, false)
			waitState(t, store, cfg.withDefaults().stateKey())
			s.Append(inbox, testMail("tls", 1), time.Time{})
			if got := w.expect(1, 10*time.Second); got[0].msgid != testMsgID("tls", 1) {
				t.Errorf("got <%s>", got[0].msgid)
			}
		})
		t.Run(mode+" with an untrusted certificate is refused at once", func(t *testing.T) {
			s := imaptest.StartWith(t, imaptest.Options{TLS: mode})
			cfg := IMAPConfig{Addr: s.Addr, TLS: mode, Username: s.User, Password: s.Password}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := WatchIMAP(ctx, cfg, newMemUIDStore(), nil, func(context.Context, uint32, []byte) error { return nil })
			if err == nil || ctx.Err() != nil {
				t.Fatalf("WatchIMAP = %v (ctx %v), want a prompt certificate error", err, ctx.Err())
			}
			if !strings.Contains(err.Error(), "certificate") {
				t.Errorf("error %q does not mention the certificate", err)
			}
		})
	}
}

// TestWatchIMAPSilentlyDeadConnection covers go-imap issue #602: the
// connection stays open but nothing gets through any more, so IDLE brings
// no news. The poll stops IDLE, gets no answer, gives up after Timeout and
// reconnects.
func TestWatchIMAPSilentlyDeadConnection(t *testing.T) {
	s := imaptest.Start(t)
	cfg := fastConfig(memBackend{s}.config())
	cfg.Timeout = 500 * time.Millisecond
	log, logged := logSink(t, cfg.Password)
	store := newMemUIDStore()
	w := startWatch(t, cfg, store, log, false)
	waitState(t, store, cfg.withDefaults().stateKey())
	time.Sleep(100 * time.Millisecond) // in IDLE
	s.StallConnections()
	s.Append(inbox, testMail("stall", 1), time.Time{})
	if got := w.expect(1, 10*time.Second); got[0].msgid != testMsgID("stall", 1) {
		t.Errorf("got <%s>", got[0].msgid)
	}
	if !strings.Contains(logged(), "stop IDLE") {
		t.Errorf("the dead connection was not noticed while stopping IDLE:\n%s", logged())
	}
}

func TestWatchIMAPPollsWithoutIdle(t *testing.T) {
	s := imaptest.Start(t)
	cfg := fastConfig(memBackend{s}.config())
	cfg.DisableIdle = true
	log, logged := logSink(t, cfg.Password)
	store := newMemUIDStore()
	w := startWatch(t, cfg, store, log, false)
	waitState(t, store, cfg.withDefaults().stateKey())
	for i := 1; i <= 3; i++ {
		s.Append(inbox, testMail("poll", i), time.Time{})
		if got := w.expect(1, 5*time.Second); got[0].msgid != testMsgID("poll", i) {
			t.Errorf("got <%s>, want <%s>", got[0].msgid, testMsgID("poll", i))
		}
	}
	w.quiet(700 * time.Millisecond)
	if !strings.Contains(logged(), "polling only") || strings.Contains(logged(), "IDLE") && strings.Contains(logged(), "stop IDLE") {
		t.Errorf("the watcher did not switch to polling:\n%s", logged())
	}
}

// Each outage after a session that reached the mailbox (a server killed
// again and again) is retried from MinBackoff: the delay does not grow
// from one outage to the next.
func TestWatchIMAPReconnectsQuicklyAfterEachOutage(t *testing.T) {
	f := newWatchFixture(t)
	w := startWatch(t, f.cfg, f.store, f.log, false)
	waitState(t, f.store, f.key)
	for i := 1; i <= 5; i++ {
		time.Sleep(100 * time.Millisecond) // back in IDLE
		f.b.outage(inbox, testMail("kill", i))
		w.expect(1, 10*time.Second)
	}
	re := regexp.MustCompile(`msg="imap session ended; reconnecting".* retry_in=(\S+)`)
	ms := re.FindAllStringSubmatch(f.logged(), -1)
	if len(ms) < 5 {
		t.Fatalf("%d reconnections logged, want 5", len(ms))
	}
	for _, m := range ms {
		if d, err := time.ParseDuration(m[1]); err != nil || d > f.cfg.MinBackoff {
			t.Errorf("reconnection after %s (%v), want at most MinBackoff %s", m[1], err, f.cfg.MinBackoff)
		}
	}
}

// A mailbox deleted and created again while the watcher was away (new
// UIDVALIDITY, none of its mail seen, no since configured): the mail that
// arrived in it since the mailbox was last read is delivered, nothing
// seen before is delivered again.
func TestWatchIMAPRecreatedMailboxMissesNothing(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			f := newWatchFixtureOn(t, be.start(t))
			b, cfg, log, logged, store := f.b, f.cfg, f.log, f.logged, f.store
			w := startWatch(t, cfg, store, log, true)
			waitState(t, store, f.key)
			b.append(inbox, testMail("recreate", 1), time.Time{})
			w.expect(1, 10*time.Second)
			w.stop()
			// The old mail went with the old mailbox; two arrived in the new.
			b.recreate(inbox, testMail("recreate", 2), testMail("recreate", 3))
			w = startWatch(t, cfg, store, log, true)
			got := w.expect(2, 15*time.Second)
			w.quiet(700 * time.Millisecond)
			if ids := ids(got); !slices.Equal(ids, []string{testMsgID("recreate", 2), testMsgID("recreate", 3)}) {
				t.Errorf("delivered %v after the mailbox was recreated, want the two new mails only", ids)
			}
			if !strings.Contains(logged(), "recreated?") {
				t.Errorf("the recreated mailbox was not logged:\n%s", logged())
			}
		})
	}
}
