package droppeduser_test

import (
	"context"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/droppeduser"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
)

func TestDroppedUser(t *testing.T) {
	// Found from the diff alone: every defect whose evidence lies in the
	// hunks of the series.
	diffOnly := []checktest.Want{
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 32, Symbol: "foo_user_buf:uaddr", Msg: "incorrect type in assignment (different address spaces): void __user *uaddr gets a plain 'void *'"},
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 35, Symbol: "foo_user_buf:*ubuf", Msg: "void __user **ubuf gets a plain 'void *'"},
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 64, Symbol: "foo_ioctl:put_user", Msg: "incorrect type in argument 2 (different address spaces): put_user() expects a '__user' pointer but gets '(int *)arg'"},
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 77, Symbol: "foo_stat:ustat", Msg: "cast removes address space '__user' of expression"},
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 80, Symbol: "foo_stat:ustat", Msg: "dereference of noderef expression"},
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 107, Symbol: "foo_grab_fd:foo_put_fd", Msg: "foo_put_fd() expects a '__user' pointer but gets the kernel address '&kfds.fd'"},
		{Check: droppeduser.ID, File: "include/net/foo.h", Line: 14, Symbol: "foo_get_len", Msg: "the prototype of foo_get_len() has 'int *' but its definition at net/foo/af_foo.c:39 has 'int __user *'"},
	}
	// With the tree the whole function is visible: the parameter that
	// lost __user is still handed to copy_from_user() below the hunk.
	withTree := append([]checktest.Want{
		{Check: droppeduser.ID, File: "net/foo/af_foo.c", Line: 15, Symbol: "foo_get_req:argp", Msg: "'argp' lost '__user' in this patch but is still passed to copy_from_user() at line 19"},
	}, diffOnly...)
	tests := []struct {
		name    string
		fixture string
		tree    bool
		want    []checktest.Want
	}{
		{"defects visible in the hunks are reported without a tree", "bad-user", false, diffOnly},
		{"a lost __user used outside the hunk needs the tree", "bad-user", true, withTree},
		{"kernel-memory conversion, sockptr_t, iov_iter and __force stay silent without a tree", "good-user", false, nil},
		{"kernel-memory conversion, sockptr_t, iov_iter and __force stay silent with the tree", "good-user", true, nil},
		{"a series that only retypes callbacks has no __user defect", "conv", true, nil},
		// iov_base is __user in struct iovec but a kernel pointer in
		// struct kvec.
		{"a kernel pointer stored in struct iovec's iov_base is reported, in struct kvec's not", "iov", false, []checktest.Want{
			{Check: droppeduser.ID, File: "net/foo/foo_iov.c", Line: 11, Symbol: "foo_send_user:iov.iov_base", Msg: "incorrect type in assignment (different address spaces): __user pointer member iov_base gets a plain 'void *'"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &model.Env{}
			if tc.tree {
				env.Tree = checktest.FixtureTree(t)
			}
			fs, err := checktest.Run(context.Background(), droppeduser.Check{}, checktest.LoadFixture(t, tc.fixture), env)
			if err != nil {
				t.Fatal(err)
			}
			checktest.MatchFindings(t, fs, tc.want)
		})
	}
}

func TestDroppedUserFindingText(t *testing.T) {
	fs, err := checktest.Run(context.Background(), droppeduser.Check{}, checktest.LoadFixture(t, "bad-user"), &model.Env{Tree: checktest.FixtureTree(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Line != 15 {
			continue
		}
		if f.Severity != checks.SeverityWarning {
			t.Errorf("severity %q, want warning", f.Severity)
		}
		if f.Suggestion != "keep `void __user *argp`" {
			t.Errorf("suggestion %q", f.Suggestion)
		}
		wantQuote := []string{
			"-net/foo/af_foo.c:15: static int foo_get_req(struct sock *sk, void __user *argp)",
			"+net/foo/af_foo.c:15: static int foo_get_req(struct sock *sk, void *argp)",
			" net/foo/af_foo.c:19: \tif (copy_from_user(&req, argp, sizeof(req)))",
		}
		if strings.Join(f.Quote, "\n") != strings.Join(wantQuote, "\n") {
			t.Errorf("quote:\n%s\nwant:\n%s", strings.Join(f.Quote, "\n"), strings.Join(wantQuote, "\n"))
		}
		if !strings.HasPrefix(f.MessageID, "fd3ebb10b9a9") {
			t.Errorf("Message-ID %q, want patch 1's", f.MessageID)
		}
		return
	}
	t.Fatalf("no finding at line 15:\n%s", checktest.Brief(fs))
}
