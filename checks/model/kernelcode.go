package model

import (
	"regexp"
	"strings"
	"sync"

	"github.com/patchbot/patchbot/checks/tree"
	"github.com/patchbot/patchbot/series"
)

// The checks apply kernel rules (__user, struct proto, the kernel's own
// prototypes), so they read kernel code only. Kernel lists also carry
// userspace projects ("[PATCH BlueZ]" on linux-bluetooth, iproute2, the
// netfilter and sctp libraries and tools, sparse itself), and the kernel
// tree holds userspace programs (tools/, samples/, usr/, scripts/,
// selftests, BPF programs): in user space iov_base is a plain pointer and
// read() is libc's, so none of that code is reviewed, and no name in it is
// matched to a kernel one.

// kernelTopLevel are the other names at the top of the kernel tree: a
// series touching one of them is still a kernel series, though the C in
// the first five is userspace.
var kernelTopLevel = map[string]bool{
	"tools": true, "samples": true, "usr": true, "scripts": true, "Documentation": true,
	"LICENSES": true, "Makefile": true, "Kconfig": true, "Kbuild": true, "MAINTAINERS": true,
	"CREDITS": true, "COPYING": true, "README": true, ".mailmap": true, ".gitignore": true,
	".clang-format": true, ".cocciconfig": true, ".get_maintainer.ignore": true,
	".gitattributes": true, ".rustfmt.toml": true, ".editorconfig": true,
}

// userProjects are subject tags of userspace projects whose patches go
// to kernel lists ("[PATCH BlueZ v2 1/3]", "[PATCH iproute2-next]").
var userProjects = map[string]bool{
	"bluez": true, "iproute2": true, "iproute2-next": true, "iproute": true, "ethtool": true,
	"ethtool-next": true, "pppd": true, "ppp": true, "libnl": true, "libnftnl": true,
	"nftables": true, "nft": true, "iptables": true, "conntrack-tools": true, "libmnl": true,
	"lksctp-tools": true, "lksctp": true, "neard": true, "ax25-tools": true, "ax25-apps": true,
	"libax25": true, "net-tools": true, "liburing": true, "sparse": true, "smatch": true,
	"ell": true, "mptcpd": true, "iwd": true, "ofono": true, "connman": true, "iw": true,
	"wpa_supplicant": true, "hostap": true, "wireless-regdb": true, "dwarves": true,
	"pahole": true, "xdp-tools": true, "kmod": true, "iputils": true, "rdma-core": true,
	"nvme-cli": true, "fstests": true, "xfstests": true, "ltp": true, "blktests": true,
	"man-pages": true, "util-linux": true, "ipset": true, "ulogd": true, "libnetfilter_queue": true,
	"bpftool": true, "libbpf": true, "linux-firmware": true, "ndctl": true, "mdadm": true,
}

// userInclude matches what only userspace C has: an #include <...> of
// libc, POSIX, GLib or D-Bus headers (kernel code includes its own
// "poll.h" in quotes), autoconf's HAVE_CONFIG_H. (Kernel headers
// shared with user space include libc headers under #ifndef __KERNEL__,
// so only .c files are judged by it.)
var userInclude = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*#\s*(?:include\s*<(?:std[a-z]*\.h|string\.h|strings\.h|unistd\.h|errno\.h|fcntl\.h|signal\.h|poll\.h|time\.h|getopt\.h|glib\.h|glib/|gio/|dbus/|sys/|bluetooth/|readline/|pthread\.h|libmnl/|netlink/)|if(?:def)?\s.*\bHAVE_CONFIG_H\b)`)
})

// userProject reports whether the series is from a project other than
// the kernel, and why: a userspace project's subject tag, or a path that
// is not in the kernel tree's layout.
func userProject(s *series.Series) (string, bool) {
	for _, p := range s.Patches {
		for _, w := range p.Subject.Prefixes {
			if userProjects[strings.ToLower(w)] {
				return "subject tag " + w, true
			}
		}
		for _, f := range p.Files {
			top, _, _ := strings.Cut(f.Name(), "/")
			if !tree.KernelPath(top+"/") && !kernelTopLevel[top] {
				return "path " + f.Name(), true
			}
		}
	}
	return "", false
}

// kernelSource reports whether file is kernel C: a .c or .h file in a
// kernel directory, not under a userspace one (tools/, samples/, usr/,
// scripts/, Documentation/, selftests), and not one whose hunks include
// userspace headers.
func kernelSource(f *series.File) bool {
	name := f.Name()
	if !IsCSource(name) {
		return false
	}
	if !tree.KernelPath(name) {
		return false
	}
	if !strings.HasSuffix(name, ".c") {
		return true
	}
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Op != series.OpDelete && strings.HasPrefix(strings.TrimLeft(l.Text, reSpace), "#") && userInclude().MatchString(l.Text) {
				return false
			}
		}
	}
	return true
}
