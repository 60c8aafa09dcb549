package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDemoCommand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the tree's stores stay out of the user's cache
	var out, errw bytes.Buffer
	code := run(context.Background(), []string{"demo", "-grace", "500ms"}, strings.NewReader(""), &out, &errw)
	if code != exitClean {
		t.Fatalf("exit %d, stderr:\n%s", code, errw.String())
	}
	if n := strings.Count(out.String(), "=== reply "); n != 6 {
		t.Errorf("%d replies printed, want 6:\n%s", n, out.String())
	}
	for _, want := range []string{"In-Reply-To: <", "Subject: Re: [PATCH", "=== summary", "6 replies sent by SMTP, 1 clean",
		"[karg-type]", "Suggested fix: use `struct sioc_sg_req` for `SIOCGETSGCNT`"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestDemoCommandUsage(t *testing.T) {
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"demo", "extra"}, strings.NewReader(""), &out, &errw); code != exitUsage {
		t.Errorf("exit %d for an argument, want %d", code, exitUsage)
	}
}
