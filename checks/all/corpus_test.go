package all_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/checks/all"
	"github.com/patchbot/patchbot/checks/droppeduser"
	"github.com/patchbot/patchbot/checks/kargtype"
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/internal/checktest"
	"github.com/patchbot/patchbot/internal/corpus"
	"github.com/patchbot/patchbot/mail"
	"github.com/patchbot/patchbot/series"
)

// readMbox parses every message of an mbox in the corpus.
func readMbox(t *testing.T, path string) []*mail.Message {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var msgs []*mail.Message
	err = mail.ReadMbox(context.Background(), f, path, func(raw []byte, source string) error {
		if m, _ := mail.Parse(raw, source); m != nil {
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read mbox %s: %v", path, err)
	}
	return msgs
}

// runAll assembles msgs into series and runs every check on each.
func runAll(t *testing.T, msgs []*mail.Message, env *model.Env) (map[*series.Series][]checks.Finding, int) {
	t.Helper()
	res := series.Assemble(msgs)
	out := map[*series.Series][]checks.Finding{}
	patches := 0
	for _, s := range res.Series {
		patches += len(s.Patches)
		fs, err := runChecks(t, s, env)
		if err != nil {
			t.Fatalf("run checks on %q: %v", s.Title, err)
		}
		out[s] = fs
	}
	return out, patches
}

// TestLeitaoIoctlSeries runs the checks on every version of the 2023
// struct proto ioctl conversion, with and without the linux 6.1 tree. The
// review threads and robot reports name no defect of these three kinds:
// the robot's v3 error is a redefinition of phonet_sk_ioctl() (an inline
// stub and the real function under different CONFIG_PHONET settings, with
// the same signature) and its v4 errors are link errors (ip6mr_sk_ioctl
// undefined without CONFIG_IPV6_MROUTE); reviewers asked for design
// changes. So every version must come out clean of those three kinds, yet
// the checks must see the conversion: the rule is inferred and, with the
// tree, every implementer is found converted.
//
// What review missed, syzbot found after the merge of v7 (the followup-*
// mails): the buffer behind void *karg of the wrong type. karg-type
// reports both defects in every version that has them: the typo (a struct
// sioc_mif_req6 prepared for SIOCGETSGCNT_IN6, read as struct
// sioc_sg_req6) from v2 on, and the raw path (the generic int karg
// reaching ipmr_ioctl()'s and ip6mr_ioctl()'s struct casts, because the
// buffers are prepared only under a test of the protocol number) from v2
// on. v1 prepared each buffer by size, under a test of sk_prot's name:
// silent.
func TestLeitaoIoctlSeries(t *testing.T) {
	karg := map[int][]string{
		2: {"net/core/sock.c:4153 sk_ioctl_out SIOCGETVIFCNT", "net/core/sock.c:4199 sk_ioctl SIOCGETSGCNT_IN6"},
		3: {"net/core/sock.c:4139 sock_ioctl_out SIOCGETVIFCNT", "net/ipv6/ip6mr.c:1603 ip6mr_sk_ioctl SIOCGETSGCNT_IN6"},
		4: {"net/core/sock.c:4139 sock_ioctl_out SIOCGETVIFCNT", "net/ipv6/ip6mr.c:1603 ip6mr_sk_ioctl SIOCGETSGCNT_IN6"},
		5: {"include/linux/mroute6.h:114 ip6mr_sk_ioctl SIOCGETSGCNT_IN6", "net/core/sock.c:4140 sock_ioctl_out SIOCGETVIFCNT"},
		6: {"include/linux/mroute6.h:115 ip6mr_sk_ioctl SIOCGETSGCNT_IN6", "net/core/sock.c:4140 sock_ioctl_out SIOCGETVIFCNT"},
		7: {"include/linux/mroute6.h:115 ip6mr_sk_ioctl SIOCGETSGCNT_IN6", "net/core/sock.c:4140 sock_ioctl_out SIOCGETVIFCNT"},
	}
	for _, withTree := range []bool{false, true} {
		for v := 1; v <= 7; v++ {
			name := "v" + strconv.Itoa(v) + "/no-tree"
			if withTree {
				name = "v" + strconv.Itoa(v) + "/linux-6.1"
			}
			t.Run(name, func(t *testing.T) {
				env := &model.Env{}
				if withTree {
					env.Tree = checktest.Linux61Index(t)
				}
				s := checktest.LoadSeries(t, checktest.LeitaoVersion(t, v)...)
				ctx := context.Background()
				m, err := model.New(ctx, s, env)
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				if rules := m.Rules(ctx); len(rules) != 1 || rules[0] != checktest.IoctlRule {
					t.Errorf("inferred rules %+v, want %+v", rules, checktest.IoctlRule)
				}
				if withTree {
					impl := m.Implementers(ctx, checktest.IoctlRule)
					var funcs []string
					for _, im := range impl {
						if !slices.Contains(funcs, im.Func) {
							funcs = append(funcs, im.Func)
						}
					}
					if len(funcs) != 11 {
						t.Errorf("%d implementers seen after the series, want the 11 of linux 6.1: %v", len(funcs), funcs)
					}
				}
				fs, err := runChecks(t, s, env)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, f := range fs {
					if f.Check != kargtype.ID {
						t.Errorf("finding on v%d: %s", v, checktest.Brief([]checks.Finding{f}))
						continue
					}
					cmd := "?"
					for _, c := range []string{"SIOCGETVIFCNT", "SIOCGETSGCNT_IN6"} {
						if strings.Contains(f.Message, " for "+c+",") || strings.Contains(f.Message, " for "+c+" (") {
							cmd = c
							break
						}
					}
					got = append(got, fmt.Sprintf("%s:%d %s %s", f.File, f.Line, f.Symbol, cmd))
				}
				sort.Strings(got)
				if !slices.Equal(got, karg[v]) {
					t.Errorf("karg-type on v%d: %q, want %q", v, got, karg[v])
				}
			})
		}
	}
}

// TestLeitaoFixes runs the checks on the fixes syzbot's reports led to,
// with and without the tree: each fix is silent.
func TestLeitaoFixes(t *testing.T) {
	for _, file := range []string{"followup-1-ipv6-fix-a-typo-in-ip6mr_sk_ioctl.eml", "followup-3-net-ipv4-ipmr-prevent-information-leak-in-ipmr_sk_ioctl.eml"} {
		for _, withTree := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/tree=%v", file[:10], withTree), func(t *testing.T) {
				env := &model.Env{}
				if withTree {
					env.Tree = checktest.Linux61Index(t)
				}
				fs, err := runChecks(t, checktest.LoadSeries(t, corpus.Path(t, "leitao-ioctl", file)), env)
				if err != nil {
					t.Fatal(err)
				}
				if len(fs) != 0 {
					t.Errorf("findings on %s:\n%s", file, checktest.Brief(fs))
				}
			})
		}
	}
}

// TestSparseFound runs dropped-user on the patches where sparse found a
// real __user defect. Each expected finding is at the line sparse (the
// kernel test robot, a maintainer or a reviewer) named; the line numbers
// are the patch's own post-image numbers.
func TestSparseFound(t *testing.T) {
	type hit struct {
		file string
		line int
		msg  string
	}
	tests := []struct {
		name string
		file string
		tree bool
		want []hit
	}{
		{"02 MSG_ZEROCOPY notification: plain pointer stored in void __user *usr_addr (robot: sock.c:2864)",
			"02-patch-sock-add-msg_zerocopy-notification-v2-2of3.eml", false,
			[]hit{{"net/core/sock.c", 2864, "incorrect type in assignment (different address spaces): void __user *usr_addr gets a plain 'void *'"}}},
		{"03 copy cmsg to user: umsg->msg_control dereferences a __user pointer (robot: socket.c:2629, 2635)",
			"03-patch-sock-support-copy-cmsg-to-userspace-in-tx-path-v6-2of4.eml", false,
			[]hit{{"net/socket.c", 2629, "dereference of noderef expression"}, {"net/socket.c", 2635, "dereference of noderef expression"}}},
		{"04 SIOCUNIXGRABFDS: kernel address passed to receive_fd_user()'s int __user *ufd (robot: af_unix.c:3130; needs the tree's prototype)",
			"04-patch-af_unix-add-ioctl-siocunixgrabfds.eml", true,
			[]hit{{"net/unix/af_unix.c", 3130, "receive_fd_user() expects a '__user' pointer but gets the kernel address '&arg.in.fds[done]'"}}},
		{"05 multishot recvmsg: (void *) stored in msg_control_user and *buf (robot: net.c:564, 569 on its later base; the patch's lines 562, 567)",
			"05-patch-io_uring-support-multishot-in-recvmsg-v3-3of3.eml", false,
			[]hit{{"io_uring/net.c", 562, "__user pointer member msg_control_user gets a plain 'void *'"}, {"io_uring/net.c", 567, "void __user **buf gets a plain 'void *'"}}},
		{"05 fix: casting to (void __user *) is the cure, not a defect",
			"05-fix-io_uring-fix-io_recvmsg_prep_multishot-casts.eml", false, nil},
		{"06 fix: storing optval in msg_control_user is the cure",
			"06-fix-net-ipv6-propagate-user-pointer-annotation.eml", false, nil},
		{"07 v4 uses a kvec instead of the v3 iov_base assignment sparse flagged",
			"07-fixed-v4-04of17-vsock-virtio-non-linear-skb-tap-uses-kvec-lkml-copy.eml", false, nil},
		{"08 copying cmsgs to user space: umsg->msg_control dereferences a __user pointer (reviewer's sparse: socket.c:2540)",
			"08-patch-sock-support-copying-cmsgs-to-user-space-in-sendmsg-v7-1of3.eml", false,
			[]hit{{"net/socket.c", 2540, "dereference of noderef expression"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &model.Env{}
			if tc.tree {
				env.Tree = checktest.Linux61Index(t)
			}
			s := checktest.LoadSeries(t, corpus.Path(t, "sparse-found", tc.file))
			fs, err := checktest.Run(context.Background(), droppeduser.Check{}, s, env)
			if err != nil {
				t.Fatal(err)
			}
			var wants []checktest.Want
			for _, h := range tc.want {
				wants = append(wants, checktest.Want{Check: droppeduser.ID, File: h.file, Line: h.line, Msg: h.msg})
			}
			for i := range fs {
				fs[i].Symbol = ""
			}
			checktest.MatchFindings(t, fs, wants)
		})
	}
}

// TestNetdevCleanCorpus: accepted netdev patches touching ioctl, __user
// and sockptr code must yield no finding, with or without the tree.
func TestNetdevCleanCorpus(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(corpus.Path(t, "netdev-clean"), "*.eml"))
	if err != nil || len(paths) == 0 {
		t.Skip("netdev-clean is empty")
	}
	msgs := checktest.ReadMails(t, paths)
	for _, withTree := range []bool{false, true} {
		name := map[bool]string{false: "no-tree", true: "linux-6.1"}[withTree]
		t.Run(name, func(t *testing.T) {
			env := &model.Env{}
			if withTree {
				env.Tree = checktest.Linux61Index(t)
			}
			res, patches := runAll(t, msgs, env)
			if patches < 25 {
				t.Errorf("only %d patches assembled from %d mails", patches, len(msgs))
			}
			for s, fs := range res {
				if len(fs) > 0 {
					t.Errorf("%s <%s>:\n%s", s.Title, s.ID, checktest.Brief(fs))
				}
			}
		})
	}
}

// TestIOUringTraffic runs the checks (diff only) over every series of a
// year of io-uring list traffic. The only findings are true defects,
// verified by reading the patches: in Ming Lei's fused-command series the
// !CONFIG_IO_URING static inline stub of the new export takes one
// parameter more ("unsigned int len") than the CONFIG_IO_URING prototype,
// in every version posted.
func TestIOUringTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1,300 patches (about 15 s)")
	}
	msgs := readMbox(t, corpus.Path(t, "iouring-2023.mbox"))
	res, patches := runAll(t, msgs, &model.Env{})
	want := []string{
		"20230301140611.163055-8-ming.lei@redhat.com callback-signature include/linux/io_uring.h:95 io_fused_cmd_provide_kbuf",
		"20230307141520.793891-4-ming.lei@redhat.com callback-signature include/linux/io_uring.h:79 io_fused_cmd_provide_kbuf",
		"20230314125727.1731233-3-ming.lei@redhat.com callback-signature include/linux/io_uring.h:79 io_fused_cmd_provide_kbuf",
		"20230324135808.855245-3-ming.lei@redhat.com callback-signature include/linux/io_uring.h:79 io_fused_cmd_start_slave_req",
		"20230328150958.1253547-3-ming.lei@redhat.com callback-signature include/linux/io_uring.h:79 io_fused_cmd_start_secondary_req",
	}
	var got []string
	for _, fs := range res {
		for _, f := range fs {
			got = append(got, f.MessageID+" "+f.Check+" "+f.File+":"+strconv.Itoa(f.Line)+" "+f.Symbol)
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings over %d patches:\n%s\nwant:\n%s", patches, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if patches < 1000 {
		t.Errorf("only %d patches assembled", patches)
	}
}

// runChecks runs every shipped check on s, as a review does.
func runChecks(t testing.TB, s *series.Series, env *model.Env) ([]checks.Finding, error) {
	t.Helper()
	reg, err := all.New()
	if err != nil {
		t.Fatal(err)
	}
	return reg.Run(context.Background(), s, env, nil)
}
