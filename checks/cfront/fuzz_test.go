package cfront

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// FuzzParse feeds hunk-like C to Parse: it must not fail internally, must
// finish in bounded time and must report lines inside the input.
func FuzzParse(f *testing.F) {
	for _, name := range []string{
		"hunk_body.c", "hunk_closing_brace.c", "hunk_cut_body.c", "hunk_init_headless.c",
		"hunk_member.c", "hunk_prototype.c", "hunk_tail_and_func.c", "hunk_param_tail.c", "hunk_call_tail.c",
	} {
		f.Add(fixture(f, name))
	}
	for _, s := range []string{
		"SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)\n{\n",
		"static const struct proto_ops x = {\n#ifdef CONFIG_COMPAT\n\t.compat_ioctl = f,\n#endif\n",
		"\t.ops = {\n\t\t.ioctl = (void *)&f,\n\t},\n};\n",
		"int __attribute__((unused)) f(int (*cb)(void __user *), ...) __acquires(x);\n",
		"\treturn put_user(x, (int __user *)arg);\n}\n",
	} {
		f.Add([]byte(s))
	}
	p := NewParser()
	defer p.Close()
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		// As a hunk inside a function body (the header git prints) half
		// the time, as plain code the other half.
		header := ""
		if len(src)%2 == 1 {
			header = "static int raw_ioctl(struct sock *sk, int cmd,"
		}
		u, err := p.ParseFragment(t.Context(), src, header)
		if d := time.Since(start); d > ParseTimeout+ParseTimeoutPerMiB+5*time.Second {
			t.Fatalf("Parse took %v", d)
		}
		if errors.Is(err, errInternal) {
			t.Fatalf("Parse: %v", err)
		}
		if err != nil {
			return
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		check := func(what string, l int) {
			if l < 1 || l > lines {
				t.Fatalf("%s at line %d of a %d-line input", what, l, lines)
			}
		}
		for _, fn := range u.Funcs {
			check("function "+fn.Name, fn.Line)
			check("end of function "+fn.Name, fn.EndLine)
			if fn.EndLine < fn.Line {
				t.Fatalf("function %s ends at %d before its line %d", fn.Name, fn.EndLine, fn.Line)
			}
		}
		for _, in := range u.Inits {
			for _, fd := range in.Fields {
				check("field "+fd.Member, fd.Line)
			}
		}
		for _, c := range u.Calls {
			check("call "+c.Func, c.Line)
		}
		for _, c := range u.Casts {
			check("cast", c.Line)
		}
		for _, d := range u.Decls {
			check("declaration "+d.Name, d.Line)
		}
		for _, n := range unitNames(u) {
			if !MayName(src, n) {
				t.Fatalf("MayName(%q) is false for a name of the parse", n)
			}
		}
	})
}
