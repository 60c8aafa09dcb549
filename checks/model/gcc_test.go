package model

import (
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
)

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
			if got := GCCCompatible(ft(tc.a), ft(tc.b)); got != tc.want {
				t.Errorf("GCCCompatible(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
