package series

import (
	"context"
	"os"
	"testing"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/mail"
)

// iouringMbox is the io-uring list archive of 2023 in the shared corpus.
const iouringMbox = "iouring-2023.mbox"

// readMbox reads and decodes every mail of an mbox file; mails that do not
// decode are reported through tb.Logf and left out.
func readMbox(tb testing.TB, path string) []*mail.Message {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open corpus mbox: %v", err)
	}
	defer f.Close()
	var msgs []*mail.Message
	err = mail.ReadMbox(context.Background(), f, path, func(raw []byte, source string) error {
		m, err := mail.Parse(raw, source)
		if err != nil {
			if m == nil {
				tb.Logf("skip undecodable mail %s: %v", source, err)
				return nil
			}
		}
		msgs = append(msgs, m)
		return nil
	})
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return msgs
}

func TestAssembleIouringExplore(t *testing.T) {
	msgs := readMbox(t, corpus.Path(t, iouringMbox))
	res := Assemble(msgs)
	complete, withVersions := 0, 0
	for _, s := range res.Series {
		if s.Complete {
			complete++
		}
		if len(s.Versions) > 0 {
			withVersions++
		}
	}
	reasons := map[string]int{}
	for _, s := range res.Skipped {
		reasons[s.Reason]++
	}
	t.Logf("mails %d series %d complete %d withVersions %d skipped %d %v", len(msgs), len(res.Series), complete, withVersions, len(res.Skipped), reasons)
	if os.Getenv("DUMP") != "" {
		for _, s := range res.Series {
			t.Logf("S v%d %d/%d c=%v miss=%v vers=%d id=%s %q probs=%v", s.Version, len(s.Patches), s.Total, s.Complete, s.Missing, len(s.Versions), s.ID, s.Title, s.Problems)
		}
	}
}

func TestDumpSkips(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip("DUMP unset")
	}
	msgs := readMbox(t, corpus.Path(t, iouringMbox))
	byID := map[string]*mail.Message{}
	for _, m := range msgs {
		byID[m.MessageID] = m
	}
	res := Assemble(msgs)
	for _, s := range res.Skipped {
		if s.Reason != "reply" {
			t.Logf("%s | %q", s.Reason, byID[s.MessageID].Subject)
		}
	}
}
