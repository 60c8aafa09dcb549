package mail

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// seedFixtures adds every hand-written fixture file as a fuzz seed.
func seedFixtures(f *testing.F) {
	err := filepath.WalkDir(fixtureDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(b)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

func FuzzParse(f *testing.F) {
	seedFixtures(f)
	f.Add([]byte("Message-ID: <a@x>\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b--\n"))
	f.Add([]byte("Subject: =?x-unknown?Q?a?=\nFrom: =?utf-8?B?!!?= <a\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, err := Parse(raw, "fuzz")
		if msg == nil {
			var re *ReadError
			if !errors.As(err, &re) || re.Source != "fuzz" {
				t.Fatalf("no message and error %v (%T), want a *ReadError naming the source", err, err)
			}
			return
		}
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("warning %v is a %T, want *ReadError", err, err)
			}
		}
		if strings.ContainsAny(msg.Body, "\r\x00") {
			t.Fatalf("Body keeps CR or NUL: %q", msg.Body)
		}
		if !bytes.Equal(msg.Raw, raw) {
			t.Fatal("Raw is not the input")
		}
		if strings.ContainsAny(msg.MessageID, " \t\r\n<>") {
			t.Fatalf("MessageID %q has brackets or spaces", msg.MessageID)
		}
	})
}

func FuzzReadMbox(f *testing.F) {
	seedFixtures(f)
	f.Add([]byte("From a Mon Mar 20 10:00:00 2023\r\n\r\nFrom a Mon Mar 20 10:00:00 2023\n>>From x\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := splitForFuzz(data)
		if err != nil {
			return // not an mbox: nothing more to hold it to
		}
		// Writing the messages back as mboxrd and splitting again must
		// give the same messages: separators, escaping and the
		// separator blank line are all undone exactly.
		var out bytes.Buffer
		want := make([]string, len(first))
		for i, m := range first {
			out.WriteString("From fuzz@z Thu Jan  1 00:00:00 1970\n")
			esc := EscapeFrom(nil, []byte(m))
			if back := UnescapeFrom(esc); string(back) != m {
				t.Fatalf("UnescapeFrom(EscapeFrom(%q)) = %q", m, back)
			}
			out.Write(esc)
			want[i] = m
			if !strings.HasSuffix(m, "\n") {
				out.WriteByte('\n')
				want[i] = m + "\n"
			}
			out.WriteByte('\n')
		}
		again, err := splitForFuzz(out.Bytes())
		if err != nil {
			t.Fatalf("re-split of written mbox: %v", err)
		}
		if len(again) != len(want) {
			t.Fatalf("re-split gave %d messages, want %d", len(again), len(want))
		}
		for i := range want {
			if again[i] != want[i] {
				t.Fatalf("message %d changed in the round trip:\n%q\nwant\n%q", i+1, again[i], want[i])
			}
		}
	})
}

// splitForFuzz splits data and checks the sources number 1..N.
func splitForFuzz(data []byte) ([]string, error) {
	var msgs []string
	err := ReadMbox(context.Background(), bytes.NewReader(data), "f", func(raw []byte, src string) error {
		if want := "f:" + strconv.Itoa(len(msgs)+1); src != want {
			return errors.New("source " + src + ", want " + want)
		}
		msgs = append(msgs, string(raw))
		return nil
	})
	return msgs, err
}
