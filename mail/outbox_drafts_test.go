package mail

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
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

func TestDraftsOutbox(t *testing.T) {
	second := smtpTestReply()
	second.MessageID = "patchbot.fedcba9876543210@patchbot.example.org"
	second.Body = "second reply\n"
	tests := []struct {
		name    string
		mailbox string
		replies []*Reply
		wantErr bool
	}{
		{"each reply becomes a draft", "Drafts", []*Reply{smtpTestReply(), second}, false},
		{"a missing mailbox is created", "Review", []*Reply{smtpTestReply()}, false},
		{"no mailbox name is an error and logs nothing", "", []*Reply{smtpTestReply()}, true},
	}
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b := be.start(t)
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var logs bytes.Buffer
					ob := &DraftsOutbox{IMAP: b.config(), Mailbox: tc.mailbox, Log: slog.New(slog.NewTextHandler(&logs, nil))}
					for _, r := range tc.replies {
						err := ob.Send(context.Background(), r)
						if (err != nil) != tc.wantErr {
							t.Fatalf("Send: %v, want error %v", err, tc.wantErr)
						}
					}
					if tc.wantErr {
						if logs.Len() != 0 {
							t.Errorf("a failed Send logged %q", logs.String())
						}
						return
					}
					msgs := imaptest.Fetch(t, b.client(), tc.mailbox, true)
					if len(msgs) != len(tc.replies) {
						t.Fatalf("%d messages in %s, want %d", len(msgs), tc.mailbox, len(tc.replies))
					}
					for i, m := range msgs {
						if !m.HasFlag(imap.FlagDraft) {
							t.Errorf("draft %d has flags %v, want \\Draft", i+1, m.Flags)
						}
						if want := tc.replies[i].Bytes(); !bytes.Equal(m.Body, want) {
							t.Errorf("draft %d body\n%s\nwant\n%s", i+1, m.Body, want)
						}
						if !strings.Contains(logs.String(), "reply saved as a draft") || !strings.Contains(logs.String(), tc.replies[i].MessageID) {
							t.Errorf("log %q does not name draft %d", logs.String(), i+1)
						}
					}
				})
			}
		})
	}
}
