package mail

import (
	"strings"
	"testing"
)

func TestLogID(t *testing.T) {
	if got := LogID("a@b"); got != "a@b" {
		t.Errorf("LogID(a@b) = %q", got)
	}
	long := strings.Repeat("x", 40<<10) + "@example.org"
	got := LogID(long)
	if len(got) > 230 || !strings.HasPrefix(got, strings.Repeat("x", 200)) || !strings.HasSuffix(got, "(40972 bytes)") {
		t.Errorf("LogID of a 40 KB id = %q", got)
	}
}
