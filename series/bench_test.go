package series

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/mail"
)

// BenchmarkAssembleIouring reads, decodes and assembles the io-uring list
// archive of 2023 (iouring-2023.mbox, 3,981 mails, 28 MB) from memory.
func BenchmarkAssembleIouring(b *testing.B) {
	raw, err := os.ReadFile(corpus.Path(b, iouringMbox))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var msgs []*mail.Message
		err := mail.ReadMbox(context.Background(), bytes.NewReader(raw), iouringMbox, func(r []byte, source string) error {
			if m, _ := mail.Parse(r, source); m != nil {
				msgs = append(msgs, m)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if res := Assemble(msgs); len(res.Series) == 0 {
			b.Fatal("no series")
		}
	}
}

// BenchmarkAssembleOnly assembles already decoded mails: the share of the
// work that is this package's.
func BenchmarkAssembleOnly(b *testing.B) {
	msgs := readMbox(b, corpus.Path(b, iouringMbox))
	b.ReportAllocs()
	for b.Loop() {
		Assemble(msgs)
	}
}
