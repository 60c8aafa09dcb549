package cfront

import (
	"context"
	"testing"
)

// BenchmarkParseHunk parses the post-image of a hunk changing a function
// (testdata/cfront/hunk_cut_body.c) with a reused Parser.
func BenchmarkParseHunk(b *testing.B) {
	src := fixture(b, "hunk_cut_body.c")
	p := NewParser()
	defer p.Close()
	ctx := context.Background()
	for b.Loop() {
		u, err := p.Parse(ctx, src)
		if err != nil || len(u.Funcs) != 1 {
			b.Fatalf("Parse: %v", err)
		}
	}
}

// BenchmarkParseFile parses a whole kernel-style source file
// (testdata/cfront/raw.c).
func BenchmarkParseFile(b *testing.B) {
	src := fixture(b, "raw.c")
	p := NewParser()
	defer p.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := p.Parse(ctx, src); err != nil {
			b.Fatalf("Parse: %v", err)
		}
	}
}
