package cfront

import (
	"encoding/json"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	f := os.Getenv("CFRONT_DUMP")
	if f == "" {
		t.Skip()
	}
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	u, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(u, "", " ")
	os.WriteFile("/tmp/cfront-dump.json", out, 0o644)
}
