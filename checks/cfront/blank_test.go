package cfront

import (
	"bytes"
	"strings"
	"testing"
)

// blanked is src with each of parts replaced by as many spaces.
func blanked(src string, parts ...string) string {
	for _, p := range parts {
		src = strings.Replace(src, p, strings.Repeat(" ", len(p)), 1)
	}
	return src
}

func TestPrepareBlanksKeepingOffsets(t *testing.T) {
	for _, tc := range []struct {
		name, src, parse, keep string
	}{
		{
			name:  "annotation kept only in the keep view",
			src:   "void __user *p;",
			parse: "void        *p;",
			keep:  "void __user *p;",
		},
		{
			name:  "decorations blanked in both",
			src:   "static int __init __must_check f(void)",
			parse: blanked("static int __init __must_check f(void)", "__init", "__must_check"),
			keep:  blanked("static int __init __must_check f(void)", "__init", "__must_check"),
		},
		{
			name:  "attribute with nested parentheses",
			src:   "struct s { int a; } __attribute__((aligned(8), packed));",
			parse: blanked("struct s { int a; } __attribute__((aligned(8), packed));", "__attribute__((aligned(8), packed))"),
			keep:  blanked("struct s { int a; } __attribute__((aligned(8), packed));", "__attribute__((aligned(8), packed))"),
		},
		{
			name:  "multi-line define and ifdef",
			src:   "#define A(x) \\\n\t(x)\n#ifdef CONFIG_X\nint a;\n#endif\n",
			parse: blanked("#define A(x) \\\n\t(x)\n#ifdef CONFIG_X\nint a;\n#endif\n", "#define A(x) \\", "\t(x)", "#ifdef CONFIG_X", "#endif"),
			keep:  blanked("#define A(x) \\\n\t(x)\n#ifdef CONFIG_X\nint a;\n#endif\n", "#define A(x) \\", "\t(x)", "#ifdef CONFIG_X", "#endif"),
		},
		{
			name:  "file-scope macro statements",
			src:   "EXPORT_SYMBOL(raw_prot);\nstatic DEFINE_MUTEX(m);\nmodule_init(f);\n",
			parse: blanked("EXPORT_SYMBOL(raw_prot);\nstatic DEFINE_MUTEX(m);\nmodule_init(f);\n", "EXPORT_SYMBOL(raw_prot);", "static DEFINE_MUTEX(m);", "module_init(f);"),
			keep:  blanked("EXPORT_SYMBOL(raw_prot);\nstatic DEFINE_MUTEX(m);\nmodule_init(f);\n", "EXPORT_SYMBOL(raw_prot);", "static DEFINE_MUTEX(m);", "module_init(f);"),
		},
		{
			name:  "calls inside functions are kept",
			src:   "\tEXPORT_THING(x);\nint f(void) { return g(x); }\n",
			parse: "\tEXPORT_THING(x);\nint f(void) { return g(x); }\n",
			keep:  "\tEXPORT_THING(x);\nint f(void) { return g(x); }\n",
		},
		{
			name:  "comments blanked",
			src:   "int a; /* __user */ // x\n",
			parse: blanked("int a; /* __user */ // x\n", "/* __user */ // x"),
			keep:  blanked("int a; /* __user */ // x\n", "/* __user */ // x"),
		},
		{
			name:  "annotation inside a string is text",
			src:   "char *s = \"__user\";",
			parse: "char *s = \"__user\";",
			keep:  "char *s = \"__user\";",
		},
		{
			name:  "syscall definition rewritten in place",
			src:   "SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)",
			parse: "long        sys_ioctl( unsigned int  fd, unsigned int  cmd, unsigned long  arg)",
			keep:  "long        sys_ioctl( unsigned int  fd, unsigned int  cmd, unsigned long  arg)",
		},
		{
			name:  "syscall with user pointer",
			src:   "SYSCALL_DEFINE2(x, char __user *, buf, int, n)",
			parse: "long        sys_x( char        *  buf, int  n)",
			keep:  "long        sys_x( char __user *  buf, int  n)",
		},
		{
			name:  "compat syscall without arguments",
			src:   "COMPAT_SYSCALL_DEFINE0(y)",
			parse: "long       compat_sys_y()",
			keep:  "long       compat_sys_y()",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := prepare([]byte(tc.src))
			if len(p.parse) != len(tc.src) || len(p.keep) != len(tc.src) {
				t.Fatalf("lengths changed: %d %d, want %d", len(p.parse), len(p.keep), len(tc.src))
			}
			if string(p.parse) != tc.parse {
				t.Errorf("parse view\n got %q\nwant %q", p.parse, tc.parse)
			}
			if string(p.keep) != tc.keep {
				t.Errorf("keep view\n got %q\nwant %q", p.keep, tc.keep)
			}
			if bytes.Count(p.parse, []byte("\n")) != bytes.Count([]byte(tc.src), []byte("\n")) {
				t.Errorf("lines changed")
			}
		})
	}
}
