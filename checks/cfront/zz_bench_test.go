package cfront

import (
	"context"
	"os"
	"testing"
)

func BenchmarkZZFile(b *testing.B) {
	src, err := os.ReadFile(os.Getenv("CFRONT_FILE"))
	if err != nil {
		b.Skip()
	}
	p := NewParser()
	defer p.Close()
	for b.Loop() {
		if _, err := p.Parse(context.Background(), src); err != nil {
			b.Fatal(err)
		}
	}
}
