package series

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseSubject(t *testing.T) {
	// want lists Tree, Version, Index/Total, RFC, Resend, IsPatch, IsReply
	// and Title. Most subjects are taken from the io-uring list of 2023.
	type want struct {
		tree                string
		version, idx, total int
		rfc, resend         bool
		patch, reply        bool
		title               string
	}
	tests := []struct {
		name, subject string
		want          want
	}{
		{"plain patch", "[PATCH] io_uring: fix CQ waiting", want{"", 1, 0, 0, false, false, true, false, "io_uring: fix CQ waiting"}},
		{"version and counter", "[PATCH v3 2/5] io_uring: add napi busy polling support", want{"", 3, 2, 5, false, false, true, false, "io_uring: add napi busy polling support"}},
		{"tree before version", "[PATCH net-next v3 2/5] net: foo: bar", want{"net-next", 3, 2, 5, false, false, true, false, "net: foo: bar"}},
		{"tree before PATCH", "[net-next PATCH v2 3/4] net: foo", want{"net-next", 2, 3, 4, false, false, true, false, "net: foo"}},
		{"RFC with tree and cover counter", "[RFC PATCH net 0/3] net: rework", want{"net", 1, 0, 3, true, false, true, false, "net: rework"}},
		{"RESEND with version", "[PATCH RESEND v2] io_uring/af_unix: disable sending io_uring over sockets", want{"", 2, 0, 0, false, true, true, false, "io_uring/af_unix: disable sending io_uring over sockets"}},
		{"PATCHv2 glued", "[PATCHv2] io_uring: Support calling io_uring_register with a registered ring fd", want{"", 2, 0, 0, false, false, true, false, "io_uring: Support calling io_uring_register with a registered ring fd"}},
		{"PATCHv2 with counter", "[PATCHv2 3/5] nvme: unify nvme request end_io", want{"", 2, 3, 5, false, false, true, false, "nvme: unify nvme request end_io"}},
		{"zero padded counter", "[PATCH bpf-next v5 07/12] bpf: foo", want{"bpf-next", 5, 7, 12, false, false, true, false, "bpf: foo"}},
		{"iwl-next", "[PATCH iwl-next v2 1/2] ice: foo", want{"iwl-next", 2, 1, 2, false, false, true, false, "ice: foo"}},
		{"RFC without PATCH", "[RFC net-next 1/2] net: foo", want{"net-next", 1, 1, 2, true, false, true, false, "net: foo"}},
		{"stable review", "[PATCH 5.15 012/123] io_uring: fix", want{"5.15", 1, 12, 123, false, false, true, false, "io_uring: fix"}},
		{"stable review 4 digits", "[PATCH 6.2 0754/1001] io_uring: Replace 0-length array with flexible array", want{"6.2", 1, 754, 1001, false, false, true, false, "io_uring: Replace 0-length array with flexible array"}},
		{"upper-case V", "[PATCH V2] io_uring: fix", want{"", 2, 0, 0, false, false, true, false, "io_uring: fix"}},
		{"upper-case V with counter", "[PATCH V3 00/16] io_uring/ublk: add IORING_OP_FUSED_CMD", want{"", 3, 0, 16, false, false, true, false, "io_uring/ublk: add IORING_OP_FUSED_CMD"}},
		{"tree after version", "[PATCH v2 net] net: fix", want{"net", 2, 0, 0, false, false, true, false, "net: fix"}},
		{"RFC after PATCH", "[PATCH RFC v2 1/3] io_uring: x", want{"", 2, 1, 3, true, false, true, false, "io_uring: x"}},
		{"liburing", "[PATCH liburing 2/3] test: fix", want{"liburing", 1, 2, 3, false, false, true, false, "test: fix"}},
		{"liburing after version", "[RFC PATCH v2 liburing 1/3] x", want{"liburing", 2, 1, 3, true, false, true, false, "x"}},
		{"for-next", "[PATCH for-next] io_uring/msg-ring: ensure flags passing works", want{"for-next", 1, 0, 0, false, false, true, false, "io_uring/msg-ring: ensure flags passing works"}},
		{"for-x.y/branch", "[PATCH for-6.7/io_uring 1/2] io_uring: x", want{"for-6.7/io_uring", 1, 1, 2, false, false, true, false, "io_uring: x"}},
		{"mm-unstable v1", "[PATCH mm-unstable v1 0/3] mm/nommu: don't use VM_MAYSHARE", want{"mm-unstable", 1, 0, 3, false, false, true, false, "mm/nommu: don't use VM_MAYSHARE"}},
		{"PATCHSET", "[PATCHSET 0/5] User mapped provided buffer rings", want{"", 1, 0, 5, false, false, true, false, "User mapped provided buffer rings"}},
		{"PATCHSET with tree", "[PATCHSET v2 for-next 0/3] Add FMODE_NOWAIT support to pipes", want{"for-next", 2, 0, 3, false, false, true, false, "Add FMODE_NOWAIT support to pipes"}},
		{"PATCHSET REBASE", "[PATCHSET REBASE 00/10] cq wait refactoring rebase", want{"", 1, 0, 10, false, false, true, false, "cq wait refactoring rebase"}},
		{"AUTOSEL", "[PATCH AUTOSEL 6.1 01/10] io_uring/cancel: re-grab ctx mutex", want{"6.1", 1, 1, 10, false, false, true, false, "io_uring/cancel: re-grab ctx mutex"}},
		{"version before PATCH", "[v2 PATCH] io_uring: rsrc: Optimize return value", want{"", 2, 0, 0, false, false, true, false, "io_uring: rsrc: Optimize return value"}},
		{"RESEND before PATCH", "[RESEND PATCH v2 1/2] io_uring: x", want{"", 2, 1, 2, false, true, true, false, "io_uring: x"}},
		{"RFC RESEND", "[RFC RESEND 1/3] x", want{"", 1, 1, 3, true, true, true, false, "x"}},
		{"path-like tree", "[PATCH tools/io_uring] tools/io_uring: correctly set ret", want{"tools/io_uring", 1, 0, 0, false, false, true, false, "tools/io_uring: correctly set ret"}},
		{"two groups: tree", "[PATCH] [net] x", want{"net", 1, 0, 0, false, false, true, false, "x"}},
		{"two groups: RFC", "[PATCH 1/2] [RFC] x", want{"", 1, 1, 2, true, false, true, false, "x"}},
		{"two groups glued", "[PATCH][RFC] io_uring: Fix io_uring_mmu_get_unmapped_area() for IA-64", want{"", 1, 0, 0, true, false, true, false, "io_uring: Fix io_uring_mmu_get_unmapped_area() for IA-64"}},
		{"no brackets", "PATCH v2 1/3: io_uring: x", want{"", 2, 1, 3, false, false, true, false, "io_uring: x"}},
		{"no brackets, a title with colon", "PATCH tests: fix", want{"", 1, 0, 0, false, false, false, false, "PATCH tests: fix"}},
		{"counter alone", "[1/3] io_uring: x", want{"", 1, 1, 3, false, false, true, false, "io_uring: x"}},
		{"counter above total", "[PATCH 6/5] io_uring: one more", want{"", 1, 6, 6, false, false, true, false, "io_uring: one more"}},
		{"list tag first", "[External] [PATCH v2] io_uring: x", want{"", 2, 0, 0, false, false, true, false, "io_uring: x"}},
		{"EXT tag and reply", "[EXT] Re: [PATCH 1/2] io_uring: x", want{"", 1, 1, 2, false, false, false, true, "io_uring: x"}},
		{"GIT PULL", "[GIT PULL] io_uring fixes for 6.7-rc2", want{"", 1, 0, 0, false, false, false, false, "io_uring fixes for 6.7-rc2"}},
		{"GIT PULL with tree", "[GIT PULL for-6.3] io_uring updates", want{"", 1, 0, 0, false, false, false, false, "io_uring updates"}},
		{"syzbot report", "[syzbot] [io-uring?] general protection fault in worker_thread (2)", want{"", 1, 0, 0, false, false, false, false, "general protection fault in worker_thread (2)"}},
		{"bug report", "[bug report] io_uring: free io_buffer_list entries via RCU", want{"", 1, 0, 0, false, false, false, false, "io_uring: free io_buffer_list entries via RCU"}},
		{"regression tag with dotted version", "[v6.4 Regression] rust/io_uring: tests hang", want{"", 1, 0, 0, false, false, false, false, "rust/io_uring: tests hang"}},
		{"xfstests tag with slash", "[xfstests generic/617] fsx io_uring dio fails", want{"", 1, 0, 0, false, false, false, false, "fsx io_uring dio fails"}},
		{"no prefix", "io_uring link semantics", want{"", 1, 0, 0, false, false, false, false, "io_uring link semantics"}},
		{"Re:", "Re: [PATCH v3 2/5] io_uring: x", want{"", 3, 2, 5, false, false, false, true, "io_uring: x"}},
		{"RE:", "RE: [PATCH 0/5] add initial io_uring_cmd support for sockets", want{"", 1, 0, 5, false, false, false, true, "add initial io_uring_cmd support for sockets"}},
		{"Aw:", "Aw: [PATCH] x", want{"", 1, 0, 0, false, false, false, true, "x"}},
		{"AW:", "AW: [PATCH] x", want{"", 1, 0, 0, false, false, false, true, "x"}},
		{"Fwd:", "Fwd: [PATCH] x", want{"", 1, 0, 0, false, false, false, true, "x"}},
		{"Fw:", "Fw: [PATCH] x", want{"", 1, 0, 0, false, false, false, true, "x"}},
		{"Re: Re:", "Re: Re: [PATCH 1/2] x", want{"", 1, 1, 2, false, false, false, true, "x"}},
		{"Re[2]:", "Re[2]: [PATCH] x", want{"", 1, 0, 0, false, false, false, true, "x"}},
		{"reply to a plain subject", "Re: io_uring link semantics", want{"", 1, 0, 0, false, false, false, true, "io_uring link semantics"}},
		{"SV: before a bracket", "SV: [PATCH] x", want{"", 1, 0, 0, false, false, false, true, "x"}},
		{"tr: subsystem is no reply", "tr: fix the thing", want{"", 1, 0, 0, false, false, false, false, "tr: fix the thing"}},
		{"subsystem prefix is no reply", "fs: [PATCH] x", want{"", 1, 0, 0, false, false, false, false, "fs: [PATCH] x"}},
		{"folded subject", "[PATCH v5]\n io_uring: Statistics of the true\n utilization of sq threads.", want{"", 5, 0, 0, false, false, true, false, "io_uring: Statistics of the true utilization of sq threads."}},
		{"nested brackets", "[PATCH [net] 1/2] x", want{"net", 1, 1, 2, false, false, true, false, "x"}},
		{"unclosed bracket", "[PATCH v2 x", want{"", 1, 0, 0, false, false, false, false, "[PATCH v2 x"}},
		{"empty", "", want{"", 1, 0, 0, false, false, false, false, ""}},
		{"typo counter is no counter", "[PATCHSET 0.4] Reduce overhead", want{"0.4", 1, 0, 0, false, false, true, false, "Reduce overhead"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ParseSubject(tt.subject)
			got := want{s.Tree, s.Version, s.Index, s.Total, s.RFC, s.Resend, s.IsPatch, s.IsReply, s.Title}
			if got != tt.want {
				t.Errorf("ParseSubject(%q)\n got  %+v\n want %+v (prefixes %q)", tt.subject, got, tt.want, s.Prefixes)
			}
			if s.Raw != tt.subject {
				t.Errorf("Raw = %q, want the input", s.Raw)
			}
		})
	}
}

func TestParseSubjectPrefixes(t *testing.T) {
	s := ParseSubject("[RFC PATCH net-next v3 2/5] net: foo: bar")
	want := []string{"RFC", "PATCH", "net-next", "v3", "2/5"}
	if strings.Join(s.Prefixes, ",") != strings.Join(want, ",") {
		t.Errorf("Prefixes = %q, want %q", s.Prefixes, want)
	}
}

func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{
		"[PATCH]", "[PATCH v3 2/5] x", "[RFC PATCH net-next v3 2/5] net: x", "Re: Re[2]: [PATCH 1/2] x",
		"[PATCHv2 3/5] x", "[PATCH 5.15 012/123] x", "PATCH v2 1/3: x", "[GIT PULL] x", "[PATCH [net] 1/2] x",
		"[PATCH 6/5] x", "[PATCH v0] x", "[PATCH 9999/9999]", "回复: [PATCH] x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := ParseSubject(in)
		if s.Version < 1 {
			t.Errorf("Version %d < 1 for %q", s.Version, in)
		}
		if s.Total > 0 && s.Index > s.Total {
			t.Errorf("Index %d > Total %d for %q", s.Index, s.Total, in)
		}
		if s.Index < 0 || s.Total < 0 {
			t.Errorf("negative counter %d/%d for %q", s.Index, s.Total, in)
		}
		if s.IsPatch && s.IsReply {
			t.Errorf("both patch and reply: %q", in)
		}
		if s.Raw != in {
			t.Errorf("Raw changed")
		}
		if utf8.ValidString(in) && !utf8.ValidString(s.Title) {
			t.Errorf("Title %q not valid UTF-8 for valid input %q", s.Title, in)
		}
		if strings.TrimSpace(s.Title) != s.Title {
			t.Errorf("Title %q not trimmed", s.Title)
		}
		// Parsing is stable: the title of a title is itself when it has
		// no prefixes left.
		if s.Title != "" && !strings.HasPrefix(s.Title, "[") {
			if again := ParseSubject(s.Title); len(again.Prefixes) == 0 && again.Title != s.Title {
				t.Errorf("title %q reparses as %q", s.Title, again.Title)
			}
		}
	})
}
