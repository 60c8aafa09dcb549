package cfront

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseHeaderFunctions(t *testing.T) {
	u := parseFixture(t, "sock.h")
	tests := []struct {
		name       string
		definition bool
		static     bool
		line, end  int
		ret        string
		params     []string
		variadic   bool
		gcc        string
	}{
		{
			name: "sock_ioctl_out", line: 51, end: 51, ret: "int",
			params: []string{"sk: struct sock *", "cmd: unsigned int", "arg: void __user *"},
			gcc:    "int (struct sock *, unsigned int, void *)",
		},
		{
			name: "sk_ioctl", line: 52, end: 53, ret: "int",
			params: []string{"sk: struct sock *", "cmd: unsigned int", "arg: void __user *"},
			gcc:    "int (struct sock *, unsigned int, void *)",
		},
		{
			name: "sock_no_op", definition: true, static: true, line: 54, end: 54, ret: "int",
			params: []string{"sk: struct sock *"}, gcc: "int (struct sock *)",
		},
		{
			name: "sock_printk", line: 55, end: 55, ret: "int", params: []string{"fmt: const char *"},
			variadic: true, gcc: "int (const char *, ...)",
		},
		{name: "sock_set_flag_all", line: 56, end: 56, ret: "void", gcc: "void ()"},
		{
			name: "pb_argv", line: 57, end: 57, ret: "char __user * __user *",
			params: []string{"argv: const char __user * const __user *", "count: long [4]"},
			gcc:    "char ** (const char * const *, long *)",
		},
	}
	if got := funcNames(u); len(got) != len(tests) {
		t.Errorf("functions %q, want %d", got, len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := findFunc(t, u, tc.name)
			if f.Definition != tc.definition || f.Static != tc.static || f.Line != tc.line || f.EndLine != tc.end {
				t.Errorf("definition=%v static=%v lines %d-%d, want %v %v %d-%d",
					f.Definition, f.Static, f.Line, f.EndLine, tc.definition, tc.static, tc.line, tc.end)
			}
			if f.Type.Ret.Text != tc.ret {
				t.Errorf("return type %q, want %q", f.Type.Ret.Text, tc.ret)
			}
			if got := paramTexts(f.Type); !slices.Equal(got, tc.params) {
				t.Errorf("params %q, want %q", got, tc.params)
			}
			if f.Type.Variadic != tc.variadic {
				t.Errorf("variadic %v", f.Type.Variadic)
			}
			if got := f.Type.String(); got != tc.gcc {
				t.Errorf("String() = %q, want %q", got, tc.gcc)
			}
		})
	}
}

func TestParseStructs(t *testing.T) {
	u := parseFixture(t, "sock.h")
	tests := []struct {
		structName, member string
		line               int
		text               string
		spaces             []string
		gcc                string // "" for a member that is no function pointer
	}{
		{"proto", "close", 16, "void (*)(struct sock *, long)", nil, "void (struct sock *, long)"},
		{"proto", "ioctl", 18, "int (*)(struct sock *, int, int *)", nil, "int (struct sock *, int, int *)"},
		{"proto", "setsockopt", 20, "int (*)(struct sock *, int, int, sockptr_t, unsigned int)", nil,
			"int (struct sock *, int, int, sockptr_t, unsigned int)"},
		{"proto", "compat_ioctl", 24, "int (*)(struct sock *, unsigned int, unsigned long)", nil,
			"int (struct sock *, unsigned int, unsigned long)"},
		{"proto", "inuse_idx", 29, "unsigned int", nil, ""},
		{"proto", "name", 31, "char [32]", nil, ""},
		{"proto", "sysctl_wmem", 33, "int *", nil, ""},
		{"proto", "sysctl_wmem_offset", 34, "u32", nil, ""},
		{"proto_ops", "ioctl", 41, "int (*)(struct socket *, unsigned int, unsigned long)", nil,
			"int (struct socket *, unsigned int, unsigned long)"},
		{"proto_ops", "getsockopt", 43, "int (*)(struct socket *, int, int, char __user *, int __user *)",
			[]string{"__user"}, "int (struct socket *, int, int, char *, int *)"},
		{"proto_ops", "sk", 45, "struct sock __rcu *", []string{"__rcu"}, ""},
		{"proto_ops", "regs", 46, "void __iomem *", []string{"__iomem"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.structName+"."+tc.member, func(t *testing.T) {
			m := findMember(t, findStruct(t, u, tc.structName), tc.member)
			if m.Line != tc.line || m.Type.Text != tc.text || !slices.Equal(m.Type.Spaces, tc.spaces) {
				t.Errorf("got line %d type %q %q, want %d %q %q", m.Line, m.Type.Text, m.Type.Spaces, tc.line, tc.text, tc.spaces)
			}
			switch {
			case tc.gcc == "" && m.Func != nil:
				t.Errorf("Func = %v, want nil", m.Func)
			case tc.gcc != "" && m.Func == nil:
				t.Errorf("Func = nil, want %s", tc.gcc)
			case tc.gcc != "" && m.Func.String() != tc.gcc:
				t.Errorf("Func.String() = %q, want %q", m.Func.String(), tc.gcc)
			}
		})
	}
	t.Run("struct extents", func(t *testing.T) {
		p := findStruct(t, u, "proto")
		if p.Line != 15 || p.EndLine != 37 || len(p.Members) != 11 {
			t.Errorf("struct proto: lines %d-%d, %d members; want 15-37, 11", p.Line, p.EndLine, len(p.Members))
		}
		if len(u.Structs) != 2 {
			t.Errorf("%d structs, want 2 (forward declarations are no definitions)", len(u.Structs))
		}
	})
	t.Run("ioctl types differ", func(t *testing.T) {
		a := findMember(t, findStruct(t, u, "proto"), "ioctl")
		b := findMember(t, findStruct(t, u, "proto_ops"), "ioctl")
		if a.Func.Equal(*b.Func) {
			t.Errorf("struct proto and struct proto_ops .ioctl compare equal: %s", a.Func)
		}
	})
}

func TestParseSourceFile(t *testing.T) {
	u := parseFixture(t, "raw.c")

	t.Run("functions", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			static    bool
			line, end int
			gcc       string
		}{
			{"raw_ioctl", true, 9, 21, "int (struct sock *, int, unsigned long)"},
			{"compat_raw_ioctl", true, 24, 32, "int (struct sock *, unsigned int, unsigned long)"},
			{"raw_recvmsg", false, 35, 39, "int (struct sock *, struct msghdr *, size_t, int, int *)"},
			{"sys_pbioctl", false, 72, 75, "long (unsigned int, unsigned int, unsigned long)"},
			{"sys_pbsync", false, 77, 80, "long ()"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := findFunc(t, u, tc.name)
				if !f.Definition || f.Static != tc.static || f.Line != tc.line || f.EndLine != tc.end || f.Type.String() != tc.gcc {
					t.Errorf("got %+v (%s)", f, f.Type)
				}
			})
		}
		if len(u.Funcs) != 5 {
			t.Errorf("functions %q: macros such as DEFINE_MUTEX, EXPORT_SYMBOL, module_init must not show", funcNames(u))
		}
	})

	t.Run("initializers", func(t *testing.T) {
		type field struct {
			member, value, ident string
			line                 int
		}
		tests := []struct {
			v, structName string
			line          int
			fields        []field
		}{
			{"raw_prot", "proto", 41, []field{
				{"name", `"RAW"`, "", 42},
				{"owner", "THIS_MODULE", "THIS_MODULE", 43},
				{"close", "raw_close", "raw_close", 44},
				{"ioctl", "raw_ioctl", "raw_ioctl", 45},
				{"recvmsg", "raw_recvmsg", "raw_recvmsg", 46},
				{"compat_ioctl", "compat_raw_ioctl", "compat_raw_ioctl", 48},
				{"setsockopt", "(void *)raw_setsockopt", "raw_setsockopt", 50},
				{"obj_size", "sizeof(struct raw_sock)", "", 51},
			}},
			{"inet_sockraw_ops", "proto_ops", 55, []field{
				{"family", "PF_INET", "PF_INET", 56},
				{"ioctl", "inet_ioctl", "inet_ioctl", 57},
				{"getsockopt", "&sock_common_getsockopt", "sock_common_getsockopt", 58},
				{"compat_ioctl", "inet_compat_ioctl", "inet_compat_ioctl", 60},
			}},
			{"raw_table", "ctl_table", 65, []field{
				{"procname", `"raw_count"`, "", 66},
				{"proc_handler", "proc_dointvec", "proc_dointvec", 67},
			}},
		}
		if len(u.Inits) != len(tests) {
			t.Errorf("%d initializers, want %d", len(u.Inits), len(tests))
		}
		for _, tc := range tests {
			t.Run(tc.v, func(t *testing.T) {
				in := findInit(t, u, tc.v)
				if in.Struct != tc.structName || in.Line != tc.line {
					t.Errorf("struct %q line %d, want %q %d", in.Struct, in.Line, tc.structName, tc.line)
				}
				var got []field
				for _, f := range in.Fields {
					got = append(got, field{f.Member, f.Value, f.Ident, f.Line})
				}
				if !slices.Equal(got, tc.fields) {
					t.Errorf("fields\n got %v\nwant %v", got, tc.fields)
				}
			})
		}
	})

	t.Run("calls", func(t *testing.T) {
		type arg struct{ text, ident, cast string }
		tests := []struct {
			fn, in string
			line   int
			args   []arg
		}{
			{"sk_wmem_alloc_get", "raw_ioctl", 15, []arg{{"sk", "sk", ""}}},
			{"put_user", "raw_ioctl", 16, []arg{{"amount", "amount", ""}, {"(int __user *)arg", "arg", "int __user *"}}},
			{"compat_ptr", "compat_raw_ioctl", 26, []arg{{"arg", "arg", ""}}},
			{"copy_from_user", "compat_raw_ioctl", 29, []arg{{"&vr", "vr", ""}, {"argp", "argp", ""}, {"sizeof(vr)", "", ""}}},
			{"ipmr_compat_ioctl", "compat_raw_ioctl", 31, []arg{{"sk", "sk", ""}, {"cmd", "cmd", ""}, {"(void __force *)argp", "argp", "void __force *"}}},
			{"do_pbioctl", "sys_pbioctl", 74, []arg{{"fd", "fd", ""}, {"cmd", "cmd", ""}, {"(void __user *)arg", "arg", "void __user *"}}},
		}
		if len(u.Calls) != len(tests) {
			t.Errorf("%d calls, want %d", len(u.Calls), len(tests))
		}
		for i, tc := range tests {
			t.Run(tc.fn, func(t *testing.T) {
				if i >= len(u.Calls) {
					t.Fatal("missing")
				}
				c := u.Calls[i]
				var got []arg
				for _, a := range c.Args {
					cast := ""
					if a.Cast != nil {
						cast = a.Cast.Text
					}
					got = append(got, arg{a.Text, a.Ident, cast})
				}
				if c.Func != tc.fn || c.InFunc != tc.in || c.Line != tc.line || !slices.Equal(got, tc.args) {
					t.Errorf("got %s in %s line %d args %q", c.Func, c.InFunc, c.Line, got)
				}
			})
		}
	})

	t.Run("casts", func(t *testing.T) {
		tests := []struct {
			to, plain string
			spaces    []string
			expr, in  string
			line      int
		}{
			{"int __user *", "int *", []string{"__user"}, "arg", "raw_ioctl", 16},
			{"void __force *", "void *", []string{"__force"}, "argp", "compat_raw_ioctl", 31},
			{"void *", "void *", nil, "raw_setsockopt", "", 50},
			{"void __user *", "void *", []string{"__user"}, "arg", "sys_pbioctl", 74},
		}
		if len(u.Casts) != len(tests) {
			t.Fatalf("%d casts, want %d", len(u.Casts), len(tests))
		}
		for i, tc := range tests {
			c := u.Casts[i]
			if c.To.Text != tc.to || c.To.Plain() != tc.plain || !slices.Equal(c.To.Spaces, tc.spaces) ||
				c.Expr.Ident != tc.expr || c.InFunc != tc.in || c.Line != tc.line {
				t.Errorf("cast %d: got %+v", i, c)
			}
		}
	})

	t.Run("declarations", func(t *testing.T) {
		tests := []struct {
			in, name string
			kind     DeclKind
			text     string
			line     int
		}{
			{"", "raw_count", DeclGlobal, "int", 7},
			{"raw_ioctl", "arg", DeclParam, "unsigned long", 9},
			{"raw_ioctl", "amount", DeclLocal, "int", 11},
			{"compat_raw_ioctl", "argp", DeclLocal, "void __user *", 26},
			{"compat_raw_ioctl", "vr", DeclLocal, "struct sioc_vif_req", 27},
			{"", "raw_prot", DeclGlobal, "struct proto", 41},
			{"", "inet_sockraw_ops", DeclGlobal, "const struct proto_ops", 55},
			{"", "raw_table", DeclGlobal, "struct ctl_table []", 64},
			{"sys_pbioctl", "fd", DeclParam, "unsigned int", 72},
		}
		for _, tc := range tests {
			t.Run(tc.kind.String()+" "+tc.name, func(t *testing.T) {
				d := findDecl(t, u, tc.in, tc.name)
				if d.Kind != tc.kind || d.Type.Text != tc.text || d.Line != tc.line {
					t.Errorf("got %s %q line %d", d.Kind, d.Type.Text, d.Line)
				}
			})
		}
		for _, d := range u.Decls {
			if strings.Contains(d.Name, "mutex") || strings.HasPrefix(d.Name, "MODULE") {
				t.Errorf("macro leaked as declaration: %+v", d)
			}
		}
	})
}

func TestParseRejectsHugeInput(t *testing.T) {
	_, err := Parse(make([]byte, MaxSource+1))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(%d bytes) error = %v, want ErrTooLarge", MaxSource+1, err)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{"", 0},
		{"int x;", 3},
		{"a1+b_2 ->c", 6},
		{"  \t\n", 0},
		{"f(0x1f, \"s t\")", 9},
	}
	for _, tt := range tests {
		if got := Tokens([]byte(tt.src)); got != tt.want {
			t.Errorf("Tokens(%q) = %d, want %d", tt.src, got, tt.want)
		}
	}
}

// A source of more tokens than MaxTokens (a hostile expression of 120,000
// operands) is refused before tree-sitter sees it, with ErrTooComplex;
// a Parser that lifts the bound (the tree index's) parses it.
func TestParseBoundsTokens(t *testing.T) {
	var b strings.Builder
	b.WriteString("int f(void)\n{\n\treturn a0")
	for i := 1; i < 60_001; i++ {
		fmt.Fprintf(&b, "+a%d", i%97)
	}
	b.WriteString(";\n}\n")
	src := []byte(b.String())
	p := NewParser()
	defer p.Close()
	ctx := context.Background()
	for _, parse := range []func() (*Unit, error){
		func() (*Unit, error) { return p.Parse(ctx, src) },
		func() (*Unit, error) { return p.ParseFragment(ctx, src, "") },
	} {
		if _, err := parse(); !errors.Is(err, ErrTooComplex) {
			t.Errorf("parse of %d tokens: %v, want ErrTooComplex", Tokens(src), err)
		}
	}
	p.MaxTokens = -1
	u, err := p.Parse(ctx, src)
	if err != nil || len(u.Funcs) != 1 {
		t.Errorf("parse without a bound: %v, %d functions", err, len(u.Funcs))
	}
}
