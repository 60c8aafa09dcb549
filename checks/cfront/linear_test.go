package cfront

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseLinearTime feeds repetitive inputs that once took quadratic
// time (wide nodes, unclosed brackets, long runs without delimiters): each
// must finish within the parse timeout, with a margin for loaded machines.
func TestParseLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for _, tc := range []struct{ name, unit string }{
		{"designator lines", "\t.a = b,\n"},
		{"prototypes without semicolons", "int f(int a)\n"},
		{"unclosed parentheses", "("},
		{"unclosed braces", "{"},
		{"nested headless initializers", "\t.a = {\n"},
		{"function pointer members", "\tint (*f)(int);\n"},
		{"syscall headers", "SYSCALL_DEFINE1(x, int, a)\n"},
		{"calls with casts", "\tg(a, (int __user *)b);\n"},
		{"cut function bodies", "int f(int a)\n{\n\tx(y);\n"},
		{"cast chains", "((int)"},
		{"column-0 macro calls", "f(\n"},
		{"wide declaration", "int a, "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Repeat(tc.unit, 100_000/len(tc.unit))
			start := time.Now()
			_, err := Parse([]byte(src))
			if errors.Is(err, errInternal) {
				t.Fatalf("Parse: %v", err)
			}
			if d := time.Since(start); d > ParseTimeout+ParseTimeoutPerMiB {
				t.Errorf("Parse of %d bytes took %v", len(src), d)
			}
		})
	}
}
