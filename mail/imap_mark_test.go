package mail

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/patchbot/patchbot/internal/imaptest"
)

func TestReadIMAPMailboxAndMark(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			cfg := b.config()
			c := b.client()
			// Mail 2 was already read by the maintainer, mail 3 is flagged:
			// neither reading nor marking may change that.
			u1 := imaptest.Append(t, c, "INBOX", testMail("mark", 1), time.Time{})
			u2 := imaptest.Append(t, c, "INBOX", testMail("mark", 2), time.Time{}, imap.FlagSeen)
			u3 := imaptest.Append(t, c, "INBOX", testMail("mark", 3), time.Time{}, imap.FlagFlagged)

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var got []uint32
			var ids []string
			var progress []int
			validity, err := ReadIMAPMailbox(ctx, cfg, func(done, total int) {
				if total != 3 {
					t.Errorf("progress total = %d, want 3", total)
				}
				progress = append(progress, done)
			}, func(uid uint32, raw []byte) error {
				got = append(got, uid)
				ids = append(ids, imapHeaderMessageID(raw))
				return nil
			})
			if err != nil {
				t.Fatalf("ReadIMAPMailbox: %v", err)
			}
			if want := []uint32{u1, u2, u3}; !equalUIDs(got, want) {
				t.Errorf("read UIDs %v, want %v", got, want)
			}
			if ids[0] != testMsgID("mark", 1) || ids[2] != testMsgID("mark", 3) {
				t.Errorf("read Message-IDs %v", ids)
			}
			if len(progress) != 3 || progress[2] != 3 {
				t.Errorf("progress calls %v, want 1, 2, 3", progress)
			}
			assertFlags(t, c, map[uint32][]string{u1: nil, u2: {`\Seen`}, u3: {`\Flagged`}},
				map[uint32][]string{u1: {`\Seen`}, u3: {`\Seen`}})

			marks := map[string][]uint32{IMAPKeywordFindings: {u1, u2}, IMAPKeywordClean: {u3}}
			if err := MarkIMAP(ctx, cfg, validity, marks); err != nil {
				t.Fatalf("MarkIMAP: %v", err)
			}
			assertFlags(t, c,
				map[uint32][]string{u1: {IMAPKeywordFindings}, u2: {`\Seen`, IMAPKeywordFindings}, u3: {`\Flagged`, IMAPKeywordClean}},
				map[uint32][]string{u1: {`\Seen`, IMAPKeywordClean}, u2: {IMAPKeywordClean}, u3: {`\Seen`, IMAPKeywordFindings}})

			// A new version fixed the series: the label flips.
			if err := MarkIMAP(ctx, cfg, validity, map[string][]uint32{IMAPKeywordClean: {u1}}); err != nil {
				t.Fatalf("MarkIMAP again: %v", err)
			}
			assertFlags(t, c, map[uint32][]string{u1: {IMAPKeywordClean}},
				map[uint32][]string{u1: {`\Seen`, IMAPKeywordFindings}})

			err = MarkIMAP(ctx, cfg, validity+1, map[string][]uint32{IMAPKeywordFindings: {u3}})
			if err == nil || !strings.Contains(err.Error(), "UIDVALIDITY changed") {
				t.Errorf("MarkIMAP with a stale UIDVALIDITY: err = %v, want a UIDVALIDITY error", err)
			}
			assertFlags(t, c, map[uint32][]string{u3: {IMAPKeywordClean}}, map[uint32][]string{u3: {IMAPKeywordFindings}})
		})
	}
}

func TestMarkIMAPRefusals(t *testing.T) {
	tests := []struct {
		name  string
		cfg   IMAPConfig
		marks map[string][]uint32
		want  string
	}{
		{"read-only mailbox", IMAPConfig{Addr: "127.0.0.1:1", ReadOnly: true}, map[string][]uint32{IMAPKeywordClean: {1}}, "read_only"},
		{"foreign keyword", IMAPConfig{Addr: "127.0.0.1:1"}, map[string][]uint32{"$Junk": {1}}, "not a patchbot keyword"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := MarkIMAP(context.Background(), tt.cfg, 1, tt.marks)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func equalUIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// assertFlags checks that each UID has every flag of have and none of
// lacks, comparing case-insensitively (go-imap's memory server lowercases
// keywords).
func assertFlags(t *testing.T, c *imapclient.Client, have, lacks map[uint32][]string) {
	t.Helper()
	byUID := map[uint32]imaptest.Message{}
	for _, m := range imaptest.Fetch(t, c, "INBOX", false) {
		byUID[m.UID] = m
	}
	for uid, flags := range have {
		for _, f := range flags {
			if !byUID[uid].HasFlag(imap.Flag(f)) {
				t.Errorf("UID %d: flags %v lack %s", uid, byUID[uid].Flags, f)
			}
		}
	}
	for uid, flags := range lacks {
		for _, f := range flags {
			if byUID[uid].HasFlag(imap.Flag(f)) {
				t.Errorf("UID %d: flags %v have %s", uid, byUID[uid].Flags, f)
			}
		}
	}
}
