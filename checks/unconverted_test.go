package checks

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestUnconvertedImplementer(t *testing.T) {
	const cover = "cover.1795753221.git.ada@example.org"
	qux := want{UnconvertedID, "net/qux/qux.c", 6, "qux_ioctl",
		"qux_ioctl() implements struct proto.ioctl (bound at net/qux/qux.c:21) but still has the old type 'int (struct sock *, int, unsigned long)'; the series changes the member to 'int (struct sock *, int, int *)'"}
	baz := want{UnconvertedID, "net/baz/baz.c", 4, "baz_ioctl",
		"baz_ioctl() implements struct proto.ioctl (bound at net/baz/baz.c:11) but still has the old type"}
	tests := []struct {
		name     string
		fixture  string
		tree     bool
		want     []want
		wantNote string
	}{
		// Patch 2 adds a protocol written against the old callback; its
		// struct proto_ops .ioctl (another type) is no implementer.
		{"without a tree the series' own implementers are checked", "conv", false, []want{qux},
			"the tree-wide part needs --tree DIR"},
		// baz.c is untouched by the series: only the tree knows it binds
		// .ioctl.
		{"with a tree every implementer is checked", "conv", true, []want{baz, qux}, ""},
		{"a complete conversion stays silent", "good-user", true, nil, ""},
		{"series without a conversion rule stay silent", "cb", true, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var notes []string
			env := &Env{Note: func(s string) { notes = append(notes, s) }}
			if tc.tree {
				env.Tree = fixtureTree(t)
			}
			fs, err := UnconvertedImplementer{}.Run(context.Background(), loadFixture(t, tc.fixture), env)
			if err != nil {
				t.Fatal(err)
			}
			matchFindings(t, fs, tc.want)
			for _, f := range fs {
				if f.MessageID != cover {
					t.Errorf("%s: Message-ID %q, want the cover letter's", f.Symbol, f.MessageID)
				}
				if f.Severity != SeverityError {
					t.Errorf("%s: severity %q, want error", f.Symbol, f.Severity)
				}
			}
			if tc.wantNote != "" && !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, tc.wantNote) }) {
				t.Errorf("notes %q lack %q", notes, tc.wantNote)
			}
		})
	}
}

func TestUnconvertedNotReportedTwice(t *testing.T) {
	fs, err := Run(context.Background(), loadFixture(t, "conv"), &Env{Tree: fixtureTree(t)})
	if err != nil {
		t.Fatal(err)
	}
	quotes := map[string][]string{
		"baz_ioctl": {"net/baz/baz.c:4: static int baz_ioctl(struct sock *sk, int cmd, unsigned long arg)", "net/baz/baz.c:11: .baz_prot.ioctl = baz_ioctl"},
		"qux_ioctl": {"net/qux/qux.c:6: static int qux_ioctl(struct sock *sk, int cmd, unsigned long arg)", "net/qux/qux.c:21: .qux_prot.ioctl = qux_ioctl"},
	}
	for _, f := range fs {
		if f.Check != UnconvertedID {
			t.Errorf("only unconverted-implementer should report on this series, got %s %s:%d %s", f.Check, f.File, f.Line, f.Symbol)
		}
		if want := quotes[f.Symbol]; !slices.Equal(f.Quote, want) {
			t.Errorf("%s quote %q, want %q", f.Symbol, f.Quote, want)
		}
	}
	if len(fs) != len(quotes) {
		t.Errorf("%d findings, want %d:\n%s", len(fs), len(quotes), brief(fs))
	}
}

// ioctlRule is the 2023 conversion of struct proto's ioctl callback
// (e1d001fa5b47).
var ioctlRule = Rule{Struct: "proto", Member: "ioctl",
	Old: "int (struct sock *, int, unsigned long)", New: "int (struct sock *, int, int *)"}

func TestImplementersFixtureTree(t *testing.T) {
	got, err := Implementers(context.Background(), &Env{Tree: fixtureTree(t)}, ioctlRule)
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
	if _, err := Implementers(context.Background(), &Env{}, ioctlRule); err == nil {
		t.Error("Implementers without a tree should fail and name --tree")
	}
}

// TestImplementersLinux61 lists the implementers of struct proto's ioctl
// in linux 6.1 with no patch: every function bound to .ioctl in a struct
// proto initializer (18 initializers, 11 functions; established by reading
// the tree: grep of `.ioctl =` inside `struct proto x = {`), none of those
// bound in struct proto_ops.
func TestImplementersLinux61(t *testing.T) {
	env := &Env{Tree: linux61Index(t)}
	got, err := Implementers(context.Background(), env, ioctlRule)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, im := range got {
		names = append(names, im.Func)
		if im.Type != ioctlRule.Old {
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
