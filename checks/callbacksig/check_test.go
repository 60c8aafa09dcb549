package callbacksig_test

import (
	"context"
	"testing"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/callbacksig"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
)

func TestCallbackSignature(t *testing.T) {
	cb := []checktest.Want{
		// struct proto gains .uring_cmd in patch 1; foo binds a function
		// that lacks the issue_flags parameter.
		{Check: callbacksig.ID, File: "net/foo/af_foo.c", Line: 84, Symbol: "foo_uring_cmd",
			Msg: "initialization of struct proto.uring_cmd from incompatible pointer type: foo_uring_cmd() is 'int (struct sock *, struct io_uring_cmd *)' but the member is 'int (struct sock *, struct io_uring_cmd *, unsigned int)'"},
		// Patch 2 adds a prototype and a definition that disagree.
		{Check: callbacksig.ID, File: "include/net/foo.h", Line: 13, Symbol: "foo_uring_probe",
			Msg: "conflicting types for 'foo_uring_probe': this prototype is 'int (struct sock *, unsigned int)' but the definition at net/foo/af_foo.c:89 is 'int (struct sock *, unsigned long)'"},
	}
	tests := []struct {
		name    string
		fixture string
		tree    bool
		want    []checktest.Want
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
			env := &model.Env{}
			if tc.tree {
				env.Tree = checktest.FixtureTree(t)
			}
			fs, err := checktest.Run(context.Background(), callbacksig.Check{}, checktest.LoadFixture(t, tc.fixture), env)
			if err != nil {
				t.Fatal(err)
			}
			checktest.MatchFindings(t, fs, tc.want)
			for _, f := range fs {
				if f.Severity != checks.SeverityError {
					t.Errorf("%s: severity %q, want error", f.Symbol, f.Severity)
				}
			}
		})
	}
}
