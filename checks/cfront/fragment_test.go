package cfront

import (
	"fmt"
	"slices"
	"testing"
)

// Hunks are partial code: the pre- or post-image of a diff hunk.
func TestParseFragments(t *testing.T) {
	t.Run("function whose body is cut", func(t *testing.T) {
		u := parseFixture(t, "hunk_cut_body.c")
		f := findFunc(t, u, "raw_ioctl")
		if !f.Definition || !f.Static || f.Line != 1 || f.EndLine != 9 ||
			f.Type.String() != "int (struct sock *, int, int *)" {
			t.Errorf("got %+v (%s)", f, f.Type)
		}
		argp := findDecl(t, u, "raw_ioctl", "argp")
		if argp.Kind != DeclLocal || argp.Type.Text != "void __user *" || argp.Line != 3 {
			t.Errorf("argp: %+v", argp)
		}
		if len(u.Calls) != 2 || u.Calls[1].Func != "put_user" || u.Calls[1].InFunc != "raw_ioctl" ||
			u.Calls[1].Line != 9 || u.Calls[1].Args[1].Cast == nil || u.Calls[1].Args[1].Cast.Text != "int __user *" {
			t.Errorf("calls: %+v", u.Calls)
		}
		if len(u.Casts) != 2 || u.Casts[0].To.Text != "void __user *" || u.Casts[0].Expr.Ident != "karg" || u.Casts[0].InFunc != "raw_ioctl" {
			t.Errorf("casts: %+v", u.Casts)
		}
	})

	t.Run("closing brace then a function header", func(t *testing.T) {
		u := parseFixture(t, "hunk_closing_brace.c")
		if len(u.Funcs) != 1 {
			t.Fatalf("functions %q, want raw_ioctl only", funcNames(u))
		}
		f := u.Funcs[0]
		if f.Name != "raw_ioctl" || !f.Definition || f.Line != 3 || f.EndLine != 5 ||
			f.Type.String() != "int (struct sock *, int, int *)" {
			t.Errorf("got %+v", f)
		}
	})

	t.Run("function tail then a whole function", func(t *testing.T) {
		u := parseFixture(t, "hunk_tail_and_func.c")
		type call struct {
			fn, in string
			line   int
		}
		var got []call
		for _, c := range u.Calls {
			got = append(got, call{c.Func, c.InFunc, c.Line})
		}
		want := []call{{"put_user", "", 1}, {"bar", "foo", 6}}
		if !slices.Equal(got, want) {
			t.Errorf("calls %v, want %v", got, want)
		}
		if f := findFunc(t, u, "foo"); !f.Definition || f.Line != 4 || f.EndLine != 7 {
			t.Errorf("foo: %+v", f)
		}
	})

	t.Run("initializer without its header", func(t *testing.T) {
		u := parseFixture(t, "hunk_init_headless.c")
		if len(u.Inits) != 1 {
			t.Fatalf("%d initializers, want 1: %+v", len(u.Inits), u.Inits)
		}
		in := u.Inits[0]
		if in.Struct != "" || in.Var != "" || in.Line != 1 {
			t.Errorf("struct %q var %q line %d, want a headless Init at line 1", in.Struct, in.Var, in.Line)
		}
		type field struct {
			member, value, ident string
			line                 int
		}
		var got []field
		for _, f := range in.Fields {
			got = append(got, field{f.Member, f.Value, f.Ident, f.Line})
		}
		want := []field{
			{"close", "raw_close", "raw_close", 1},
			{"destroy", "raw_destroy", "raw_destroy", 2},
			{"ioctl", "raw_ioctl", "raw_ioctl", 3},
			{"compat_ioctl", "compat_raw_ioctl", "compat_raw_ioctl", 5},
			{"init", "raw_sk_init", "raw_sk_init", 7},
			{"h.raw_hash", "&raw_v4_hashinfo", "raw_v4_hashinfo", 8},
			{"setsockopt", "(void *)raw_setsockopt", "raw_setsockopt", 9},
		}
		if !slices.Equal(got, want) {
			t.Errorf("fields\n got %v\nwant %v", got, want)
		}
		if f := findFunc(t, u, "raw_seq_show"); !f.Definition || f.Line != 13 {
			t.Errorf("raw_seq_show after the initializer: %+v", f)
		}
	})

	t.Run("lone prototype line", func(t *testing.T) {
		u := parseFixture(t, "hunk_prototype.c")
		if len(u.Funcs) != 1 {
			t.Fatalf("functions %q", funcNames(u))
		}
		f := u.Funcs[0]
		if f.Name != "udp_ioctl" || f.Definition || f.Line != 1 || f.EndLine != 1 ||
			!slices.Equal(paramTexts(f.Type), []string{"sk: struct sock *", "cmd: int", "karg: int *"}) {
			t.Errorf("got %+v", f)
		}
	})

	t.Run("struct member without its struct", func(t *testing.T) {
		u := parseFixture(t, "hunk_member.c")
		if len(u.Structs) != 1 || u.Structs[0].Name != "" || len(u.Structs[0].Members) != 1 {
			t.Fatalf("structs %+v, want one headless struct with one member", u.Structs)
		}
		s := u.Structs[0]
		m := s.Members[0]
		if s.Line != 1 || s.EndLine != 2 || m.Name != "ioctl" || m.Line != 1 || m.Func == nil ||
			m.Func.String() != "int (struct sock *, int, int *)" || m.Type.Text != "int (*)(struct sock *, int, int *)" {
			t.Errorf("got %+v", s)
		}
		if d := findDecl(t, u, "", "ioctl"); d.Kind != DeclMember {
			t.Errorf("ioctl declared as %s, want member", d.Kind)
		}
		if len(u.Funcs) != 0 {
			t.Errorf("a function pointer member is no function: %q", funcNames(u))
		}
	})

	t.Run("parameter list without its function name", func(t *testing.T) {
		u := parseFixture(t, "hunk_param_tail.c")
		type decl struct {
			name, in string
			kind     DeclKind
			text     string
			line     int
		}
		var got []decl
		for _, d := range u.Decls {
			got = append(got, decl{d.Name, d.InFunc, d.Kind, d.Type.Text, d.Line})
		}
		want := []decl{
			{"cmd", "", DeclParam, "int", 1},
			{"karg", "", DeclParam, "void __user *", 1},
			{"x", "", DeclLocal, "int", 3},
		}
		if !slices.Equal(got, want) {
			t.Errorf("decls\n got %v\nwant %v", got, want)
		}
		if len(u.Funcs) != 0 {
			t.Errorf("functions %q, want none", funcNames(u))
		}
	})

	t.Run("argument tail of a call is no parameter list", func(t *testing.T) {
		u := parseFixture(t, "hunk_call_tail.c")
		if len(u.Decls) != 0 || len(u.Funcs) != 0 {
			t.Errorf("decls %+v funcs %q, want none", u.Decls, funcNames(u))
		}
	})

	t.Run("body without its function", func(t *testing.T) {
		u := parseFixture(t, "hunk_body.c")
		if len(u.Funcs) != 0 {
			t.Errorf("functions %q, want none", funcNames(u))
		}
		p := findDecl(t, u, "", "p")
		if p.Kind != DeclLocal || p.Type.Text != "int __user *" || !p.Type.User() || p.Line != 2 {
			t.Errorf("p: %+v", p)
		}
		var names []string
		for _, c := range u.Calls {
			names = append(names, c.Func)
			if c.InFunc != "" {
				t.Errorf("%s: InFunc %q, want unknown", c.Func, c.InFunc)
			}
		}
		if want := []string{"copy_from_user", "put_user", "ipmr_ioctl"}; !slices.Equal(names, want) {
			t.Errorf("calls %q, want %q", names, want)
		}
		if len(u.Casts) != 2 || u.Casts[1].To.Text != "void __force *" || u.Casts[1].Line != 7 {
			t.Errorf("casts %+v", u.Casts)
		}
	})
}

func TestParseNeverPanicsOnBrokenInput(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"empty", ""},
		{"lone brace", "}"},
		{"unterminated comment", "/* int f(void);"},
		{"unterminated string", "static char *s = \"abc"},
		{"unterminated define", "#define X \\"},
		{"syscall without args", "SYSCALL_DEFINE3(\n"},
		{"syscall odd args", "SYSCALL_DEFINE1(x, int)\n{\n}\n"},
		{"attribute open", "int f(void) __attribute__((("},
		{"designator only", "\t.\n\t.x =\n"},
		{"nested headless", "\t.ops = {\n\t\t.ioctl = f,\n"},
		{"binary", "\x00\xff\xfe int (*)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.src)); err != nil {
				t.Errorf("Parse: %v", err)
			}
		})
	}
}

func TestParseHeadlessDesignators(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // member=ident@line
	}{
		{"nested list cut at the end", "\t.ops = {\n\t\t.ioctl = f,\n", []string{"ops.ioctl=f@2"}},
		{"nested list closed", "\t.ops = {\n\t\t.ioctl = &f,\n\t},\n\t.owner = THIS_MODULE,\n};\n",
			[]string{"ops.ioctl=f@2", "owner=THIS_MODULE@4"}},
		{"value over two lines", "\t.ioctl = IS_ENABLED(CONFIG_X) ?\n\t\tf : NULL,\n\t.close = g,\n",
			[]string{"ioctl=@1", "close=g@3"}},
		{"cast value", "\t.ioctl = (int (*)(struct sock *, int, unsigned long))f,\n", []string{"ioctl=f@1"}},
		{"comparison is no designator", "\tx = a.b == c;\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := Parse([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, in := range u.Inits {
				if in.Struct != "" || in.Var != "" {
					t.Errorf("Init %q %q, want headless", in.Struct, in.Var)
				}
				for _, f := range in.Fields {
					got = append(got, fmt.Sprintf("%s=%s@%d", f.Member, f.Ident, f.Line))
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields %q, want %q", got, tc.want)
			}
		})
	}
}

// A hunk inside a function body, parsed knowing the function context git
// printed after its "@@": statements are statements, not prototypes.
func TestParseFragmentInContext(t *testing.T) {
	const header = "static int orinoco_set_key(struct orinoco_private *priv, int index,"
	tests := []struct {
		name      string
		src       string
		header    string
		wantFuncs []string // name:definition
		wantCalls []string // func@line in function
	}{
		{
			name:      "calls in a body are no prototypes",
			src:       "\tif (IS_ENABLED(CONFIG_X))\n\t\tfoo_init(a, b);\n\tkfree_sensitive(priv->keys[i].key);\n",
			header:    "static void foo_setup(struct foo *f)",
			wantCalls: []string{"IS_ENABLED@1 in ", "foo_init@2 in ", "kfree_sensitive@3 in "},
		},
		{
			name:   "an iterator macro and its call are no prototype",
			src:    "\tfor_each_possible_cpu(i)\n\t\tfoo_free(per_cpu_ptr(s, i));\n\tfree_percpu(s);\n",
			header: "static void foo_teardown(struct foo_stats __percpu *s)",
			// The macro's statement is lost, but nothing is declared.
			wantCalls: []string{"free_percpu@3 in "},
		},
		{
			name:      "a cut argument tail, then statements",
			src:       "\t\t     sizeof(struct scc_param)))\n\t\treturn -EFAULT;\n\tscc_note(dev, cmd);\n",
			header:    "static int scc_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd)",
			wantCalls: []string{"scc_note@3 in "},
		},
		{
			name:      "a body that closes its function and a whole function after it",
			src:       "\t\tbreak;\n\t}\n\treturn 0;\n}\n\nstatic int next(int a)\n{\n\treturn bar(a);\n}\n",
			header:    "static int foo(int cmd)",
			wantFuncs: []string{"next:true"},
			wantCalls: []string{"bar@8 in next"},
		},
		{
			name:      "a parameter list continued from the header, and its body",
			src:       "\t\t\t   enum orinoco_alg alg, const u8 *key, int key_len)\n{\n\tkfree_sensitive(priv->keys[index].key);\n",
			header:    header,
			wantCalls: []string{"kfree_sensitive@3 in "},
		},
		{
			name:      "file-scope code after a function header is not wrapped",
			src:       "static int bar(int x);\nint baz(int y);\n",
			header:    "static int foo(int cmd)",
			wantFuncs: []string{"bar:false", "baz:false"},
		},
	}
	p := NewParser()
	defer p.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := p.ParseFragment(t.Context(), []byte(tt.src), tt.header)
			if err != nil {
				t.Fatal(err)
			}
			var funcs, calls []string
			for _, f := range u.Funcs {
				funcs = append(funcs, fmt.Sprintf("%s:%v", f.Name, f.Definition))
			}
			for _, c := range u.Calls {
				calls = append(calls, fmt.Sprintf("%s@%d in %s", c.Func, c.Line, c.InFunc))
			}
			if !slices.Equal(funcs, tt.wantFuncs) {
				t.Errorf("functions %q, want %q", funcs, tt.wantFuncs)
			}
			if !slices.Equal(calls, tt.wantCalls) {
				t.Errorf("calls %q, want %q", calls, tt.wantCalls)
			}
		})
	}
}

// A return type on a line of its own belongs to the declarator below it,
// whatever the next declaration is.
func TestParseReturnTypeOnItsOwnLine(t *testing.T) {
	u, err := Parse([]byte("struct pwrseq_device *\ndevm_pwrseq_device_register(struct device *dev);\n\nvoid *pwrseq_device_get_data(struct pwrseq_device *pwrseq);\nEXPORT_SYMBOL(x);\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range u.Funcs {
		got = append(got, f.Name+": "+f.Type.String())
	}
	want := []string{"devm_pwrseq_device_register: struct pwrseq_device * (struct device *)", "pwrseq_device_get_data: void * (struct pwrseq_device *)"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
