#!/usr/bin/env python3
"""Regenerate the shapes/ fixtures of the checks.

Each case is a directory holding real `git format-patch` output of an
invented change to an invented kernel-style tree, written to show one shape
of real list traffic that once gave a false finding (or hid a true one):
hunks read out of context, userspace code on kernel lists, and a kernel
tree older than the series' base. Cases with a tree/ subdirectory are
reviewed against it: it holds the tree as the reviewer has it, which is
not always the tree the series was made against. The expected findings
are in checks/shapes_test.go. Run from this directory: python3 gen.py
"""
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHOR = ("Ada Lovecode", "ada@example.org")
BASE_DATE = 1796000000  # 2026-11-30


def git(repo, *args, env=None):
    e = dict(os.environ)
    e.update({
        "GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": AUTHOR[0], "GIT_COMMITTER_EMAIL": AUTHOR[1],
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    })
    if env:
        e.update(env)
    return subprocess.run(["git", "-C", repo, *args], env=e, check=True,
                          capture_output=True, text=True).stdout


def write_files(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def make_case(name, base, patches, tree=None, prefix="PATCH"):
    """base: path -> text; patches: [(subject, {path: text or None})];
    tree: path -> text for the reviewer's tree (None: no tree)."""
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    repo = tempfile.mkdtemp(prefix="patchbot-shapes-")
    git(repo, "init", "-q", "-b", "master")
    write_files(repo, base)
    tick = 0

    def commit(msg):
        nonlocal tick
        tick += 60
        d = f"{BASE_DATE + tick} +0000"
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", msg,
            env={"GIT_AUTHOR_DATE": d, "GIT_COMMITTER_DATE": d})

    commit("base")
    for subject, files in patches:
        for path, text in files.items():
            full = os.path.join(repo, path)
            if text is None:
                os.remove(full)
            else:
                write_files(repo, {path: text})
        commit(subject + "\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    args = ["format-patch", "-q", "-o", out, "--signature=2.39.5",
            f"--subject-prefix={prefix}", "-M", "--thread=shallow"]
    if len(patches) > 1:
        args.append("-n")
    git(repo, *args, "master~%d..master" % len(patches))
    # Deterministic Message-IDs, as a list archive would have them.
    files = sorted(f for f in os.listdir(out) if f.endswith(".patch"))
    ids = {}
    for i, f in enumerate(files):
        with open(os.path.join(out, f)) as fh:
            m = re.search(r"^Message-Id: <([^>]+)>", fh.read(), re.M)
        ids[m.group(1)] = f"{name}-{i + 1}@patchbot.test"
    for f in files:
        path = os.path.join(out, f)
        with open(path) as fh:
            text = fh.read()
        for old, new in ids.items():
            text = text.replace(old, new)
        with open(path, "w") as fh:
            fh.write(text)
    if tree is not None:
        write_files(os.path.join(out, "tree"), tree)
    shutil.rmtree(repo)


# --- hunks read as what they are --------------------------------------

SLAB = """// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>

void kfree_sensitive(const void *p)
{
	kfree(p);
}
EXPORT_SYMBOL(kfree_sensitive);
"""

WEXT = """// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include "orinoco.h"

static int orinoco_set_key(struct orinoco_private *priv, int index,
			   enum orinoco_alg alg, const u8 *key, int key_len,
			   const u8 *seq, int seq_len)
{
	kzfree(priv->keys[index].key);
	kzfree(priv->keys[index].seq);

	if (key_len) {
		priv->keys[index].key = kzalloc(key_len, GFP_ATOMIC);
		if (!priv->keys[index].key)
			return -ENOMEM;
	}
	return 0;
}
"""


def params_tail():
    # The hunk starts inside orinoco_set_key()'s parameter list, which is
    # longer than git's three lines of context: its calls were read as a
    # prototype of kfree_sensitive "enum orinoco_alg (priv - > keys ...".
    make_case("param-list-tail",
              {"mm/slab_common.c": SLAB.replace("kfree_sensitive", "kzfree"), "drivers/net/wireless/orinoco/wext.c": WEXT},
              [("treewide: rename kzfree() to kfree_sensitive()",
                {"mm/slab_common.c": SLAB, "drivers/net/wireless/orinoco/wext.c": WEXT.replace("kzfree(", "kfree_sensitive(")})])


PERCPU = """// SPDX-License-Identifier: GPL-2.0
#include <linux/percpu.h>

struct foo_stats;

void foo_free_stats(struct foo_stats *s)
{
	kfree(s);
}

static void foo_teardown(struct foo_dev *fdev, struct foo_stats __percpu *stats)
{
	int i;

	foo_stop_rx(fdev);
	foo_stop_tx(fdev);
	foo_flush_queues(fdev);
	foo_release_irqs(fdev);
	foo_unmap_bars(fdev);
	foo_put_clocks(fdev);
	/* The per-cpu area goes last. */
	free_percpu(stats);
}
"""


def iterator_macro():
    # for_each_possible_cpu(i) followed by a call read, at file scope, as a
    # prototype of the call with the macro as its return type.
    make_case("iterator-macro", {"net/foo/stats.c": PERCPU},
              [("foo: free every cpu's stats", {"net/foo/stats.c": PERCPU.replace(
                  "\tkfree(s);\n", "\tif (s)\n\t\tkfree(s);\n").replace(
                  "\t/* The per-cpu area goes last. */\n", "\tfor_each_possible_cpu(i)\n\t\tfoo_free_stats(per_cpu_ptr(stats, i));\n\t/* The per-cpu area goes last. */\n")})])


PWRSEQ_H = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __PWRSEQ_PROVIDER_H__
#define __PWRSEQ_PROVIDER_H__

struct device;
struct pwrseq_device;

struct pwrseq_device *pwrseq_device_register(struct device *dev);
void pwrseq_device_unregister(struct pwrseq_device *pwrseq);
struct pwrseq_device *
devm_pwrseq_device_register(struct device *dev);

void *pwrseq_device_get_data(struct pwrseq_device *pwrseq);

#endif
"""

PWRSEQ_C = """// SPDX-License-Identifier: GPL-2.0
#include <linux/pwrseq/provider.h>

struct pwrseq_device {
	void *data;
};

void pwrseq_device_unregister(struct pwrseq_device *pwrseq)
{
}

void *pwrseq_device_get_data(struct pwrseq_device *pwrseq)
{
	return pwrseq->data;
}
"""


def return_type_line():
    # `struct pwrseq_device *` on a line of its own before the declarator:
    # the next prototype's type became "struct pwrseq_device * void *".
    make_case("return-type-line", {},
              [("power: sequencing: add the provider interface",
                {"include/linux/pwrseq/provider.h": PWRSEQ_H, "drivers/power/sequencing/core.c": PWRSEQ_C})])


SETUP_H = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SETUP_H
#define _ASM_X86_SETUP_H

struct boot_params;

unsigned long __startup_64(unsigned long physaddr, struct boot_params *bp);
void startup_64_setup_env(unsigned long physbase);
int foo_early_init(int level);

#endif
"""

HEAD64 = """// SPDX-License-Identifier: GPL-2.0
#include <asm/setup.h>

#define __head	__section(".head.text")

unsigned long __head __startup_64(unsigned long physaddr, struct boot_params *bp)
{
	return physaddr;
}

void __head startup_64_setup_env(unsigned long physbase)
{
}

EXPORT_SYMBOL_GPL(startup_64_setup_env);
__no_profile_instr
int foo_early_init(int level)
{
	return level;
}
"""


def attribute_macro():
    # A section macro before the name, and an attribute macro on the line
    # before a definition, became part of the return type.
    make_case("attribute-macro", {},
              [("x86/boot: declare the early startup code", {"arch/x86/include/asm/setup.h": SETUP_H,
                                                             "arch/x86/kernel/head64.c": HEAD64})])


DOC_C = """// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>

/*
 * foo_copy_req() - copy a request in from user space
 *
 * Before foo_copy_req() existed, every ioctl of the driver did its own
 * copy, and some of them did it wrong, casting the user pointer away
 *
 *	foo_copy_req(kbuf, (char *)ubuf, len);
 *
 * which hides from sparse that ubuf is user memory, and lets the next
 * change read it directly. foo_copy_req() keeps the annotation, checks
 * the length against the request size, and zeroes the tail.
 *
 * Return: 0 or -EFAULT.
 */
int foo_copy_req(void *kbuf, const void __user *ubuf, size_t len)
{
	return copy_from_user(kbuf, ubuf, len) ? -EFAULT : 0;
}
"""


def comment_example():
    # The hunk lies inside a comment (neither its /* nor its */ in view):
    # the example code in it was read as code.
    make_case("comment-example", {"drivers/foo/req.c": DOC_C},
              [("foo: fix the example in foo_copy_req()'s comment", {"drivers/foo/req.c": DOC_C.replace(
                  " *\tfoo_copy_req(kbuf, (char *)ubuf, len);", " *\tfoo_copy_req(kbuf, (char *)ubuf, sizeof(kbuf));").replace(
                  "\treturn copy_from_user(kbuf, ubuf, len) ? -EFAULT : 0;", "\tif (!len)\n\t\treturn 0;\n\treturn copy_from_user(kbuf, ubuf, len) ? -EFAULT : 0;")})])


CRYPTO = """// SPDX-License-Identifier: GPL-2.0
#include <crypto/internal/hash.h>

#ifdef CONFIG_FOO_ASM
asmlinkage void foo_transform(u32 *state, const u8 *data, int blocks);
#else
static void foo_transform(struct foo_ctx *ctx, const u8 *data)
{
	foo_generic(ctx, data);
}
#endif
"""


def ifelse_alternatives():
    # The two branches of one #ifdef hold an assembly prototype and a C
    # fallback with its own signature: never compiled together.
    make_case("ifelse-alternatives", {"crypto/foo_glue.c": CRYPTO},
              [("crypto: foo - take the block count as unsigned int", {"crypto/foo_glue.c": CRYPTO.replace(
                  "const u8 *data, int blocks);", "const u8 *data, unsigned int blocks);")})])


ARRAY_C = """// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>
#include <net/foo.h>

static int foo_set_name(struct foo_dev *fdev, struct foo_name_req __user *ureq)
{
	char name[16];

	if (copy_from_user(name, ureq->name, sizeof(name)))
		return -EFAULT;
	return foo_rename(fdev, name);
}
"""

ARRAY_H = """/* SPDX-License-Identifier: GPL-2.0 */
struct foo_name_req {
	__u32	flags;
	char	name[16];
};
"""


def array_member():
    # ureq->name is an array member: it decays to an address, nothing is
    # read through the __user pointer, and sparse is silent. Once with the
    # struct in view, once without it.
    make_case("array-member", {"net/foo/name.c": "// SPDX-License-Identifier: GPL-2.0\n"},
              [("foo: add SIOCFOONAME", {"net/foo/name.c": ARRAY_C, "include/uapi/linux/foo_name.h": ARRAY_H})])
    make_case("array-member-unseen", {"net/foo/name.c": "// SPDX-License-Identifier: GPL-2.0\n"},
              [("foo: add SIOCFOONAME", {"net/foo/name.c": ARRAY_C})])


# --- kernel rules for kernel code only --------------------------------

PLAYER = """// SPDX-License-Identifier: GPL-2.0-or-later
#include <sys/uio.h>

static void send_config(int fd, const uint8_t *data, size_t len)
{
	struct iovec iov;

	iov.iov_len = len;
	write_iov(fd, &iov);
}
"""


def bluez_iov():
    # BlueZ's client: its struct iovec is libc's, iov_base a plain pointer.
    make_case("userspace-bluez", {"client/player.c": PLAYER},
              [("client/player: send the config", {"client/player.c": PLAYER.replace(
                  "\tiov.iov_len = len;", "\tiov.iov_base = (void *)data;\n\tiov.iov_len = len;")})],
              prefix="PATCH BlueZ")


UUID_C = """// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <string.h>
#include "lib/uuid.h"

int bt_uuid_copy(struct iovec *iov, const void *src, size_t len)
{
	memcpy(iov->iov_base, src, len);
	return 0;
}
"""


def userspace_lib():
    # lib/ is a kernel directory name, but this lib/ includes libc
    # headers: it is a userspace library (BlueZ's), tag or not.
    make_case("userspace-includes", {"lib/uuid.c": UUID_C},
              [("lib/uuid: point the iovec at the copy", {"lib/uuid.c": UUID_C.replace(
                  "#include <string.h>\n", "#include <string.h>\n#include <sys/uio.h>\n").replace(
                  "\treturn 0;", "\tiov->iov_base = (void *)src;\n\treturn 0;")})])


MGMT_TEST = """// SPDX-License-Identifier: GPL-2.0
#include <unistd.h>
#include <linux/rfkill.h>

static int trigger_rfkill(int fd)
{
	struct rfkill_event event;

	return 0;
}
"""

RFKILL_C = """// SPDX-License-Identifier: GPL-2.0
#include <linux/rfkill.h>

static int rfkill_poll_once(struct rfkill *rfkill)
{
	return 0;
}
"""

RFKILL_TREE = {
    "net/rfkill/core.c": RFKILL_C,
    "net/rfkill/input.c": "// SPDX-License-Identifier: GPL-2.0\n/* rfkill_poll_once() callers */\nstatic ssize_t read(struct file *file, char __user *buf, size_t count, loff_t *pos)\n{\n\treturn 0;\n}\n",
    "include/linux/rfkill.h": "/* SPDX-License-Identifier: GPL-2.0 */\nstruct rfkill_event {\n\t__u32 idx;\n};\n",
}


def selftest_read():
    # A kernel series with a selftest: the test's read() is libc's, not the
    # kernel function of that name the tree has.
    make_case("userspace-selftest", {"net/rfkill/core.c": RFKILL_C, "tools/testing/selftests/net/rfkill_test.c": MGMT_TEST},
              [("rfkill: poll once more, with a test", {
                  "net/rfkill/core.c": RFKILL_C.replace("\treturn 0;", "\trfkill->polled = 1;\n\treturn 0;"),
                  "tools/testing/selftests/net/rfkill_test.c": MGMT_TEST.replace(
                      "\treturn 0;", "\tif (read(fd, &event, sizeof(event)) < 0)\n\t\treturn -1;\n\treturn 0;")})],
              tree=RFKILL_TREE)


IPROUTE = """// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "utils.h"

static int foo_print(struct rtnl_handle *rth, int cmd)
{
	return 0;
}
"""

PROTO_TREE = {
    "include/net/sock.h": "/* SPDX-License-Identifier: GPL-2.0 */\nstruct proto {\n\tint\t\t(*ioctl)(struct sock *sk, int cmd, int *karg);\n};\n",
}


def userspace_struct():
    # iproute2's own struct proto: the kernel's (in the tree) has another
    # .ioctl, and the two have nothing to do with each other.
    make_case("userspace-struct", {"ip/ipfoo.c": IPROUTE},
              [("ip: foo: print the protocol", {"ip/ipfoo.c": IPROUTE + "\nstatic int foo_show(struct rtnl_handle *rth, int cmd)\n{\n\treturn foo_print(rth, cmd);\n}\n\nstatic struct proto foo_proto = {\n\t.ioctl = foo_show,\n};\n"})],
              tree=PROTO_TREE, prefix="PATCH iproute2-next")


BPF_PROG = """// SPDX-License-Identifier: GPL-2.0
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

extern int bpf_foo_get(struct foo *f, int flags) __ksym;

SEC("tc")
int foo_prog(struct __sk_buff *skb)
{
	return 0;
}
"""

KFUNC_C = """// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>

__bpf_kfunc int bpf_foo_get(struct foo *f, int flags)
{
	return flags;
}
"""


def bpf_kfunc():
    # A BPF program that opts out of the kernel's kfunc prototypes
    # declares bpf_foo_get() its own way.
    make_case("userspace-bpf", {"kernel/bpf/foo.c": KFUNC_C, "tools/testing/selftests/bpf/progs/foo.c": BPF_PROG},
              [("selftests/bpf: declare bpf_foo_get() the program's way", {"tools/testing/selftests/bpf/progs/foo.c": BPF_PROG.replace(
                  "#include <vmlinux.h>", "#define BPF_NO_KFUNC_PROTOTYPES\n#include <vmlinux.h>").replace(
                  "extern int bpf_foo_get(struct foo *f, int flags) __ksym;", "extern int bpf_foo_get(struct foo *f) __ksym;")})],
              tree={"kernel/bpf/foo.c": KFUNC_C})


# --- findings only for what the series introduces -----------------------

SOCK_H = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SOCK_H
#define _SOCK_H

struct proto {
	void			(*close)(struct sock *sk, long timeout);
	int			(*ioctl)(struct sock *sk, int cmd,
					 unsigned long arg);
};

#endif
"""

UDP_BASE = """// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

int udp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ:
		return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);
	case SIOCINQ:
		return put_user(first_packet_length(sk), (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

struct proto udp_prot = {
	.ioctl		= udp_ioctl,
};
"""

UDP_NEW = UDP_BASE.replace("int udp_ioctl(struct sock *sk, int cmd, unsigned long arg)", "int udp_ioctl(struct sock *sk, int cmd, int *karg)").replace(
    "return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);", "*karg = sk_wmem_alloc_get(sk);\n\t\treturn 0;").replace(
    "return put_user(first_packet_length(sk), (int __user *)arg);", "*karg = first_packet_length(sk);\n\t\treturn 0;")

SOCK_H_NEW = SOCK_H.replace("int\t\t\t(*ioctl)(struct sock *sk, int cmd,\n\t\t\t\t\t unsigned long arg);", "int\t\t\t(*ioctl)(struct sock *sk, int cmd,\n\t\t\t\t\t int *karg);")

# The reviewer's tree is older: udp_ioctl's switch had other cases then.
UDP_OLD_TREE = UDP_BASE.replace("\tcase SIOCINQ:\n\t\treturn put_user(first_packet_length(sk), (int __user *)arg);\n",
                                "\tcase SIOCINQ:\n\t\treturn udp_inq(sk, (int __user *)arg);\n")


RAW_BASE = """// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

static int raw_ioctl(struct sock *sk,
		     int cmd,
		     int flags,
		     int mode,
		     unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ:
		return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

struct proto raw_prot = {
	.ioctl		= raw_ioctl,
};
"""
RAW_NEW = RAW_BASE.replace("\t\t     unsigned long arg)", "\t\t     int *karg)").replace(
    "return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);", "*karg = sk_wmem_alloc_get(sk);\n\t\treturn 0;")
# The reviewer's tree is older: raw_ioctl had a comment then.
RAW_OLD_TREE = RAW_BASE.replace("{\n\tswitch (cmd) {", "{\n\t/* raw sockets answer SIOCOUTQ only */\n\tswitch (cmd) {")


def hunks_fail():
    # The conversion of raw_ioctl does not apply to the older tree, and
    # its hunk does not show the function's name (the declarator is longer
    # than the context): the tree's old definition was judged unconverted.
    make_case("tree-hunks-fail", {"include/net/sock.h": SOCK_H, "net/ipv4/raw.c": RAW_BASE},
              [("net: proto ioctl callbacks take kernel memory", {"include/net/sock.h": SOCK_H_NEW, "net/ipv4/raw.c": RAW_NEW})],
              tree={"include/net/sock.h": SOCK_H, "net/ipv4/raw.c": RAW_OLD_TREE})


TEAM = """// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

static int team_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

struct proto team_prot = {
	.ioctl		= team_ioctl,
};
"""


def renamed():
    # team.c was renamed team_core.c after the reviewer's tree: the tree's
    # team.c still binds the old team_ioctl.
    new_team = TEAM.replace("unsigned long arg", "int *karg")
    make_case("tree-renamed-file", {"include/net/sock.h": SOCK_H, "drivers/net/team/team_core.c": TEAM},
              [("net: proto ioctl callbacks take kernel memory", {"include/net/sock.h": SOCK_H_NEW, "drivers/net/team/team_core.c": new_team})],
              tree={"include/net/sock.h": SOCK_H, "drivers/net/team/team.c": TEAM})


FOO_H_TREE = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_FOO_H
#define _NET_FOO_H
int foo_get(struct sock *sk);
#endif
"""
FOO_H_BASE = FOO_H_TREE.replace("int foo_get(struct sock *sk);", "int foo_get(struct sock *sk, int flags);")
FOO_C_BASE = """// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

static int foo_seen;

int foo_get(struct sock *sk)
{
	return foo_seen;
}
"""
FOO_C_TREE = FOO_C_BASE.replace("static int foo_seen;", "static unsigned int foo_seen;")


def fix_patch():
    # The base's header already says foo_get(sk, flags) (the commit the fix
    # names changed it); the reviewer's tree has the older header, and the
    # fix was flagged against the very prototype it follows.
    make_case("tree-fix-patch", {"include/net/foo.h": FOO_H_BASE, "net/foo/foo.c": FOO_C_BASE},
              [("foo: take the flags in foo_get() too", {"net/foo/foo.c": FOO_C_BASE.replace(
                  "int foo_get(struct sock *sk)", "int foo_get(struct sock *sk, int flags)")})],
              tree={"include/net/foo.h": FOO_H_TREE, "net/foo/foo.c": FOO_C_TREE})


NET_H = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_NET_H
#define _LINUX_NET_H

struct proto_ops {
	int		(*release)(struct socket *sock);
	int		(*ioctl)(struct socket *sock, unsigned int cmd,
				 unsigned long arg);
};

#endif
"""
# The base retyped proto_ops.ioctl after the reviewer's tree.
NET_H_BASE = NET_H.replace("unsigned long arg);", "void __user *argp);")
QUX_C = """// SPDX-License-Identifier: GPL-2.0
#include <linux/net.h>

static int qux_release(struct socket *sock)
{
	return 0;
}

static int qux_ioctl(struct socket *sock, unsigned int cmd, void __user *argp)
{
	return -ENOIOCTLCMD;
}

static const struct proto_ops qux_ops = {
	.release	= qux_release,
	.ioctl		= qux_ioctl,
};
"""
MAKEFILE = "obj-$(CONFIG_FOO) += foo.o\n"


def header_older():
    # proto_ops.ioctl was retyped in the series' base, after the reviewer's
    # tree: a new protocol written against the base was compared with the
    # tree's older member. (The series' Makefile differs from the tree's:
    # the series is not based on it.)
    make_case("tree-header-older", {"include/linux/net.h": NET_H_BASE, "net/Makefile": MAKEFILE},
              [("net: add the qux protocol", {"net/qux/qux.c": QUX_C, "net/Makefile": MAKEFILE + "obj-$(CONFIG_QUX) += qux/\n"})],
              tree={"include/linux/net.h": NET_H, "net/Makefile": "obj-y += core/\n" + MAKEFILE})


BAZ_A = """// SPDX-License-Identifier: GPL-2.0
#include <net/baz.h>

int baz_csum(const void *data, long len)
{
	return 0;
}

int baz_rx(struct sock *sk)
{
	return 0;
}
"""
BAZ_H = "/* SPDX-License-Identifier: GPL-2.0 */\nint baz_csum(const void *data, int len);\n"


def moved_function():
    # baz_csum() moves from baz.c to csum.c unchanged; its prototype and
    # definition disagreed before the series already.
    make_case("moved-function", {"include/net/baz.h": BAZ_H, "net/baz/baz.c": BAZ_A},
              [("baz: move the checksum to its own file", {
                  "include/net/baz.h": BAZ_H + "int baz_rx(struct sock *sk);\n",
                  "net/baz/baz.c": BAZ_A.replace("int baz_csum(const void *data, long len)\n{\n\treturn 0;\n}\n\n", ""),
                  "net/baz/csum.c": "// SPDX-License-Identifier: GPL-2.0\n#include <net/baz.h>\n\nint baz_csum(const void *data, long len)\n{\n\treturn 0;\n}\n"})])


def deleted_kept():
    # Patch 1 converts udp_ioctl, which does not apply to the older tree;
    # patch 2 touches udp.c again and applies: its whole-file image still
    # held the tree's old udp_ioctl, judged unconverted.
    make_case("tree-deleted-kept", {"include/net/sock.h": SOCK_H, "net/ipv4/udp.c": UDP_BASE},
              [("net: proto ioctl callbacks take kernel memory", {"include/net/sock.h": SOCK_H_NEW, "net/ipv4/udp.c": UDP_NEW}),
               ("udp: name the protocol", {"net/ipv4/udp.c": UDP_NEW.replace("\t.ioctl\t\t= udp_ioctl,\n", "\t.name\t\t= \"UDP\",\n\t.ioctl\t\t= udp_ioctl,\n")})],
              tree={"include/net/sock.h": SOCK_H, "net/ipv4/udp.c": UDP_OLD_TREE})


SOCKOPT = """// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>

static int foo_setsockopt(struct sock *sk, int optname,
			  char __user *optval, unsigned int optlen)
{
	int val;

	if (copy_from_user(&val, optval, sizeof(val)))
		return -EFAULT;
	return foo_set(sk, optname, val);
}
"""
SOCKOPT_TREE = SOCKOPT.replace("char __user *optval", "sockptr_t optval").replace(
    "copy_from_user(&val, optval, sizeof(val))", "copy_from_sockptr(&val, optval, sizeof(val))")


def tree_hid():
    # A true finding the tree hid: the patch reads optval, declared
    # `char __user *` in the series' base, through a plain cast; the
    # reviewer's tree has a newer sockptr_t version of the function, whose
    # declaration stood in for the hunk's.
    make_case("tree-hid-true", {"net/foo/sockopt.c": SOCKOPT},
              [("foo: peek at the first byte", {"net/foo/sockopt.c": SOCKOPT.replace(
                  "\tint val;\n", "\tint val;\n\tchar first = *(char *)optval;\n")})],
              tree={"net/foo/sockopt.c": SOCKOPT_TREE})


if __name__ == "__main__":
    params_tail()
    iterator_macro()
    return_type_line()
    attribute_macro()
    comment_example()
    ifelse_alternatives()
    array_member()
    bluez_iov()
    userspace_lib()
    selftest_read()
    userspace_struct()
    bpf_kfunc()
    hunks_fail()
    renamed()
    fix_patch()
    header_older()
    moved_function()
    deleted_kept()
    tree_hid()
