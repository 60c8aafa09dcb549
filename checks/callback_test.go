package checks

import (
	"context"
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
)

func TestCallbackSignature(t *testing.T) {
	cb := []want{
		// struct proto gains .uring_cmd in patch 1; foo binds a function
		// that lacks the issue_flags parameter.
		{CallbackSignatureID, "net/foo/af_foo.c", 84, "foo_uring_cmd",
			"initialization of struct proto.uring_cmd from incompatible pointer type: foo_uring_cmd() is 'int (struct sock *, struct io_uring_cmd *)' but the member is 'int (struct sock *, struct io_uring_cmd *, unsigned int)'"},
		// Patch 2 adds a prototype and a definition that disagree.
		{CallbackSignatureID, "include/net/foo.h", 13, "foo_uring_probe",
			"conflicting types for 'foo_uring_probe': this prototype is 'int (struct sock *, unsigned int)' but the definition at net/foo/af_foo.c:89 is 'int (struct sock *, unsigned long)'"},
	}
	tests := []struct {
		name    string
		fixture string
		tree    bool
		want    []want
	}{
		// bar_uring_cmd is right; qux binds .ioctl in struct proto and in
		// struct proto_ops, each with its own struct's type.
		{"wrong member types are reported, struct proto and proto_ops are not confused (no tree)", "cb", false, cb},
		{"wrong member types are reported, struct proto and proto_ops are not confused (tree)", "cb", true, cb},
		{"a converted member is left to unconverted-implementer", "conv", true, nil},
		{"correct conversions stay silent", "good-user", true, nil},
		{"__user mistakes are not signature mistakes", "bad-user", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{}
			if tc.tree {
				env.Tree = fixtureTree(t)
			}
			fs, err := CallbackSignature{}.Run(context.Background(), loadFixture(t, tc.fixture), env)
			if err != nil {
				t.Fatal(err)
			}
			matchFindings(t, fs, tc.want)
			for _, f := range fs {
				if f.Severity != SeverityError {
					t.Errorf("%s: severity %q, want error", f.Symbol, f.Severity)
				}
			}
		})
	}
}

func TestGCCCompatible(t *testing.T) {
	ft := func(s string) cfront.FuncType {
		t.Helper()
		f, err := cfront.ParseFuncType(s)
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		return f
	}
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same type", "int (struct sock *, int, int *)", "int (struct sock *, int, int *)", true},
		{"names and __user do not matter to gcc", "int (struct sock *sk, void __user *arg)", "int (struct sock *, void *)", true},
		{"unsigned long is not int *", "int (struct sock *, int, unsigned long)", "int (struct sock *, int, int *)", false},
		{"struct proto_ops ioctl is not struct proto ioctl", "int (struct socket *, unsigned int, unsigned long)", "int (struct sock *, int, unsigned long)", false},
		{"a typedef may name the struct", "__poll_t (struct file *, struct socket *, poll_table *)", "__poll_t (struct file *, struct socket *, struct poll_table_struct *)", true},
		{"a typedef does not hide a different pointer depth", "int (u32)", "int (unsigned int *)", false},
		{"parameter count differs", "int (struct sock *)", "int (struct sock *, int)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := gccCompatible(ft(tc.a), ft(tc.b)); got != tc.want {
				t.Errorf("gccCompatible(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
