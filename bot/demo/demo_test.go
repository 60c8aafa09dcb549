package demo

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/bot"
)

func TestDemoRepliesAndThreading(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the tree's stores stay out of the user's cache
	res, err := Run(context.Background(), Options{Grace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	all, err := AllSeries()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string][]string{}
	for _, s := range all {
		for _, m := range s.Mails {
			ids[s.Name] = append(ids[s.Name], msgIDOf(m))
		}
	}
	// Each series with a finding gets one reply, threaded to the patch
	// its finding is in, or to the cover letter for a finding about the
	// whole series; the clean series gets none.
	want := []struct {
		series    string
		inReplyTo string
		to        string
		version   int
		subject   string
		bodyHas   []string
	}{
		{"2-dropped-user", ids["2-dropped-user"][0], "bob@example.org", 1, "Re: [PATCH net-next] net: phonet: simplify pep_copy_obj()", []string{"[dropped-user]"}},
		{"3-callback-signature", ids["3-callback-signature"][2], "carla@example.org", 1, "Re: [PATCH 2/2] net: raw: implement poll_ready", []string{"[callback-signature]"}},
		{"4-unconverted-v1", ids["4-unconverted-v1"][0], "ada@example.org", 1, "Re: [PATCH net-next 0/2] net: ioctl: kernel memory for struct proto ioctl", []string{"[unconverted-implementer]", "l2tp_ioctl"}},
		{"5-unconverted-v2", ids["5-unconverted-v2"][2], "ada@example.org", 2, "Re: [PATCH net-next v2 2/2] net: ioctl: convert the remaining struct proto ioctl callbacks", []string{"Compared with v1: 1 new finding, 0 still present, 1 fixed.", "Fixed since v1:"}},
		{"7-karg-type", ids["7-karg-type"][0], "bob@example.org", 1, "Re: [PATCH net-next] net: ipmr: copy the multicast routing ioctl buffers in kernel memory", []string{"[karg-type]", "Suggested fix: use `struct sioc_sg_req` for `SIOCGETSGCNT`"}},
		{"6-incomplete", ids["6-incomplete"][1], "dan@example.org", 1, "Re: [PATCH 1/3] net: phonet: drop the annotation of pep_copy_obj()", []string{"Patch 2/3 did not arrive within 1s"}},
	}
	if len(res.Replies) != len(want) {
		for _, r := range res.Replies {
			t.Logf("reply:\n%s", r.Data)
		}
		t.Fatalf("%d replies, want %d", len(res.Replies), len(want))
	}
	for i, w := range want {
		t.Run(w.series, func(t *testing.T) {
			r := res.Replies[i]
			h := headers(r.Data)
			if got := h["in-reply-to"]; got != "<"+w.inReplyTo+">" {
				t.Errorf("In-Reply-To %s, want <%s>", got, w.inReplyTo)
			}
			if refs := h["references"]; !strings.HasSuffix(refs, "<"+w.inReplyTo+">") {
				t.Errorf("References %q do not end with the mail replied to", refs)
			}
			if got := h["subject"]; got != w.subject {
				t.Errorf("Subject %q, want %q", got, w.subject)
			}
			if len(r.To) != 1 || r.To[0] != w.to {
				t.Errorf("recipients %q, want only %s", r.To, w.to)
			}
			seriesID := ids[w.series][0]
			if got, want := h["message-id"], "<"+bot.ReplyMessageID(seriesID, w.version, "demo.patchbot.invalid")+">"; got != want {
				t.Errorf("Message-Id %s, want %s", got, want)
			}
			if h["content-type"] != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", h["content-type"])
			}
			for _, s := range append(w.bodyHas, "\r\n-- \r\n", "| patchbot check --tree /path/to/linux -") {
				if !bytes.Contains(r.Data, []byte(s)) {
					t.Errorf("reply lacks %q", s)
				}
			}
		})
	}
	if res.Stats.Clean != 1 || res.Stats.SeriesReviewed != 7 {
		t.Errorf("stats %+v, want 7 series reviewed, 1 clean", res.Stats)
	}
	var out bytes.Buffer
	if err := Print(&out, res); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`15 mails in 7 series read over IMAP; 7 series reviewed: 6 replies sent by SMTP, 1 clean`).Match(out.Bytes()) {
		t.Errorf("summary:\n%s", out.Bytes()[max(0, out.Len()-300):])
	}
}

func msgIDOf(raw []byte) string {
	return strings.Trim(headers(raw)["message-id"], "<>")
}

// headers returns the unfolded header fields of raw, keyed in lower case.
func headers(raw []byte) map[string]string {
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, "\n ", " ")
	s = strings.ReplaceAll(s, "\n\t", " ")
	out := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			k = strings.ToLower(k)
			if _, dup := out[k]; !dup {
				out[k] = strings.TrimSpace(v)
			}
		}
	}
	return out
}
