package tree

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, text := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// indexOf indexes a tree of files into a fresh store, with needles.
func indexOf(t *testing.T, files map[string]string, needles ...string) *Index {
	t.Helper()
	root := t.TempDir()
	writeTree(t, root, files)
	x, err := BuildIndex(context.Background(), root, IndexOptions{Needles: needles, CacheDir: t.TempDir(), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// The store follows the tree: a file added in a new directory, a file
// removed, a file touched but unchanged, a file edited.
func TestStoreFollowsTheTree(t *testing.T) {
	root, cache := t.TempDir(), t.TempDir()
	writeTree(t, root, map[string]string{
		"include/net/sock.h": "struct proto {\n\tint (*ioctl)(struct sock *sk, int cmd, unsigned long arg);\n};\n",
		"net/a.c":            "static int a_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n\nstruct proto a_prot = {\n\t.ioctl = a_ioctl,\n};\n",
		"net/b.c":            "int b_ioctl(struct sock *sk, int cmd, unsigned long arg);\n",
		"tools/x.c":          "struct proto x_prot = {\n\t.ioctl = x_ioctl,\n};\n",
	})
	open := func() *Index {
		t.Helper()
		x, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: cache, Log: quietLog()})
		if err != nil {
			t.Fatalf("BuildIndex: %v", err)
		}
		return x
	}
	bound := func(x *Index) []string {
		var out []string
		for _, b := range x.Bindings("proto", "ioctl") {
			out = append(out, b.File+":"+b.Func)
		}
		return out
	}
	if got, want := bound(open()), []string{"net/a.c:a_ioctl"}; !slices.Equal(got, want) {
		t.Fatalf("cold: %q, want %q", got, want)
	}

	later := time.Now().Add(time.Hour)
	writeTree(t, root, map[string]string{
		"net/new/c.c": "struct proto c_prot = {\n\t.ioctl = b_ioctl,\n};\n",
	})
	if err := os.Remove(filepath.Join(root, "net/a.c")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(root, "net/b.c"), later, later); err != nil {
		t.Fatal(err)
	}
	x := open()
	if got, want := bound(x), []string{"net/new/c.c:b_ioctl"}; !slices.Equal(got, want) {
		t.Errorf("after add and remove: %q, want %q", got, want)
	}
	if fs := x.Funcs("a_ioctl"); len(fs) != 0 {
		t.Errorf("a_ioctl of the removed file still indexed: %+v", fs)
	}
	if fs := x.Funcs("b_ioctl"); len(fs) != 1 || fs[0].File != "net/b.c" {
		t.Errorf("b_ioctl of the touched file: %+v", fs)
	}

	writeTree(t, root, map[string]string{"net/b.c": "int b2_ioctl(struct sock *sk, int cmd, unsigned long arg);\n"})
	if err := os.Chtimes(filepath.Join(root, "net/b.c"), later.Add(time.Hour), later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	x = open()
	if len(x.Funcs("b_ioctl")) != 0 || len(x.Funcs("b2_ioctl")) != 1 {
		t.Errorf("after edit: b_ioctl %+v, b2_ioctl %+v", x.Funcs("b_ioctl"), x.Funcs("b2_ioctl"))
	}
	if st, ok := x.Struct("proto"); !ok || st.File != "include/net/sock.h" {
		t.Errorf("struct proto: %+v %v", st, ok)
	}
}

// Needles decide which files an index answers with, and a second index
// with more needles over the same store sees more.
func TestIndexNeedleVisibility(t *testing.T) {
	x := indexOf(t, map[string]string{
		"net/a.c": "struct proto a_prot = {\n\t.ioctl = a_ioctl,\n};\n",
		"net/b.c": "int a_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n",
	}, "struct proto")
	for _, tc := range []struct {
		name  string
		x     *Index
		funcs int
		files int
	}{
		{"needle struct proto", x, 0, 1},
		{"plus the bound function", x.WithNeedles([]string{"struct proto", "a_ioctl"}), 1, 2},
		{"no needles", x.WithNeedles(nil), 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := len(tc.x.Funcs("a_ioctl")); n != tc.funcs {
				t.Errorf("Funcs(a_ioctl): %d entries, want %d", n, tc.funcs)
			}
			if n := tc.x.Files(); n != tc.files {
				t.Errorf("Files() = %d, want %d", n, tc.files)
			}
			if n := len(tc.x.Bindings("proto", "ioctl")); n != 1 {
				t.Errorf("Bindings: %d, want 1", n)
			}
		})
	}
}

func TestMatcherIsBytesContains(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, 1+r.IntN(n))
		for i := range b {
			b[i] = "ab_ c"[r.IntN(5)]
		}
		return string(b)
	}
	for range 2000 {
		needles := make([]string, 1+r.IntN(6))
		for i := range needles {
			needles[i] = word(5)
		}
		text := []byte(word(40))
		want := slices.ContainsFunc(needles, func(n string) bool { return bytes.Contains(text, []byte(n)) })
		if got := newMatcher(needles).match(text); got != want {
			t.Fatalf("needles %q in %q: got %v, want %v", needles, text, got, want)
		}
	}
}

// One index serves queries from several goroutines at once, as the
// review's parallel series do.
func TestIndexConcurrentQueries(t *testing.T) {
	x := indexOf(t, map[string]string{
		"include/net/sock.h": "struct proto {\n\tint (*ioctl)(struct sock *sk, int cmd, unsigned long arg);\n};\n",
		"net/a.c":            "int a_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n\nstruct proto a_prot = {\n\t.ioctl = a_ioctl,\n};\n",
	}, "struct proto")
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			bs := x.Bindings("proto", "ioctl")
			_, ok := x.Struct("proto")
			switch {
			case len(bs) != 1 || !ok:
				errs <- fmt.Sprintf("bindings %+v, struct %v", bs, ok)
			case len(x.Resolve(bs[0])) != 1:
				errs <- fmt.Sprintf("resolve %+v", x.Resolve(bs[0]))
			default:
				errs <- ""
			}
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// The stat check sees every change of an indexed file, in a directory
// whose mtime it leaves alone too (an in-place write that adds a
// binding), and after each update the store is fresh again.
func TestStoreSeesEveryChange(t *testing.T) {
	proto := "struct proto {\n\tint (*ioctl)(struct sock *sk, int cmd, unsigned long arg);\n};\n"
	a := "static int a_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n"
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		change func(t *testing.T, root string)
		want   []string
	}{
		{"an in-place write of the same size adds a binding", func(t *testing.T, root string) {
			// Same length as a: the directory's entries do not change.
			b := "struct proto a_prot = { .ioctl = a_ioctl };\n"
			b += strings.Repeat(" ", len(a)-len(b)-1) + "\n"
			f, err := os.OpenFile(filepath.Join(root, "net/a.c"), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(b); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if err := os.Chtimes(filepath.Join(root, "net/a.c"), later, later); err != nil {
				t.Fatal(err)
			}
		}, []string{"net/a.c:a_ioctl", "net/b.c:b_ioctl", "net/sub/s.c:s_ioctl"}},
		{"an append in place adds a binding", func(t *testing.T, root string) {
			f, err := os.OpenFile(filepath.Join(root, "net/a.c"), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("struct proto a_prot = { .ioctl = a_ioctl };\n"); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}, []string{"net/a.c:a_ioctl", "net/b.c:b_ioctl", "net/sub/s.c:s_ioctl"}},
		{"a file in a new directory adds a binding", func(t *testing.T, root string) {
			writeTree(t, root, map[string]string{"net/x/y/c.c": "struct proto c_prot = { .ioctl = a_ioctl };\n"})
		}, []string{"net/b.c:b_ioctl", "net/sub/s.c:s_ioctl", "net/x/y/c.c:a_ioctl"}},
		{"a binding's file replaced by a directory is gone", func(t *testing.T, root string) {
			if err := os.Remove(filepath.Join(root, "net/b.c")); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(root, "net/b.c"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, []string{"net/sub/s.c:s_ioctl"}},
		{"a binding's directory removed is gone", func(t *testing.T, root string) {
			if err := os.RemoveAll(filepath.Join(root, "net/sub")); err != nil {
				t.Fatal(err)
			}
		}, []string{"net/b.c:b_ioctl"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, cache := t.TempDir(), t.TempDir()
			writeTree(t, root, map[string]string{
				"include/net/sock.h": proto,
				"net/a.c":            a,
				"net/b.c":            "struct proto b_prot = { .ioctl = b_ioctl };\n",
				"net/sub/s.c":        "struct proto s_prot = { .ioctl = s_ioctl };\n",
			})
			open := func() *Index {
				t.Helper()
				x, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: cache, Log: quietLog()})
				if err != nil {
					t.Fatalf("BuildIndex: %v", err)
				}
				return x
			}
			open()
			tc.change(t, root)
			x := open()
			var got []string
			for _, b := range x.Bindings("proto", "ioctl") {
				got = append(got, b.File+":"+b.Func)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("bindings %q, want %q", got, tc.want)
			}
			ch, err := x.st.check(context.Background(), root, 2)
			if err != nil || !ch.none() {
				t.Errorf("after the update the store is not fresh: %+v, %v", ch, err)
			}
		})
	}
}

// TestColdBuildInBatches: a cold build that writes its entries out batch
// by batch (here one file, or three, a batch) makes the store a build of
// the whole tree at once makes, key for key and value for value, with a
// function defined in several files and a struct bound in several.
func TestColdBuildInBatches(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"include/net/sock.h": "struct proto {\n\tint (*ioctl)(struct sock *sk, int cmd, unsigned long arg);\n};\nint a_ioctl(struct sock *sk, int cmd, unsigned long arg);\n",
		"include/broken.h":   "struct {{{ (((\n",
	}
	for i := range 9 {
		files[fmt.Sprintf("net/p%d/af.c", i)] = fmt.Sprintf("int a_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn %d;\n}\n\nstatic int p%d_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n\nstruct proto p%d_prot = {\n\t.ioctl = p%d_ioctl,\n};\n", i, i, i, i)
	}
	writeTree(t, root, files)
	dump := func(batch int) map[string]string {
		t.Helper()
		x, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: t.TempDir(), Log: quietLog(), batch: batch})
		if err != nil {
			t.Fatalf("BuildIndex (batch %d): %v", batch, err)
		}
		out := map[string]string{}
		err = x.st.db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
				return b.ForEach(func(k, v []byte) error {
					out[string(name)+"/"+string(k)] = string(v)
					return nil
				})
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := dump(len(files) + 1)
	if len(whole) < 30 {
		t.Fatalf("the whole build holds only %d entries", len(whole))
	}
	for _, batch := range []int{1, 3} {
		got := dump(batch)
		for k, v := range whole {
			if got[k] != v {
				t.Errorf("batch %d: %q = %q, want %q", batch, k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := whole[k]; !ok {
				t.Errorf("batch %d: extra entry %q", batch, k)
			}
		}
	}
}

// The index's cache directories are the user's alone, as its files are:
// the tree's contents are readable through them.
func TestStoreDirectoriesArePrivate(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"net/a.c": "int a;\n"})
	cache := filepath.Join(t.TempDir(), "patchbot", "tree")
	if _, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: cache, Log: quietLog()}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{cache, filepath.Dir(cache)} {
		if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", dir, st.Mode().Perm(), err)
		}
	}
}
