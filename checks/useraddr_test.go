package checks

import (
	"context"
	"strings"
	"testing"
)

// want is one finding a test expects: check, place, symbol and a piece of
// the message.
type want struct {
	check, file string
	line        int
	symbol, msg string
}

// matchFindings checks that fs holds exactly the wanted findings (and
// that every finding carries the fields a reader needs).
func matchFindings(t *testing.T, fs []Finding, wants []want) {
	t.Helper()
	used := make([]bool, len(fs))
	for _, w := range wants {
		found := false
		for i, f := range fs {
			if used[i] || f.Check != w.check || f.File != w.file || f.Line != w.line || f.Symbol != w.symbol || !strings.Contains(f.Message, w.msg) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("missing %s %s:%d %s %q; got:\n%s", w.check, w.file, w.line, w.symbol, w.msg, brief(fs))
		}
	}
	for i, f := range fs {
		if !used[i] {
			t.Errorf("unexpected finding: %s %s:%d %s: %s", f.Check, f.File, f.Line, f.Symbol, f.Message)
		}
		if f.Severity == "" || f.Explanation == "" || len(f.Quote) == 0 || f.Suggestion == "" || f.MessageID == "" {
			t.Errorf("finding %s %s:%d lacks severity, explanation, quote, suggestion or Message-ID: %+v", f.Check, f.File, f.Line, f)
		}
	}
}

func TestDroppedUser(t *testing.T) {
	// Found from the diff alone: every defect whose evidence lies in the
	// hunks of the series.
	diffOnly := []want{
		{DroppedUserID, "net/foo/af_foo.c", 32, "foo_user_buf:uaddr", "incorrect type in assignment (different address spaces): void __user *uaddr gets a plain 'void *'"},
		{DroppedUserID, "net/foo/af_foo.c", 35, "foo_user_buf:*ubuf", "void __user **ubuf gets a plain 'void *'"},
		{DroppedUserID, "net/foo/af_foo.c", 64, "foo_ioctl:put_user", "incorrect type in argument 2 (different address spaces): put_user() expects a '__user' pointer but gets '(int *)arg'"},
		{DroppedUserID, "net/foo/af_foo.c", 77, "foo_stat:ustat", "cast removes address space '__user' of expression"},
		{DroppedUserID, "net/foo/af_foo.c", 80, "foo_stat:ustat", "dereference of noderef expression"},
		{DroppedUserID, "net/foo/af_foo.c", 107, "foo_grab_fd:foo_put_fd", "foo_put_fd() expects a '__user' pointer but gets the kernel address '&kfds.fd'"},
		{DroppedUserID, "include/net/foo.h", 14, "foo_get_len", "the prototype of foo_get_len() has 'int *' but its definition at net/foo/af_foo.c:39 has 'int __user *'"},
	}
	// With the tree the whole function is visible: the parameter that
	// lost __user is still handed to copy_from_user() below the hunk.
	withTree := append([]want{
		{DroppedUserID, "net/foo/af_foo.c", 15, "foo_get_req:argp", "'argp' lost '__user' in this patch but is still passed to copy_from_user() at line 19"},
	}, diffOnly...)
	tests := []struct {
		name    string
		fixture string
		tree    bool
		want    []want
	}{
		{"defects visible in the hunks are reported without a tree", "bad-user", false, diffOnly},
		{"a lost __user used outside the hunk needs the tree", "bad-user", true, withTree},
		{"kernel-memory conversion, sockptr_t, iov_iter and __force stay silent without a tree", "good-user", false, nil},
		{"kernel-memory conversion, sockptr_t, iov_iter and __force stay silent with the tree", "good-user", true, nil},
		{"a series that only retypes callbacks has no __user defect", "conv", true, nil},
		// iov_base is __user in struct iovec but a kernel pointer in
		// struct kvec.
		{"a kernel pointer stored in struct iovec's iov_base is reported, in struct kvec's not", "iov", false, []want{
			{DroppedUserID, "net/foo/foo_iov.c", 11, "foo_send_user:iov.iov_base", "incorrect type in assignment (different address spaces): __user pointer member iov_base gets a plain 'void *'"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{}
			if tc.tree {
				env.Tree = fixtureTree(t)
			}
			fs, err := DroppedUser{}.Run(context.Background(), loadFixture(t, tc.fixture), env)
			if err != nil {
				t.Fatal(err)
			}
			matchFindings(t, fs, tc.want)
		})
	}
}

func TestDroppedUserFindingText(t *testing.T) {
	fs, err := DroppedUser{}.Run(context.Background(), loadFixture(t, "bad-user"), &Env{Tree: fixtureTree(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Line != 15 {
			continue
		}
		if f.Severity != SeverityWarning {
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
	t.Fatalf("no finding at line 15:\n%s", brief(fs))
}
