package cfront

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestZZAll(t *testing.T) {
	root := os.Getenv("CFRONT_ALL")
	if root == "" {
		t.Skip()
	}
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h")) {
			files = append(files, p)
		}
		return nil
	})
	ch := make(chan string)
	var mu sync.Mutex
	var nf, ni, nerr int
	var slow []string
	var wg sync.WaitGroup
	start := time.Now()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewParser()
			defer p.Close()
			for f := range ch {
				b, _ := os.ReadFile(f)
				t0 := time.Now()
				u, err := p.Parse(context.Background(), b)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					nerr++
					t.Log(f, err)
				} else {
					nf += len(u.Funcs)
					ni += len(u.Inits)
				}
				if d > 500*time.Millisecond {
					slow = append(slow, f+" "+d.String())
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		ch <- f
	}
	close(ch)
	wg.Wait()
	t.Log("files", len(files), "funcs", nf, "inits", ni, "errors", nerr, "took", time.Since(start), "slow", slow)
}
