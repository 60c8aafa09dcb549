package cfront

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/internal/kerneltree"
)

// TestParseLinux61 parses every C file of linux 6.1 net/ipv4 and
// include/net: none may fail, and every .c file defining a function (a
// line starting with "{") must yield at least one definition.
func TestParseLinux61(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	root := kerneltree.Linux61(t)
	p := NewParser()
	defer p.Close()
	files, funcs := 0, 0
	for _, dir := range []string{"net/ipv4", "include/net"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".c") || strings.HasSuffix(path, ".h")) {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			u, err := p.Parse(context.Background(), src)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				return nil
			}
			files++
			defs := 0
			for _, f := range u.Funcs {
				if f.Definition {
					defs++
				}
			}
			funcs += len(u.Funcs)
			if strings.HasSuffix(path, ".c") && bytes.Contains(src, []byte("\n{\n")) && defs == 0 {
				t.Errorf("%s: no function definition found", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d files, %d functions", files, funcs)
}
