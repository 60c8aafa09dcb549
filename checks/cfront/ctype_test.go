package cfront

import (
	"slices"
	"testing"
)

func TestTypeMethods(t *testing.T) {
	for _, tc := range []struct {
		name, written string
		text, plain   string
		spaces        []string
		user          bool
		pointer       int
	}{
		{"user pointer", "void   __user*", "void __user *", "void *", []string{"__user"}, true, 1},
		{"user pointer to user pointer", "char __user *__user *", "char __user * __user *", "char **", []string{"__user"}, true, 2},
		{"forced", "void __force *", "void __force *", "void *", []string{"__force"}, false, 1},
		{"iomem", "const void __iomem *", "const void __iomem *", "const void *", []string{"__iomem"}, false, 1},
		{"rcu and percpu", "struct foo __rcu * __percpu *", "struct foo __rcu * __percpu *", "struct foo **", []string{"__rcu", "__percpu"}, false, 2},
		{"bitwise", "__u16 __bitwise", "__u16 __bitwise", "__u16", []string{"__bitwise"}, false, 0},
		{"plain int", "unsigned  long", "unsigned long", "unsigned long", nil, false, 0},
		{"function pointer", "int (*)(struct sock *, int __user *)", "int (*)(struct sock *, int __user *)", "int (*)(struct sock *, int *)", []string{"__user"}, true, 1},
		{"array", "char [16]", "char [16]", "char [16]", nil, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ty := newType(tc.written)
			if ty.Text != tc.text || ty.Plain() != tc.plain || !slices.Equal(ty.Spaces, tc.spaces) ||
				ty.User() != tc.user || ty.Pointer() != tc.pointer {
				t.Errorf("got Text %q Plain %q Spaces %q User %v Pointer %d", ty.Text, ty.Plain(), ty.Spaces, ty.User(), ty.Pointer())
			}
		})
	}
}

func TestTypeCanon(t *testing.T) {
	for _, tc := range []struct{ name, written, want string }{
		{"user pointer, const pointer", "const char __user *const", "const char *"},
		{"integer spelling", "long unsigned int", "unsigned long"},
		{"array", "u8 [ETH_ALEN]", "u8 *"},
		{"struct", "struct sock *", "struct sock *"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := newType(tc.written).Canon(); got != tc.want {
				t.Errorf("Canon(%q) = %q, want %q", tc.written, got, tc.want)
			}
		})
	}
}

func TestFuncTypeString(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"names and annotations dropped", "int f(struct sock *sk, int cmd, void __user *arg);", "int (struct sock *, int, void *)"},
		{"void params", "int f(void);", "int ()"},
		{"variadic", "int f(const char *fmt, ...);", "int (const char *, ...)"},
		{"top-level const ignored", "int f(const int x, char *const p);", "int (int, char *)"},
		{"pointee const kept", "int f(const char *p);", "int (const char *)"},
		{"integer spellings", "long unsigned int f(unsigned a, signed int b, long int c, short int d, signed char e);", "unsigned long (unsigned int, int, long, short, signed char)"},
		{"array decays", "int f(char buf[16]);", "int (char *)"},
		{"function pointer parameter", "void f(void (*cb)(struct sk_buff *skb, int err));", "void (void (*)(struct sk_buff *, int))"},
		{"sockptr and iov_iter", "int f(struct sock *sk, sockptr_t optval, struct iov_iter *to);", "int (struct sock *, sockptr_t, struct iov_iter *)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := Parse([]byte(tc.src))
			if err != nil || len(u.Funcs) != 1 {
				t.Fatalf("Parse: %v, %d functions", err, len(u.Funcs))
			}
			if got := u.Funcs[0].Type.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseFuncType(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"canonical", "int (struct sock *, int, unsigned long)", "int (struct sock *, int, unsigned long)", true},
		{"with names", "int (struct sock *sk, int cmd, int *karg)", "int (struct sock *, int, int *)", true},
		{"pointer form", "int (*)(struct socket *, unsigned int, unsigned long)", "int (struct socket *, unsigned int, unsigned long)", true},
		{"named pointer form", "int (*ioctl)(struct sock *sk, int cmd, int *karg)", "int (struct sock *, int, int *)", true},
		{"annotations", "long (void __user *, char __user * __user *)", "long (void *, char **)", true},
		{"no params", "void ()", "void ()", true},
		{"variadic", "int (const char *, ...)", "int (const char *, ...)", true},
		{"pointer return", "struct sock * (struct sock *, int)", "struct sock * (struct sock *, int)", true},
		{"no parameter list", "int", "", false},
		{"no return type", "(int)", "", false},
		{"garbage", "int (((", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft, err := ParseFuncType(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseFuncType(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			}
			if err == nil && ft.String() != tc.want {
				t.Errorf("ParseFuncType(%q).String() = %q, want %q", tc.in, ft.String(), tc.want)
			}
		})
	}
	t.Run("round trip equals the parsed member", func(t *testing.T) {
		u := parseFixture(t, "sock.h")
		m := findMember(t, findStruct(t, u, "proto"), "ioctl")
		ft, err := ParseFuncType(m.Func.String())
		if err != nil || !ft.Equal(*m.Func) {
			t.Errorf("ParseFuncType(%q) = %v, %v; want equal to the member", m.Func.String(), ft, err)
		}
	})
}
