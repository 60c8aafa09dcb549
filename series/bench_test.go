package series

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"sync"
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
		msgs, err := decodeMbox(raw)
		if err != nil {
			b.Fatal(err)
		}
		if res := Assemble(msgs); len(res.Series) == 0 {
			b.Fatal("no series")
		}
	}
}

// decodeMbox splits an mbox and decodes its mails on every CPU, the way a
// pipeline reading an archive would; mails that do not decode are left
// out.
func decodeMbox(raw []byte) ([]*mail.Message, error) {
	type job struct {
		raw    []byte
		source string
	}
	jobs := make(chan job, 64)
	var (
		mu   sync.Mutex
		msgs []*mail.Message
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if m, _ := mail.Parse(j.raw, j.source); m != nil {
					mu.Lock()
					msgs = append(msgs, m)
					mu.Unlock()
				}
			}
		}()
	}
	err := mail.ReadMbox(context.Background(), bytes.NewReader(raw), iouringMbox, func(r []byte, source string) error {
		jobs <- job{r, source}
		return nil
	})
	close(jobs)
	wg.Wait()
	return msgs, err
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
