package mail

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/internal/corpus"
)

// iouringMessages is the true number of messages in the corpus file
// iouring-2023.mbox: 3,981 "From mboxrd@z" separators, 3,981 index rows,
// and as many messages read (the issue text's 3,980 is one short).
const iouringMessages = 3981

// indexRow is one row of iouring-2023.index.tsv.
type indexRow struct {
	blob      string // git blob id of the archived message bytes
	messageID string // with angle brackets
}

// readIndex returns the rows of iouring-2023.index.tsv, checking that
// column 1 numbers them 1..N.
func readIndex(t *testing.T) []indexRow {
	t.Helper()
	f, err := os.Open(corpus.Path(t, "iouring-2023.index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var rows []indexRow
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue // header row
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || cols[0] != strconv.Itoa(line) {
			t.Fatalf("index row %d malformed: %q", line, sc.Text())
		}
		rows = append(rows, indexRow{blob: cols[2], messageID: cols[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCorpusIouring2023(t *testing.T) {
	path := corpus.Path(t, "iouring-2023.mbox")
	want := readIndex(t)
	if len(want) != iouringMessages {
		t.Fatalf("index has %d rows, want %d", len(want), iouringMessages)
	}

	msgs, errs, err := (&Reader{}).ReadAll(context.Background(), []string{path})
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}

	// Every failure must carry a named reason; this archive year has one:
	// a reply whose text/plain part declares charset "utf-7", which
	// go-message has no decoder for; it is decoded as UTF-7 and noted.
	for _, e := range errs {
		t.Logf("failure: %v", e)
	}
	if len(errs) != 1 {
		t.Fatalf("got %d failures, want 1", len(errs))
	}
	var re *ReadError
	if !errors.As(errs[0], &re) || !errors.Is(errs[0], ErrUnknownCharset) ||
		re.Source != path+":2863" || re.MessageID != "SJ0PR08MB649422919BA3E86C48E83340AB12A@SJ0PR08MB6494.namprd08.prod.outlook.com" ||
		!strings.Contains(re.Error(), `unknown charset "utf-7": read as UTF-7`) {
		t.Errorf("failure = %v, want message 2863 with unknown charset \"utf-7\" read as UTF-7", errs[0])
	}

	if len(msgs) != iouringMessages {
		t.Fatalf("read %d messages, want %d", len(msgs), iouringMessages)
	}
	var noDate, noFrom, diffLost int
	for i, m := range msgs {
		if got := "<" + m.MessageID + ">"; got != want[i].messageID {
			t.Errorf("message %d: Message-ID %s, index says %s", i+1, got, want[i].messageID)
		}
		// The split and the mboxrd unescaping must give back the archived
		// bytes exactly: their git blob id is in the index.
		if got := gitBlobID(m.Raw); got != want[i].blob {
			t.Errorf("message %d: Raw has blob id %s, index says %s", i+1, got, want[i].blob)
		}
		if wantSrc := path + ":" + strconv.Itoa(i+1); m.Source != wantSrc {
			t.Errorf("message %d: Source %q, want %q", i+1, m.Source, wantSrc)
		}
		if m.Date.IsZero() {
			noDate++
		}
		if m.From.Email == "" {
			noFrom++
		}
		// A diff visible in the raw bytes (7bit/8bit parts) must reach
		// the body, whatever part carried it.
		if strings.Contains(string(m.Raw), "\ndiff --git ") && !strings.Contains(m.Body, "diff --git ") {
			diffLost++
			t.Logf("diff not in body: %s <%s>", m.Source, m.MessageID)
		}
	}
	if noDate != 0 || noFrom != 0 || diffLost != 0 {
		t.Errorf("%d messages without Date, %d without From, %d lost their diff; want 0", noDate, noFrom, diffLost)
	}
}

// gitBlobID is what `git hash-object` prints for b.
func gitBlobID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func TestCorpusEmlFolders(t *testing.T) {
	for _, dir := range []string{"seed-thread", "leitao-ioctl", "sparse-found", "netdev-clean"} {
		t.Run(dir, func(t *testing.T) {
			d := corpus.Path(t, dir)
			files, err := filepath.Glob(filepath.Join(d, "*.eml"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no .eml files in %s: %v", d, err)
			}
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				msg, err := Parse(raw, f)
				if err != nil || msg == nil {
					t.Errorf("%s: %v", filepath.Base(f), err)
					continue
				}
				if msg.MessageID == "" || msg.Subject == "" || msg.From.Email == "" || msg.Date.IsZero() || strings.TrimSpace(msg.Body) == "" {
					t.Errorf("%s: incomplete message: id %q subject %q from %q date %v body %d bytes",
						filepath.Base(f), msg.MessageID, msg.Subject, msg.From.Email, msg.Date, len(msg.Body))
				}
			}
			t.Logf("%d messages read", len(files))
		})
	}
}

// BenchmarkReadMboxIouring splits and parses the 28 MiB corpus mbox
// iouring-2023.mbox (3,981 messages) per iteration.
func BenchmarkReadMboxIouring(b *testing.B) {
	path := corpus.Path(b, "iouring-2023.mbox")
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		err = ReadMbox(context.Background(), f, path, func(raw []byte, src string) error {
			if msg, _ := Parse(raw, src); msg != nil {
				n++
			}
			return nil
		})
		f.Close()
		if err != nil || n != iouringMessages {
			b.Fatalf("read %d messages, err %v", n, err)
		}
	}
}
