package cfront

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestMayName(t *testing.T) {
	src := []byte("static int raw_ioctl(struct sock *sk, int cmd, int *karg)\n{\n\treturn put_user(x, karg);\n")
	tests := []struct {
		desc string
		src  []byte
		name string
		want bool
	}{
		{"a name in the source", src, "raw_ioctl", true},
		{"part of a name in the source", src, "ioct", true},
		{"a name not in the source", src, "tcp_ioctl", false},
		{"the empty name", src, "", true},
		{"a nested designator", src, "ops.ioctl", true},
		{"a word the front end wraps fragments in", src, "patchbot_hunk_body__", true},
		{"a syscall name in a SYSCALL_DEFINE header", []byte("SYSCALL_DEFINE3(ioctl, unsigned int, fd,\n"), "sys_ioctl", true},
		{"a name outside a source without SYSCALL_DEFINE", []byte("long ioctl(unsigned int fd,\n"), "sys_ioctl", false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := MayName(tc.src, tc.name); got != tc.want {
				t.Errorf("MayName(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

// TestMayNameCoversParses parses every window of up to 40 lines of every
// fixture, as a fragment under several hunk headers, and checks that
// MayName holds for every name the Unit gives: a query that skips the
// sources for which it is false misses nothing.
func TestMayNameCoversParses(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "cfront", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	headers := []string{"", "static int raw_ioctl(struct sock *sk, int cmd,", "int raw_ioctl(struct sock *sk, int cmd, int *karg)", "struct proto raw_prot = {"}
	p := NewParser()
	defer p.Close()
	windows := 0
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.SplitAfter(src, []byte("\n"))
		for from := range lines {
			for to := from + 1; to <= len(lines) && to-from <= 40; to += 3 {
				w := bytes.Join(lines[from:to], nil)
				for _, h := range headers {
					windows++
					checkNamesCovered(t, p, w, h)
				}
			}
		}
	}
	for _, s := range syscallSeeds {
		for _, h := range headers {
			checkNamesCovered(t, p, []byte(s), h)
		}
	}
	t.Logf("%d windows parsed", windows)
}

var syscallSeeds = []string{
	"SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)\n{\n\treturn do_vfs_ioctl(fd, cmd, arg);\n}\n",
	"COMPAT_SYSCALL_DEFINE0(getpid)\n{\n\treturn 0;\n}\n",
}

// checkNamesCovered parses src under header and fails for a name of the
// Unit that MayName rules out.
func checkNamesCovered(t *testing.T, p *Parser, src []byte, header string) {
	t.Helper()
	u, err := p.ParseFragment(context.Background(), src, header)
	if err != nil {
		return
	}
	for _, n := range unitNames(u) {
		if !MayName(src, n) {
			t.Fatalf("MayName(%q) is false for a name of the parse of\n%s\n(header %q)", n, src, header)
		}
	}
}

// unitNames lists every name a Unit gives.
func unitNames(u *Unit) []string {
	var out []string
	params := func(ft FuncType) {
		for _, p := range ft.Params {
			out = append(out, p.Name)
		}
	}
	expr := func(e Expr) { out = append(out, e.Ident) }
	for _, f := range u.Funcs {
		out = append(out, f.Name)
		params(f.Type)
	}
	for _, s := range u.Structs {
		out = append(out, s.Name)
		for _, m := range s.Members {
			out = append(out, m.Name)
			if m.Func != nil {
				params(*m.Func)
			}
		}
	}
	for _, in := range u.Inits {
		out = append(out, in.Struct, in.Var)
		for _, f := range in.Fields {
			out = append(out, f.Member, f.Ident)
		}
	}
	for _, c := range u.Calls {
		out = append(out, c.Func, c.InFunc)
		for _, a := range c.Args {
			expr(a)
		}
	}
	for _, c := range u.Casts {
		out = append(out, c.InFunc)
		expr(c.Expr)
	}
	for _, d := range u.Decls {
		out = append(out, d.Name, d.InFunc)
	}
	return out
}
