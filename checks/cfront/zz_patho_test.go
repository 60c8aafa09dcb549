package cfront

import (
	"strings"
	"testing"
	"time"
)

func TestZZPatho(t *testing.T) {
	for name, src := range map[string]string{
		"designators": strings.Repeat("\t.a = b,\n", 50000),
		"protos":      strings.Repeat("int f(int a)\n", 30000),
		"parens":      strings.Repeat("(", 200000),
		"braces":      strings.Repeat("{", 200000),
		"nested inits": strings.Repeat("\t.a = {\n", 30000),
		"fnptr members": strings.Repeat("\tint (*f)(int);\n", 30000),
		"syscalls":    strings.Repeat("SYSCALL_DEFINE1(x, int, a)\n", 20000),
		"calls":       "int f(void) {\n" + strings.Repeat("\tg(a, (int __user *)b);\n", 30000) + "}\n",
		"cut bodies":  strings.Repeat("int f(int a)\n{\n\tx(y);\n", 10000),
		"casts": strings.Repeat("((int)", 50000),
		"quotes": strings.Repeat("'\"", 100000),
		"defines": strings.Repeat("#define X \\\n", 50000),
		"funcs": strings.Repeat("static int f(int a) { return 0; }\n", 20000),
	} {
		start := time.Now()
		_, err := Parse([]byte(src))
		t.Logf("%-14s %7d bytes %v err=%v", name, len(src), time.Since(start), err)
	}
}
