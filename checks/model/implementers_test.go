package model_test

import (
	"context"
	"slices"
	"testing"

	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
)

func TestImplementersFixtureTree(t *testing.T) {
	got, err := model.Implementers(context.Background(), &model.Env{Tree: checktest.FixtureTree(t)}, checktest.IoctlRule)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, im := range got {
		names = append(names, im.Func)
	}
	// foo_sock_ioctl and bar_sock_ioctl are bound to struct proto_ops.
	if want := []string{"bar_ioctl", "baz_ioctl", "foo_ioctl"}; !slices.Equal(names, want) {
		t.Errorf("implementers %q, want %q", names, want)
	}
	if _, err := model.Implementers(context.Background(), &model.Env{}, checktest.IoctlRule); err == nil {
		t.Error("Implementers without a tree should fail and name --tree")
	}
}

// TestImplementersLinux61 lists the implementers of struct proto's ioctl
// in linux 6.1 with no patch: every function bound to .ioctl in a struct
// proto initializer (18 initializers, 11 functions; established by reading
// the tree: grep of `.ioctl =` inside `struct proto x = {`), none of those
// bound in struct proto_ops.
func TestImplementersLinux61(t *testing.T) {
	env := &model.Env{Tree: checktest.Linux61Index(t)}
	got, err := model.Implementers(context.Background(), env, checktest.IoctlRule)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, im := range got {
		names = append(names, im.Func)
		if im.Type != checktest.IoctlRule.Old {
			t.Errorf("%s: type %q, want the old type", im.Func, im.Type)
		}
	}
	slices.Sort(names)
	want := []string{"dccp_ioctl", "dgram_ioctl", "l2tp_ioctl", "mptcp_ioctl", "pep_ioctl", "pn_ioctl",
		"raw_ioctl", "rawv6_ioctl", "sctp_ioctl", "tcp_ioctl", "udp_ioctl"}
	if !slices.Equal(names, want) {
		t.Errorf("implementers:\n got %q\nwant %q", names, want)
	}
	for _, notIt := range []string{"inet_ioctl", "inet6_ioctl", "sock_no_ioctl", "rds_ioctl", "pn_socket_ioctl"} {
		if slices.Contains(names, notIt) {
			t.Errorf("%s is bound in struct proto_ops, not struct proto", notIt)
		}
	}
	if n := len(env.Tree.Bindings("proto", "ioctl")); n != 18 {
		t.Errorf("%d struct proto initializers bind .ioctl, want 18", n)
	}
}
