package tree

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/internal/kerneltree"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// protoIoctl61 is the set of functions bound to .ioctl in struct proto
// initializers of linux 6.1 net/ and include/. Established by reading the
// tree: a multi-line search for `struct proto NAME ... = {` found 61
// initializers (none in include/); reading each one up to its closing `};`
// gave 18 `.ioctl =` fields (dccp v4/v6, ieee802154 dgram, raw, rawv6,
// tcp v4/v6, udp v4/v6, udplite v4/v6, l2tp_ip, l2tp_ip6, mptcp, phonet
// datagram and pep, sctp v4/v6) naming these 11 functions. `.compat_ioctl`
// (raw, rawv6) is another member and not counted.
var protoIoctl61 = []string{
	"dccp_ioctl", "dgram_ioctl", "l2tp_ioctl", "mptcp_ioctl", "pep_ioctl", "pn_ioctl",
	"raw_ioctl", "rawv6_ioctl", "sctp_ioctl", "tcp_ioctl", "udp_ioctl",
}

func buildLinux61(t testing.TB, cacheDir string) *Index {
	t.Helper()
	root := kerneltree.Linux61(t)
	x, err := BuildIndex(context.Background(), root, IndexOptions{
		Dirs:     []string{"net", "include"},
		Needles:  []string{"struct proto"},
		CacheDir: cacheDir,
		Log:      quietLog(),
	})
	if err != nil {
		t.Fatalf("BuildIndex: %v", err)
	}
	return x
}

// testCacheDir is a store directory kept between test runs, so that only
// the first run pays for parsing linux 6.1.
func testCacheDir(t testing.TB, name string) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		return t.TempDir()
	}
	return filepath.Join(base, "patchbot-test", name)
}

func TestTreeIndexLinux61ProtoIoctl(t *testing.T) {
	x := buildLinux61(t, testCacheDir(t, "index-tree"))

	bs := x.Bindings("proto", "ioctl")
	if len(bs) != 18 {
		for _, b := range bs {
			t.Logf("binding %s:%d %s.%s = %s", b.File, b.Line, b.Var, b.Member, b.Func)
		}
		t.Errorf("struct proto .ioctl bindings: got %d, want 18", len(bs))
	}
	var got []string
	for _, b := range bs {
		if !slices.Contains(got, b.Func) {
			got = append(got, b.Func)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, protoIoctl61) {
		t.Errorf("functions bound to struct proto .ioctl:\n got %q\nwant %q", got, protoIoctl61)
	}

	ops := x.Bindings("proto_ops", "ioctl")
	var opsFuncs []string
	for _, b := range ops {
		opsFuncs = append(opsFuncs, b.Func)
		if slices.Contains(protoIoctl61, b.Func) {
			t.Errorf("%s:%d: %s is bound to struct proto_ops .ioctl and counted for struct proto", b.File, b.Line, b.Func)
		}
	}
	for _, want := range []string{"inet_ioctl", "sock_no_ioctl", "rds_ioctl"} {
		if !slices.Contains(opsFuncs, want) {
			t.Errorf("struct proto_ops .ioctl bindings lack %s", want)
		}
	}

	t.Run("member types", func(t *testing.T) {
		for _, tc := range []struct {
			name, structName, file, want string
		}{
			{"proto ioctl", "proto", "include/net/sock.h", "int (struct sock *, int, unsigned long)"},
			{"proto_ops ioctl", "proto_ops", "include/linux/net.h", "int (struct socket *, unsigned int, unsigned long)"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st, ok := x.Struct(tc.structName)
				if !ok {
					t.Fatalf("struct %s not indexed", tc.structName)
				}
				if st.File != tc.file {
					t.Errorf("struct %s found in %s, want %s", tc.structName, st.File, tc.file)
				}
				i := slices.IndexFunc(st.Members, func(m cfront.Member) bool { return m.Name == "ioctl" })
				if i < 0 || st.Members[i].Func == nil {
					t.Fatalf("struct %s has no function-pointer member ioctl", tc.structName)
				}
				if got := st.Members[i].Func.String(); got != tc.want {
					t.Errorf("struct %s .ioctl type = %q, want %q", tc.structName, got, tc.want)
				}
			})
		}
	})

	t.Run("resolve", func(t *testing.T) {
		const want = "int (struct sock *, int, unsigned long)"
		// dccp_ioctl is declared in net/dccp/dccp.h and defined in
		// net/dccp/proto.c; neither file contains the needle.
		unresolved := []string{"dccp_ioctl"}
		for _, b := range bs {
			fs := x.Resolve(b)
			if len(fs) == 0 {
				if !slices.Contains(unresolved, b.Func) {
					t.Errorf("%s:%d: %s resolves to nothing", b.File, b.Line, b.Func)
				}
				continue
			}
			if slices.Contains(unresolved, b.Func) {
				t.Errorf("%s:%d: %s resolves to %+v, yet its files lack the needle", b.File, b.Line, b.Func, fs)
			}
			for _, f := range fs {
				if got := f.Type.String(); got != want {
					t.Errorf("%s:%d: %s resolves to %s:%d of type %q, want %q", b.File, b.Line, b.Func, f.File, f.Line, got, want)
				}
			}
		}
		raw := x.Resolve(Binding{Struct: "proto", Var: "raw_prot", Member: "ioctl", Func: "raw_ioctl", File: "net/ipv4/raw.c"})
		if len(raw) == 0 || raw[0].File != "net/ipv4/raw.c" || !raw[0].Static || !raw[0].Definition {
			t.Errorf("raw_ioctl from net/ipv4/raw.c: got %+v, want the static definition in net/ipv4/raw.c first", raw)
		}
		for _, f := range raw {
			if f.File == "net/ipv6/raw.c" {
				t.Errorf("raw_ioctl of net/ipv4/raw.c resolved into %s", f.File)
			}
		}
	})
}

func TestTreeIndexCache(t *testing.T) {
	root := t.TempDir()
	cache := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		writeTree(t, root, map[string]string{rel: text})
	}
	write("include/net/sock.h", "struct proto {\n\tint (*ioctl)(struct sock *sk, int cmd, unsigned long arg);\n};\n")
	write("net/a.c", "static int a_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n\nstruct proto a_prot = {\n\t.ioctl = a_ioctl,\n};\n")
	write("net/b.c", "int unrelated(void)\n{\n\treturn 1;\n}\n")
	opt := IndexOptions{Needles: []string{"struct proto"}, CacheDir: cache, Log: quietLog()}
	build := func() *Index {
		t.Helper()
		x, err := BuildIndex(context.Background(), root, opt)
		if err != nil {
			t.Fatalf("BuildIndex: %v", err)
		}
		return x
	}
	funcsOf := func(x *Index, member string) []string {
		var out []string
		for _, b := range x.Bindings("proto", member) {
			out = append(out, b.Func)
		}
		return out
	}

	x := build()
	if x.Files() != 2 {
		t.Errorf("Files() = %d, want 2 (net/b.c lacks the needle)", x.Files())
	}
	if got := funcsOf(x, "ioctl"); !slices.Equal(got, []string{"a_ioctl"}) {
		t.Errorf("cold: bindings %q", got)
	}
	entries, err := os.ReadDir(cache)
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache dir holds %v (%v), want one cache file", entries, err)
	}

	x = build()
	if got := funcsOf(x, "ioctl"); !slices.Equal(got, []string{"a_ioctl"}) {
		t.Errorf("warm: bindings %q", got)
	}

	// Same size, same mtime forced back: the fast path trusts it; a new
	// mtime makes the change visible.
	write("net/a.c", "static int b_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n\nstruct proto a_prot = {\n\t.ioctl = b_ioctl,\n};\n")
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(root, "net/a.c"), future, future); err != nil {
		t.Fatal(err)
	}
	x = build()
	if got := funcsOf(x, "ioctl"); !slices.Equal(got, []string{"b_ioctl"}) {
		t.Errorf("after edit: bindings %q, want [b_ioctl]", got)
	}

	// A file gaining the needle is picked up.
	write("net/b.c", "struct proto b_prot = {\n\t.ioctl = b2_ioctl,\n};\n")
	x = build()
	if got := funcsOf(x, "ioctl"); !slices.Equal(got, []string{"b_ioctl", "b2_ioctl"}) {
		t.Errorf("after new file: bindings %q, want [b_ioctl b2_ioctl]", got)
	}

	// The tree is never written to.
	var names []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if want := []string{"include/net/sock.h", "net/a.c", "net/b.c"}; !slices.Equal(names, want) {
		t.Errorf("tree files %q, want %q", names, want)
	}
}

// BenchmarkIndexLinux61Cold builds the store of the whole linux 6.1 tree
// (every kernel .c and .h parsed, all workers) in an empty cache
// directory: what the first --tree run over a tree pays.
func BenchmarkIndexLinux61Cold(b *testing.B) {
	root := kerneltree.Linux61(b)
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		x, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: dir, Log: quietLog()})
		if err != nil || len(x.Bindings("proto", "ioctl")) == 0 {
			b.Fatalf("BuildIndex: %v", err)
		}
	}
}

// warmLinux61 opens the index of the whole linux 6.1 tree from a store
// kept between runs, with the needles of the leitao ioctl series.
func warmLinux61(b *testing.B) (*Index, IndexOptions) {
	root := kerneltree.Linux61(b)
	opt := IndexOptions{
		Needles:  []string{"struct proto", "sock_ioctl_out", "raw_ioctl", "udp_ioctl", "tcp_ioctl"},
		CacheDir: testCacheDir(b, "tree-bench"),
		Log:      quietLog(),
	}
	x, err := BuildIndex(context.Background(), root, opt)
	if err != nil {
		b.Fatalf("BuildIndex: %v", err)
	}
	return x, opt
}

// BenchmarkIndexLinux61Warm opens the index of the whole linux 6.1 tree
// from a filled store: the stat check of every file and directory, no
// entry read.
func BenchmarkIndexLinux61Warm(b *testing.B) {
	_, opt := warmLinux61(b)
	root := kerneltree.Linux61(b)
	for b.Loop() {
		if _, err := BuildIndex(context.Background(), root, opt); err != nil {
			b.Fatalf("BuildIndex: %v", err)
		}
	}
}

// BenchmarkIndexLinux61Queries asks a fresh index of linux 6.1 what
// unconverted-implementer asks for the struct proto .ioctl rule: the
// bindings, each binding resolved, the struct, and the needles' functions.
func BenchmarkIndexLinux61Queries(b *testing.B) {
	x, opt := warmLinux61(b)
	for b.Loop() {
		y := x.WithNeedles(opt.Needles)
		bs := y.Bindings("proto", "ioctl")
		if len(bs) != 18 {
			b.Fatalf("%d bindings of struct proto .ioctl, want 18", len(bs))
		}
		for _, bd := range bs {
			y.Resolve(bd)
		}
		if _, ok := y.Struct("proto"); !ok {
			b.Fatal("struct proto not indexed")
		}
		for _, n := range opt.Needles[1:] {
			y.Funcs(n)
		}
	}
}

func TestTreeIndexResolve(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"include/net/a.h": "int shared_ioctl(struct sock *sk, int cmd, unsigned long arg);\n" +
			"static inline int inline_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n",
		"net/a.c": "static int local_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n\n" +
			"struct proto a_prot = {\n\t.ioctl = local_ioctl,\n};\n\nstruct proto a2_prot = {\n\t.ioctl = shared_ioctl,\n};\n\n" +
			"struct proto a3_prot = {\n\t.ioctl = inline_ioctl,\n};\n",
		"net/b.c": "static int local_ioctl(struct sock *sk, int cmd, int *karg)\n{\n\treturn 0;\n}\n\n" +
			"int shared_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\treturn 0;\n}\n",
	}
	writeTree(t, root, files)
	x, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: t.TempDir(), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	where := func(fs []IndexedFunc) []string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s:%d", f.File, f.Line))
		}
		return out
	}
	bs := x.Bindings("proto", "ioctl")
	if len(bs) != 3 {
		t.Fatalf("bindings %+v", bs)
	}
	for _, tc := range []struct {
		name string
		b    Binding
		want []string
	}{
		{"static function stays in its file", bs[0], []string{"net/a.c:1"}},
		{"global definition elsewhere, plus header prototype", bs[1], []string{"net/b.c:6", "include/net/a.h:1"}},
		{"static inline from a header", bs[2], []string{"include/net/a.h:2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := where(x.Resolve(tc.b)); !slices.Equal(got, tc.want) {
				t.Errorf("Resolve(%s) = %q, want %q", tc.b.Func, got, tc.want)
			}
		})
	}
	t.Run("read file", func(t *testing.T) {
		b, err := x.ReadFile("net/b.c")
		if err != nil || string(b) != files["net/b.c"] {
			t.Errorf("ReadFile: %q, %v", b, err)
		}
		for _, bad := range []string{"../etc/passwd", "/etc/passwd", "net/../../x"} {
			if _, err := x.ReadFile(bad); err == nil {
				t.Errorf("ReadFile(%q) succeeded outside the tree", bad)
			}
		}
	})
}

// BindingStructs names the structs whose member is bound anywhere in the
// tree, whatever the needles.
func TestBindingStructs(t *testing.T) {
	root := t.TempDir()
	for path, text := range map[string]string{
		"net/a/a.c": "struct proto a_prot = {\n\t.ioctl = a_ioctl,\n};\n",
		"net/b/b.c": "static const struct proto_ops b_ops = {\n\t.ioctl = b_ioctl,\n\t.bind = b_bind,\n};\n",
		"net/c/c.c": "struct other c = {\n\t.bind = c_bind,\n};\n",
	} {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	x, err := BuildIndex(context.Background(), root, IndexOptions{CacheDir: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	x = x.WithNeedles([]string{"nothing matches this"})
	if got := x.BindingStructs("ioctl"); strings.Join(got, ",") != "proto,proto_ops" {
		t.Errorf("BindingStructs(ioctl) = %v", got)
	}
	if got := x.BindingStructs("bind"); strings.Join(got, ",") != "other,proto_ops" {
		t.Errorf("BindingStructs(bind) = %v", got)
	}
}
