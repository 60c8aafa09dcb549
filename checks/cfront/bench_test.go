package cfront

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/patchbot/patchbot/internal/kerneltree"
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

// BenchmarkChunks splits two large files of linux 6.1 (net/core/sock.c
// and net/ipv4/tcp.c, 190 KB) into chunks: what a --tree review does to
// both images of every tree file a series touches.
func BenchmarkChunks(b *testing.B) {
	root := kerneltree.Linux61(b)
	var srcs [][]byte
	size := 0
	for _, rel := range []string{"net/core/sock.c", "net/ipv4/tcp.c"} {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		size += len(src)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, src := range srcs {
			if len(Chunks(src)) < 2 {
				b.Fatal("one chunk")
			}
		}
	}
}
