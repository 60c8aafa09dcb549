package mail

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type splitMail struct {
	raw    string
	source string
}

func splitAll(t *testing.T, data []byte, source string) ([]splitMail, error) {
	t.Helper()
	var got []splitMail
	err := ReadMbox(context.Background(), bytes.NewReader(data), source, func(raw []byte, src string) error {
		got = append(got, splitMail{string(raw), src})
		return nil
	})
	return got, err
}

func TestReadMbox(t *testing.T) {
	hdr := func(id string) string { return "Message-ID: <" + id + ">\n\n" }
	tests := []struct {
		name string
		data string
		want []splitMail
	}{
		{
			name: "mboxo fixture: >From unescaped, From mid-paragraph is no separator",
			data: string(readFixture(t, "mboxo.mbox")),
			want: []splitMail{
				{"From: Ada Example <ada@example.org>\nTo: netdev@vger.kernel.org\nSubject: first\n" +
					"Date: Mon, 20 Mar 2023 10:00:00 +0000\nMessage-ID: <mboxo-1@example.org>\n\n" +
					"Hello.\n\nFrom the start this was wrong.\nA line\nFrom here on, mid-paragraph.\n", "f:1"},
				{"From: Ada Example <ada@example.org>\nTo: netdev@vger.kernel.org\nSubject: second\n" +
					"Date: Mon, 20 Mar 2023 10:00:00 +0000\nMessage-ID: <mboxo-2@example.org>\n\nSecond body.\n", "f:2"},
			},
		},
		{
			name: "mboxrd fixture: one > removed from ^>+From, last message without separator",
			data: string(readFixture(t, "mboxrd.mbox")),
			want: []splitMail{
				{"From: Ada Example <ada@example.org>\nTo: netdev@vger.kernel.org\nSubject: first\n" +
					"Date: Mon, 20 Mar 2023 10:00:00 +0000\nMessage-ID: <mboxrd-1@example.org>\n\n" +
					"Quoted:\n\nFrom escaped once\n>From escaped twice\n> From not escaped (space)\n>>From three\n", "f:1"},
				{"From: Ada Example <ada@example.org>\nTo: netdev@vger.kernel.org\nSubject: second\n" +
					"Date: Mon, 20 Mar 2023 10:00:00 +0000\nMessage-ID: <mboxrd-2@example.org>\n\nSecond.\n", "f:2"},
				{"From: Ada Example <ada@example.org>\nTo: netdev@vger.kernel.org\nSubject: third\n" +
					"Date: Mon, 20 Mar 2023 10:00:00 +0000\nMessage-ID: <mboxrd-3@example.org>\n\nThird, no trailing separator.\n", "f:3"},
			},
		},
		{
			name: "CRLF mbox: CRLF separator line stripped, bytes otherwise kept",
			data: "From a@b Mon Mar 20 10:00:00 2023\r\n" + "Message-ID: <1@x>\r\n\r\nbody\r\n\r\n" +
				"From a@b Mon Mar 20 10:00:00 2023\r\n" + "Message-ID: <2@x>\r\n\r\n>From x\r\n",
			want: []splitMail{{"Message-ID: <1@x>\r\n\r\nbody\r\n", "f:1"}, {"Message-ID: <2@x>\r\n\r\nFrom x\r\n", "f:2"}},
		},
		{
			name: "an unescaped body line \"From now on\" after a blank line is no separator (git format-patch)",
			data: "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n" + hdr("1@x") +
				"Intro.\n\nFrom now on: all is well at 10:00.\n\nFrom x Mon 1 2 3\n",
			want: []splitMail{{hdr("1@x") + "Intro.\n\nFrom now on: all is well at 10:00.\n\nFrom x Mon 1 2 3\n", "f:1"}},
		},
		{
			name: "blank lines before the first separator are skipped",
			data: "\n\nFrom a@b Mon Mar 20 10:00:00 2023\n" + hdr("1@x") + "b\n",
			want: []splitMail{{hdr("1@x") + "b\n", "f:1"}},
		},
		{
			name: "a body that keeps two blank lines before the separator loses only one",
			data: "From a@b Mon Mar 20 10:00:00 2023\n" + hdr("1@x") + "b\n\n\nFrom a@b Mon Mar 20 10:00:00 2023\n" + hdr("2@x") + "c\n\n\n",
			want: []splitMail{{hdr("1@x") + "b\n\n", "f:1"}, {hdr("2@x") + "c\n\n", "f:2"}},
		},
		{
			name: "last line without a newline",
			data: "From a@b Mon Mar 20 10:00:00 2023\n" + hdr("1@x") + "no newline",
			want: []splitMail{{hdr("1@x") + "no newline", "f:1"}},
		},
		{
			name: "empty stream has no messages",
			data: "",
			want: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitAll(t, []byte(tc.data), "f")
			if err != nil {
				t.Fatalf("ReadMbox: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestReadMboxLongLines(t *testing.T) {
	tests := []struct {
		name string
		size int
	}{
		{"line longer than 64 KiB", 100 << 10},
		{"line longer than the read buffer", 4*mboxBufferSize + 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			long := strings.Repeat("x", tc.size)
			body := "Message-ID: <1@x>\n\n" + long + "\nend\n"
			data := "From a@b Mon Mar 20 10:00:00 2023\n" + body + "\nFrom a@b Mon Mar 20 10:00:00 2023\nMessage-ID: <2@x>\n\n>" + long[:70000] + "\n"
			got, err := splitAll(t, []byte(data), "f")
			if err != nil {
				t.Fatalf("ReadMbox: %v", err)
			}
			if len(got) != 2 {
				t.Fatalf("got %d messages, want 2", len(got))
			}
			if got[0].raw != body {
				t.Errorf("first message: %d bytes, want %d (content differs)", len(got[0].raw), len(body))
			}
			if want := "Message-ID: <2@x>\n\n>" + long[:70000] + "\n"; got[1].raw != want {
				t.Errorf("second message: %d bytes, want %d", len(got[1].raw), len(want))
			}
		})
	}
}

func TestReadMboxErrors(t *testing.T) {
	stop := errors.New("stop here")
	tests := []struct {
		name    string
		data    string
		ctx     func() context.Context
		fnErr   error
		want    error
		wantMsg string
		wantN   int
	}{
		{
			name:    "not an mbox",
			data:    "Message-ID: <1@x>\n\nbody\n",
			wantMsg: `read mbox f: not an mbox: the first line is no "From " separator line`,
		},
		{
			name:  "fn error stops the split and comes back unchanged",
			data:  "From a Mon Mar 20 10:00:00 2023\nM: 1\n\nFrom a Mon Mar 20 10:00:00 2023\nM: 2\n",
			fnErr: stop,
			want:  stop,
			wantN: 1,
		},
		{
			name: "cancelled context",
			data: "From a Mon Mar 20 10:00:00 2023\nM: 1\n",
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			want: context.Canceled,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.ctx != nil {
				ctx = tc.ctx()
			}
			n := 0
			err := ReadMbox(ctx, strings.NewReader(tc.data), "f", func([]byte, string) error {
				n++
				return tc.fnErr
			})
			if err == nil {
				t.Fatal("ReadMbox succeeded, want an error")
			}
			if tc.want != nil && err != tc.want {
				t.Errorf("error = %v, want exactly %v", err, tc.want)
			}
			if tc.wantMsg != "" && err.Error() != tc.wantMsg {
				t.Errorf("error = %q, want %q", err, tc.wantMsg)
			}
			if n != tc.wantN {
				t.Errorf("fn called %d times, want %d", n, tc.wantN)
			}
		})
	}
}

func TestReadMboxGivesOwnedBytes(t *testing.T) {
	var kept [][]byte
	data := "From a Mon Mar 20 10:00:00 2023\nMessage-ID: <1@x>\n\none\n\nFrom a Mon Mar 20 10:00:00 2023\nMessage-ID: <2@x>\n\ntwo\n"
	err := ReadMbox(context.Background(), strings.NewReader(data), "f", func(raw []byte, _ string) error {
		kept = append(kept, raw)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(kept[0]); got != "Message-ID: <1@x>\n\none\n" {
		t.Errorf("first message was overwritten by the second: %q", got)
	}
}

func TestIsMbox(t *testing.T) {
	tests := []struct {
		name  string
		first string
		want  bool
	}{
		{"public-inbox mboxrd", "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: a", true},
		{"git format-patch", "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n", true},
		{"RFC 5322 From header", "From: Ada <a@x>\n", false},
		{"other header first", "Message-ID: <a@x>\nFrom a Mon Mar 20 10:00:00 2023\n", false},
		{"bare From with nothing after", "From \n", false},
		{"From line without a time and year", "From here on we agree\n", false},
		{"From line with a year of 90 or less", "From a Mon Mar 20 10:00:00 90\n", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsMbox([]byte(tc.first)); got != tc.want {
				t.Errorf("IsMbox(%q) = %v, want %v", tc.first, got, tc.want)
			}
		})
	}
}

func TestEscapeFrom(t *testing.T) {
	tests := []struct{ name, raw, esc string }{
		{"nothing to escape", "Subject: x\n\nbody\n", "Subject: x\n\nbody\n"},
		{"a From line gains one >", "From a Mon Sep 17 00:00:00 2001\nx\n", ">From a Mon Sep 17 00:00:00 2001\nx\n"},
		{"escaped lines gain one more", ">From a\n>>From b\n", ">>From a\n>>>From b\n"},
		{"From: and > alone are left", "From: a\n>\n>From\n", "From: a\n>\n>From\n"},
		{"CRLF and no last newline", "x\r\nFrom y\r\nFrom z", "x\r\n>From y\r\n>From z"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			esc := EscapeFrom(nil, []byte(tt.raw))
			if string(esc) != tt.esc {
				t.Errorf("EscapeFrom = %q, want %q", esc, tt.esc)
			}
			if back := UnescapeFrom(esc); string(back) != tt.raw {
				t.Errorf("UnescapeFrom(EscapeFrom) = %q, want %q", back, tt.raw)
			}
		})
	}
}
