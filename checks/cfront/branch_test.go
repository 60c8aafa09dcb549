package cfront

import (
	"context"
	"reflect"
	"testing"
)

func TestBranch(t *testing.T) {
	whole := `int f(struct sock *sk, unsigned int cmd, void *arg)
{
	if (is_a(sk))
		rc = disp_a(sk, cmd, arg);
	else if (is_b(sk))
		rc = disp_b(sk, cmd, arg);
	switch (cmd) {
	case ONE:
	case TWO: {
		struct x buffer;

		return inout(sk, cmd, arg, &buffer, sizeof(buffer));
	}
	case THREE:
		p = (struct y *)arg;
		break;
	default:
#ifdef CONFIG_Y
		return handler(sk, cmd, arg);
#else
		return -ENOIOCTLCMD;
#endif
	}
	return out(sk, cmd, arg);
}
`
	// A hunk that starts inside a function body, as a diff shows it.
	frag := `	switch (cmd) {
	case SIOCGETMIFCNT_IN6:
		vr = (struct sioc_mif_req6 *)arg;
		if (vr->mifi >= mrt->maxvif)
			return -EINVAL;
		break;
	case SIOCGETSGCNT_IN6:
		sr = (struct sioc_sg_req6 *)arg;
`
	all := []string{"ONE", "TWO", "THREE", "default"}
	tests := []struct {
		name, src, fn string
		cast          bool
		want          *Branch
	}{
		{"first if", whole, "disp_a", false, &Branch{Guards: []string{"is_a(sk)"}, GuardLines: []int{3}}},
		{"else if", whole, "disp_b", false, &Branch{Guards: []string{"is_b(sk)", "!is_a(sk)"}, GuardLines: []int{5, 3}}},
		{"fallthrough case", whole, "inout", false, &Branch{Cases: []CaseLabel{{Switch: "cmd", Labels: []string{"ONE", "TWO"}, All: all}}}},
		{"cast in case", whole, "struct y *", true, &Branch{Cases: []CaseLabel{{Switch: "cmd", Labels: []string{"THREE"}, All: all}}}},
		{"default under #ifdef", whole, "handler", false, &Branch{Cases: []CaseLabel{{Switch: "cmd", Labels: []string{"default"}, All: all}}}},
		{"after the switch", whole, "out", false, nil},
		{"fragment case", frag, "struct sioc_sg_req6 *", true, &Branch{Cases: []CaseLabel{{Switch: "cmd", Labels: []string{"SIOCGETSGCNT_IN6"}, All: []string{"SIOCGETMIFCNT_IN6", "SIOCGETSGCNT_IN6"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u *Unit
			var err error
			if tt.src == frag {
				u, err = NewParser().ParseFragment(context.Background(), []byte(tt.src), "int ip6mr_ioctl(struct sock *sk, int cmd, void *arg)")
			} else {
				u, err = Parse([]byte(tt.src))
			}
			if err != nil {
				t.Fatal(err)
			}
			var got *Branch
			found := false
			if tt.cast {
				for _, c := range u.Casts {
					if c.To.Text == tt.fn {
						got, found = c.Branch, true
					}
				}
			} else {
				for _, c := range u.Calls {
					if c.Func == tt.fn {
						got, found = c.Branch, true
					}
				}
			}
			if !found {
				t.Fatalf("no %s in %+v %+v", tt.fn, u.Calls, u.Casts)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("branch of %s = %+v, want %+v", tt.fn, got, tt.want)
			}
		})
	}
}

// A whole file is parsed in chunks joined by AppendShifted: guard lines
// move with the chunk, and the cached chunk parse is left as it was.
func TestBranchShifted(t *testing.T) {
	v, err := Parse([]byte("int f(int cmd)\n{\n\tif (g(cmd))\n\t\treturn h(cmd);\n\treturn 0;\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var u Unit
	u.AppendShifted(v, 100)
	for i, c := range u.Calls {
		if c.Func != "h" {
			continue
		}
		if c.Line != 104 || !reflect.DeepEqual(c.Branch.GuardLines, []int{103}) {
			t.Errorf("shifted call h: line %d, guard lines %v; want 104, [103]", c.Line, c.Branch.GuardLines)
		}
		if got := v.Calls[i].Branch.GuardLines; !reflect.DeepEqual(got, []int{3}) {
			t.Errorf("the chunk's own parse changed: guard lines %v, want [3]", got)
		}
	}
}

func TestAssigns(t *testing.T) {
	src := `int h(struct sock *sk, int cmd, void *arg)
{
	struct sioc_sg_req *sr = arg;
	struct sioc_vif_req *vr;
	int n = 0, *p = &n;

	switch (cmd) {
	case SIOCGETVIFCNT:
		vr = arg;
		break;
	case SIOCGETSGCNT:
		n += cmd;
		vr = (struct sioc_vif_req *)arg;
		break;
	}
	return 0;
}
`
	u, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		To, From string
		Line     int
		Cases    string
	}
	var gs []got
	for _, a := range u.Assigns {
		g := got{a.To, a.From.Text, a.Line, ""}
		if a.InFunc != "h" {
			t.Errorf("assignment to %s in %q, want h", a.To, a.InFunc)
		}
		if a.Branch != nil && len(a.Branch.Cases) > 0 {
			g.Cases = a.Branch.Cases[0].Labels[0]
		}
		gs = append(gs, g)
	}
	want := []got{
		{"sr", "arg", 3, ""},
		{"p", "&n", 5, ""},
		{"vr", "arg", 9, "SIOCGETVIFCNT"},
		{"vr", "(struct sioc_vif_req *)arg", 13, "SIOCGETSGCNT"},
	}
	if !reflect.DeepEqual(gs, want) {
		t.Errorf("assignments %+v, want %+v", gs, want)
	}
}
