package kargtype

import (
	"context"
	"testing"

	"github.com/patchbot/patchbot/checks/cfront"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/series"
)

func emptyReview(t *testing.T) *review {
	t.Helper()
	m, err := model.New(context.Background(), &series.Series{}, &model.Env{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return newReview(m)
}

func TestCommands(t *testing.T) {
	all := []string{"A", "B", "C", "default"}
	tests := []struct {
		name  string
		cases []cfront.CaseLabel
		allow map[string]bool
	}{
		{"any command", nil, map[string]bool{"A": true, "Z": true}},
		{"one case", []cfront.CaseLabel{{Labels: []string{"B"}, All: all}}, map[string]bool{"A": false, "B": true, "Z": false}},
		{"fallthrough cases", []cfront.CaseLabel{{Labels: []string{"A", "B"}, All: all}}, map[string]bool{"A": true, "B": true, "C": false}},
		{"default", []cfront.CaseLabel{{Labels: []string{"default"}, All: all}}, map[string]bool{"A": false, "C": false, "Z": true}},
		{"a case, then a default of another switch that names it", []cfront.CaseLabel{
			{Labels: []string{"A", "Z"}, All: all}, {Labels: []string{"default"}, All: []string{"A", "default"}}}, map[string]bool{"A": false, "Z": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := commands{}
			for _, cl := range tt.cases {
				c = c.under(cl)
			}
			for x, want := range tt.allow {
				if got := c.allows(x); got != want {
					t.Errorf("allows(%s) = %v, want %v (%s)", x, got, want, c.key())
				}
			}
		})
	}
}

func TestClassify(t *testing.T) {
	r := emptyReview(t)
	tests := []struct {
		cond string
		want guardKind
	}{
		{"sk->sk_type == SOCK_RAW && sk->sk_family == AF_INET", guardSocket},
		{"!strcmp(sk->sk_prot->name, \"RAW\")", guardSocket},
		{"sk->sk_family == PF_INET && sk->sk_protocol == IPPROTO_RAW", guardProtocol},
		{"sk->sk_family == AF_INET && inet_sk(sk)->inet_num == IPPROTO_IGMP", guardProtocol},
		{"foo_is_special(sk)", guardUnknown},
		{"READ_ONCE(sk->sk_flags) & FOO_FLAG", guardUnknown},
	}
	for _, tt := range tests {
		if got := r.classify(context.Background(), tt.cond, "net/core/sock.c", 0); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.cond, got, tt.want)
		}
	}
}

func TestAgree(t *testing.T) {
	r := emptyReview(t)
	ctx := context.Background()
	tests := []struct {
		have, want string
		agree      bool
	}{
		{"struct a", "struct a", true},
		{"int", "unsigned int", true},
		{"int", "long", false},
		{"struct a", "void", true},
		{"struct a", "u8", true},
		{"union req", "struct a", true},
		{"struct a", "a_t", true},
		{"int", "struct sioc_vif_req", false},
		{"struct a", "struct b", false},
	}
	for _, tt := range tests {
		if got := r.agree(ctx, tt.have, tt.want); got != tt.agree {
			t.Errorf("agree(%q, %q) = %v, want %v", tt.have, tt.want, got, tt.agree)
		}
	}
	if l, ok := r.layoutOf(ctx, "char [16]", 0); !ok || l.size != 16 {
		t.Errorf("layout of char [16] = %+v, %v", l, ok)
	}
}

// A switch on a size (copy_to_user()'s helpers: case 1, case 2, ...) or
// a length passed on is no command.
func TestCommandShapes(t *testing.T) {
	for _, tt := range []struct {
		labels []string
		want   bool
	}{
		{[]string{"SIOCGETVIFCNT"}, true},
		{[]string{"SIOCOUTQ", "default"}, true},
		{[]string{"2"}, false},
		{[]string{"sizeof(u32)"}, false},
		{[]string{"'a'"}, false},
		{[]string{"FOO + 1"}, false},
	} {
		if got := commandLabels(tt.labels); got != tt.want {
			t.Errorf("commandLabels(%q) = %v, want %v", tt.labels, got, tt.want)
		}
	}
	intT := cfront.Type{Text: "int"}
	params := []cfront.Param{{Name: "sk", Type: cfront.Type{Text: "struct sock *"}}, {Name: "len", Type: intT},
		{Name: "optval", Type: cfront.Type{Text: "char __user *"}}}
	copyOut := cfront.Call{Func: "copy_to_user", Args: []cfront.Expr{{Text: "optval", Ident: "optval"}, {Text: "&status", Ident: "status"}, {Text: "len", Ident: "len"}}}
	if got := genericCommandArg(copyOut, params, 1, nil); got != -1 {
		t.Errorf("a length taken for the command: argument %d", got)
	}
	params[1].Name = "cmd"
	call := cfront.Call{Func: "sk->sk_prot->ioctl", Args: []cfront.Expr{{Text: "sk", Ident: "sk"}, {Text: "cmd", Ident: "cmd"}, {Text: "&karg", Ident: "karg"}}}
	if got := genericCommandArg(call, params, 2, nil); got != 1 {
		t.Errorf("cmd passed on: argument %d, want 1", got)
	}
}
