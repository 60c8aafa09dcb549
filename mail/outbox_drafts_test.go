package mail

import (
	"bytes"
	"context"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/patchbot/patchbot/internal/imaptest"
)

func TestAppendDraft(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			cfg := b.config()
			ctx := context.Background()
			drafts := []([]byte){testMail("draft", 1), testMail("draft", 2)}
			// The first APPEND finds no Drafts mailbox and creates it; the
			// second finds it.
			for _, raw := range drafts {
				if err := AppendDraft(ctx, cfg, "Drafts", raw); err != nil {
					t.Fatalf("AppendDraft: %v", err)
				}
			}
			msgs := imaptest.Fetch(t, b.client(), "Drafts", true)
			if len(msgs) != len(drafts) {
				t.Fatalf("%d messages in Drafts, want %d", len(msgs), len(drafts))
			}
			for i, m := range msgs {
				if !m.HasFlag(imap.FlagDraft) {
					t.Errorf("draft %d has flags %v, want \\Draft", i+1, m.Flags)
				}
				if !bytes.Equal(m.Body, drafts[i]) {
					t.Errorf("draft %d body %q, want %q", i+1, m.Body, drafts[i])
				}
			}
		})
	}
	t.Run("no mailbox name", func(t *testing.T) {
		err := AppendDraft(context.Background(), IMAPConfig{Addr: "127.0.0.1:1", Username: "bot"}, "", nil)
		if err == nil {
			t.Fatal("AppendDraft with no mailbox succeeded")
		}
	})
}
