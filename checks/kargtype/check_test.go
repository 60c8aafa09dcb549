package kargtype_test

import (
	"context"
	"testing"

	"github.com/patchbot/patchbot/checks/kargtype"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
)

func TestKargType(t *testing.T) {
	const (
		sock = "net/foo/sock.c"
		id   = kargtype.ID
	)
	tests := []struct {
		name    string
		fixture string
		want    []checktest.Want
	}{
		{"every command's buffer is the handler's type; a cast outside the command's cases is not followed", "right", nil},
		{"a buffer of the wrong struct for one command, three calls from the handler's cast", "wrong", []checktest.Want{
			{Check: id, File: sock, Line: 44, Symbol: "foo_sk_ioctl",
				Msg: "foo_sk_ioctl() prepares struct foo_a_req buffer for FOOGETB, but foo_mr_ioctl() casts it to struct foo_b_req * for FOOGETB (net/foo/mr.c:17)"},
		}},
		{"a command the handler reads that the dispatcher never prepares a buffer for", "missing", []checktest.Want{
			{Check: id, File: sock, Line: 25, Symbol: "foo_ioctl_out",
				Msg: "int karg (4 bytes) reaches foo_mr_ioctl(), which casts it to struct foo_b_req * for FOOGETB (net/foo/mr.c:17): sk_foo_ioctl() prepares no buffer for FOOGETB"},
		}},
		{"buffers prepared only under a test of the protocol number", "protocol-guard", []checktest.Want{
			{Check: id, File: sock, Line: 30, Symbol: "foo_ioctl_out",
				Msg: "int karg (4 bytes) reaches foo_mr_ioctl(), which casts it to struct foo_a_req * for FOOGETA (net/foo/mr.c:11): sk_foo_ioctl() prepares a buffer for FOOGETA only when foo_sk_is_mr(sk), a test of the protocol number; also FOOGETB → struct foo_b_req * in foo_mr_ioctl() (net/foo/mr.c:17)"},
		}},
		{"two calls from the buffer to the cast, without a callback", "two-calls", []checktest.Want{
			{Check: id, File: sock, Line: 44, Symbol: "foo_sk_ioctl",
				Msg: "foo_sk_ioctl() prepares struct foo_a_req buffer for FOOGETB, but foo_mr_ioctl() casts it to struct foo_b_req * for FOOGETB (net/foo/mr.c:17)"},
		}},
		{"a buffer of the wrong struct, read through an assignment from void * without a cast", "assigned", []checktest.Want{
			{Check: id, File: sock, Line: 44, Symbol: "foo_sk_ioctl",
				Msg: "foo_sk_ioctl() prepares struct foo_a_req buffer for FOOGETB, but foo_mr_ioctl() assigns it to a struct foo_b_req * for FOOGETB (net/foo/mr.c:17)"},
		}},
		{"a union whose member the command chooses", "union", nil},
		{"a cast to the same struct through a typedef", "typedef", nil},
		{"sizes from the series' struct definitions, names where a size is unknown", "sizes", []checktest.Want{
			{Check: id, File: sock, Line: 49, Symbol: "foo_sk_ioctl",
				Msg: "foo_sk_ioctl() prepares struct foo_c_hdr buffer (4 bytes) for FOOGETB, but foo_mr_ioctl() casts it to struct foo_c_full * for FOOGETB"},
			{Check: id, File: sock, Line: 44, Symbol: "foo_sk_ioctl",
				Msg: "foo_sk_ioctl() prepares struct foo_c_full buffer (16 bytes) for FOOGETC, but foo_mr_ioctl() casts it to struct foo_c_unknown * for FOOGETC"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := checktest.Run(context.Background(), kargtype.Check{}, checktest.LoadFixture(t, "karg/"+tc.fixture), &model.Env{})
			if err != nil {
				t.Fatal(err)
			}
			checktest.MatchFindings(t, fs, tc.want)
		})
	}
}

// TestKargTypeThroughTheTree: on a tree already converted, a patch that
// only touches the dispatcher brings no rule; the call through
// sk->sk_prot->ioctl is followed by the types the tree gives (struct
// foo_proto's ioctl takes the caller's struct sock *, and the tree binds
// foo_raw_ioctl to it). Without the tree nothing names the callback, and
// the check says nothing.
func TestKargTypeThroughTheTree(t *testing.T) {
	s := checktest.LoadFixture(t, "karg/posted")
	fs, err := checktest.Run(context.Background(), kargtype.Check{}, s, &model.Env{Tree: checktest.IndexFixtureTree(t, "karg/posted/tree")})
	if err != nil {
		t.Fatal(err)
	}
	checktest.MatchFindings(t, fs, []checktest.Want{{Check: kargtype.ID, File: "net/foo/sock.c", Line: 44, Symbol: "foo_sk_ioctl",
		Msg: "foo_sk_ioctl() prepares struct foo_a_req buffer (16 bytes) for FOOGETB, but foo_mr_ioctl() casts it to struct foo_b_req * for FOOGETB (net/foo/mr.c:17)"}})
	fs, err = checktest.Run(context.Background(), kargtype.Check{}, checktest.LoadFixture(t, "karg/posted"), &model.Env{})
	if err != nil {
		t.Fatal(err)
	}
	checktest.MatchFindings(t, fs, nil)
}
