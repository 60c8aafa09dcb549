package model

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/patchbot/patchbot/internal/kerneltree"
)

// The implementers of struct proto's ioctl in linux 6.1 that are defined in
// a file which never names struct proto (dccp_ioctl in net/dccp/proto.c,
// tcp_ioctl in net/ipv4/tcp.c, udp_ioctl in net/ipv4/udp.c) must still be
// resolved to their definitions, or unconverted-implementer would miss them.
func TestOpenTreeResolvesImplementersOutsideTheStructsFiles(t *testing.T) {
	root := kerneltree.Linux61(t)
	// The tree's store is kept between runs (only the first parses the
	// tree), apart from the user's own.
	if base, err := os.UserCacheDir(); err == nil {
		t.Setenv("XDG_CACHE_HOME", filepath.Join(base, "patchbot-test", "xdg"))
	} else {
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
	}
	rule := Rule{Struct: "proto", Member: "ioctl",
		Old: "int (struct sock *, int, unsigned long)", New: "int (struct sock *, int, int *)"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	x, err := OpenTree(context.Background(), root, nil, TreeOptions{Rules: []Rule{rule}, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range []string{"dccp_ioctl", "tcp_ioctl", "udp_ioctl"} {
		var defs []string
		for _, f := range x.Funcs(fn) {
			if f.Definition {
				defs = append(defs, f.File)
			}
		}
		if len(defs) == 0 {
			t.Errorf("%s: no definition indexed", fn)
		}
	}
	got, err := Implementers(context.Background(), &Env{Tree: x}, rule)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, im := range got {
		names = append(names, im.Func)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	want := []string{"dccp_ioctl", "dgram_ioctl", "l2tp_ioctl", "mptcp_ioctl", "pep_ioctl", "pn_ioctl",
		"raw_ioctl", "rawv6_ioctl", "sctp_ioctl", "tcp_ioctl", "udp_ioctl"}
	if !slices.Equal(names, want) {
		t.Errorf("unconverted implementers:\n got %q\nwant %q", names, want)
	}
}
