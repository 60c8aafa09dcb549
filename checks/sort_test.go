package checks

import (
	"strconv"
	"strings"
	"testing"
)

func TestSortFindings(t *testing.T) {
	f := func(check, file string, line int, msg string) Finding {
		return Finding{Check: check, File: file, Line: line, Symbol: "s", Message: msg, MessageID: "m"}
	}
	in := []Finding{
		f("unconverted-implementer", "net/b.c", 3, "x"),
		f("dropped-user", "net/a.c", 9, "y"),
		f("callback-signature", "net/b.c", 3, "x"),
		f("dropped-user", "net/a.c", 9, "y"),
		f("dropped-user", "include/a.h", 100, "z"),
	}
	got := sortFindings(in)
	var keys []string
	for _, g := range got {
		keys = append(keys, g.File+":"+strconv.Itoa(g.Line)+" "+g.Check)
	}
	want := []string{"include/a.h:100 dropped-user", "net/a.c:9 dropped-user", "net/b.c:3 callback-signature", "net/b.c:3 unconverted-implementer"}
	if strings.Join(keys, "|") != strings.Join(want, "|") {
		t.Errorf("sorted %q, want %q", keys, want)
	}
}
