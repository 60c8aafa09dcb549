#!/usr/bin/env python3
"""Regenerate the karg/ fixtures of the karg-type check.

Each case is a directory holding real `git format-patch` output of one
invented change to an invented kernel-style tree: a protocol family "foo"
whose struct foo_proto ioctl callback moves from a user pointer to kernel
memory, as struct proto's did in 2023. A dispatcher picks a buffer per
command, a helper copies it in and calls the callback, and the handler
behind the callback casts the buffer per command. The cases vary one
thing each; the expected findings are in checks/kargtype/check_test.go.
Run from this directory: python3 gen.py
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "shapes"))
from gen import git, write_files  # noqa: E402 (the shapes fixtures' git helpers)

BASE_DATE = 1796000000  # 2026-11-30


def make_case(name, base, post, subject, tree=False):
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    repo = tempfile.mkdtemp(prefix="patchbot-karg-")
    git(repo, "init", "-q", "-b", "master")
    write_files(repo, base)
    for i, msg in enumerate(["base", subject + "\n\nSigned-off-by: Ada Lovecode <ada@example.org>"]):
        if i == 1:
            write_files(repo, post)
        d = f"{BASE_DATE + 60 * (i + 1)} +0000"
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", msg, env={"GIT_AUTHOR_DATE": d, "GIT_COMMITTER_DATE": d})
    git(repo, "format-patch", "-q", "-o", out, "--signature=2.39.5", "--thread=shallow", "master~1..master")
    for f in os.listdir(out):
        path = os.path.join(out, f)
        with open(path) as fh:
            text = fh.read()
        text = re.sub(r"^Message-Id: <[^>]+>", f"Message-Id: <karg-{name}-1@patchbot.test>", text, flags=re.M)
        with open(path, "w") as fh:
            fh.write(text)
    if tree:
        # The tree the reviewer has: the base the patch was made against.
        write_files(os.path.join(out, "tree"), base)
    shutil.rmtree(repo)


HEADER_OLD = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_FOO_H
#define _NET_FOO_H

struct foo_proto {
	const char		*name;
	int			(*ioctl)(struct sock *sk, int cmd,
					 unsigned long arg);
};

struct foo_a_hdr {
	unsigned int	index;
};

struct foo_a_req {
	unsigned int	index;
	unsigned long	count;
};

struct foo_b_req {
	struct in6_addr	src;
	unsigned long	count[3];
};

union foo_req {
	struct foo_a_req	a;
	struct foo_b_req	b;
};

typedef struct foo_b_req foo_b_t;

#endif
"""

HEADER_NEW = HEADER_OLD.replace("""					 unsigned long arg);""", """					 int *karg);""").replace(
    "#endif\n", """int foo_mr_ioctl(struct sock *sk, int cmd, void *arg);
int sk_foo_ioctl(struct sock *sk, unsigned int cmd, void __user *arg);

#endif
""")

RAW_OLD = """// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

static int foo_raw_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ: {
		int amount = sk_wmem_alloc_get(sk);

		return put_user(amount, (int __user *)arg);
	}
	default:
		return foo_mr_ioctl(sk, cmd, (void __user *)arg);
	}
}

struct foo_proto foo_raw_prot = {
	.name	= "FOORAW",
	.ioctl	= foo_raw_ioctl,
};
"""

RAW_NEW = """// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

static int foo_raw_ioctl(struct sock *sk, int cmd, int *karg)
{
	switch (cmd) {
	case SIOCOUTQ: {
		*karg = sk_wmem_alloc_get(sk);
		return 0;
	}
	default:
		return foo_mr_ioctl(sk, cmd, karg);
	}
}

struct foo_proto foo_raw_prot = {
	.name	= "FOORAW",
	.ioctl	= foo_raw_ioctl,
};
"""

MR_OLD = """// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

int foo_mr_ioctl(struct sock *sk, int cmd, void __user *arg)
{
	struct foo_a_req a;

	switch (cmd) {
	case FOOGETA:
		if (copy_from_user(&a, arg, sizeof(a)))
			return -EFAULT;
		a.count = foo_count(sk, a.index);
		if (copy_to_user(arg, &a, sizeof(a)))
			return -EFAULT;
		return 0;
	}
	return -ENOIOCTLCMD;
}
"""


def mr_new(cast_a="struct foo_a_req", cast_b="struct foo_b_req", extra="", implicit_b=False):
    init_b = "arg" if implicit_b else f"({cast_b} *)arg"
    return f"""// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

int foo_mr_ioctl(struct sock *sk, int cmd, void *arg)
{{
	struct foo_priv *priv = sk->sk_user_data;
	void *any = priv->ctx;

	switch (cmd) {{
	case FOOGETA: {{
		{cast_a} *a = ({cast_a} *)arg;

		a->index = foo_count(sk, a->index);
		return 0;
	}}
	case FOOGETB: {{
		{cast_b} *b = {init_b};

		b->count[0] = foo_count(sk, 0);
		return 0;
	}}{extra}
	default:
		/* Not chosen per command: a priv pointer, and the buffer
		 * handed on whole. */
		foo_generic(sk, (struct foo_a_req *)any);
		return foo_other_ioctl(sk, cmd, (struct foo_a_req *)arg);
	}}
}}
"""


def sock_new(buf_a="struct foo_a_req", buf_b="struct foo_b_req", guard="sk->sk_type == SOCK_RAW && sk->sk_family == AF_FOO",
             cases_b=True, predicate=""):
    case_b = f"""
	case FOOGETB: {{
		{buf_b} buffer;

		return foo_ioctl_inout(sk, cmd, arg, &buffer, sizeof(buffer));
		}}""" if cases_b else ""
    return f"""// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>
{predicate}
/* Copy 'size' bytes in, run the callback, copy them back out. */
static int foo_ioctl_inout(struct sock *sk, unsigned int cmd,
			   void __user *arg, void *karg, size_t size)
{{
	int ret;

	if (copy_from_user(karg, arg, size))
		return -EFAULT;

	ret = sk->sk_prot->ioctl(sk, cmd, karg);
	if (ret)
		return ret;

	if (copy_to_user(arg, karg, size))
		return -EFAULT;
	return 0;
}}

/* Most commands return one int. */
static int foo_ioctl_out(struct sock *sk, unsigned int cmd, void __user *arg)
{{
	int ret, karg = 0;

	ret = sk->sk_prot->ioctl(sk, cmd, &karg);
	if (ret)
		return ret;

	return put_user(karg, (int __user *)arg);
}}

static int foo_sk_ioctl(struct sock *sk, unsigned int cmd, void __user *arg)
{{
	switch (cmd) {{
	case FOOGETA: {{
		{buf_a} buffer;

		memset(&buffer, 0, sizeof(buffer));
		return foo_ioctl_inout(sk, cmd, arg, &buffer, sizeof(buffer));
		}}{case_b}
	}}
	return 1;
}}

int sk_foo_ioctl(struct sock *sk, unsigned int cmd, void __user *arg)
{{
	int rc = 1;

	if ({guard})
		rc = foo_sk_ioctl(sk, cmd, arg);
	if (rc <= 0)
		return rc;

	return foo_ioctl_out(sk, cmd, arg);
}}
"""


BASE = {
    "include/net/foo.h": HEADER_OLD,
    "net/foo/raw.c": RAW_OLD,
    "net/foo/mr.c": MR_OLD,
    "net/foo/sock.c": "// SPDX-License-Identifier: GPL-2.0\n#include <net/foo.h>\n",
}


def case(name, subject, sock=None, mr=None):
    make_case(name, BASE, {
        "include/net/foo.h": HEADER_NEW,
        "net/foo/raw.c": RAW_NEW,
        "net/foo/mr.c": mr or mr_new(),
        "net/foo/sock.c": sock or sock_new(),
    }, subject)


case("right", "foo: pass kernel memory to the ioctl callback")
case("wrong", "foo: pass kernel memory to the ioctl callback (wrong buffer for FOOGETB)",
     sock=sock_new(buf_b="struct foo_a_req"))
case("missing", "foo: pass kernel memory to the ioctl callback (no buffer for FOOGETB)",
     sock=sock_new(cases_b=False))
case("protocol-guard", "foo: pass kernel memory to the ioctl callback (dispatch by protocol number)",
     sock=sock_new(guard="foo_sk_is_mr(sk)", predicate="""
static inline bool foo_sk_is_mr(struct sock *sk)
{
	return sk->sk_family == AF_FOO && inet_sk(sk)->inet_num == IPPROTO_FOOMR;
}
"""))
case("two-calls", "foo: pass kernel memory to the ioctl callback (the helper calls the handler)",
     sock=sock_new(buf_b="struct foo_a_req").replace("ret = sk->sk_prot->ioctl(sk, cmd, karg);", "ret = foo_mr_ioctl(sk, cmd, karg);"))
case("assigned", "foo: pass kernel memory to the ioctl callback (wrong buffer, read without a cast)",
     sock=sock_new(buf_b="struct foo_a_req"), mr=mr_new(implicit_b=True))
case("union", "foo: pass kernel memory to the ioctl callback (a union for FOOGETB)",
     sock=sock_new(buf_b="union foo_req"))
case("typedef", "foo: pass kernel memory to the ioctl callback (a typedef in the handler)",
     mr=mr_new(cast_b="foo_b_t"))
SIZES_HEADER = HEADER_NEW.replace("int foo_mr_ioctl(", """struct foo_c_hdr {
	unsigned int	index;
};

struct foo_c_full {
	unsigned int	index;
	unsigned long	count;
};

int foo_mr_ioctl(""")

make_case("sizes", BASE, {
    "include/net/foo.h": SIZES_HEADER,
    "net/foo/raw.c": RAW_NEW,
    "net/foo/mr.c": mr_new(cast_a="struct foo_c_hdr", cast_b="struct foo_c_full", extra="""
	case FOOGETC: {
		struct foo_c_unknown *c = (struct foo_c_unknown *)arg;

		c->flags = 0;
		return 0;
	}"""),
    "net/foo/sock.c": sock_new(buf_a="struct foo_c_full", buf_b="struct foo_c_hdr").replace("""	case FOOGETB: {""", """	case FOOGETC: {
		struct foo_c_full buffer;

		return foo_ioctl_inout(sk, cmd, arg, &buffer, sizeof(buffer));
		}
	case FOOGETB: {"""),
}, "foo: pass kernel memory to the ioctl callback (known and unknown sizes)")

# A tree already converted (struct foo_proto's ioctl takes int *karg, its
# implementers are bound in the tree), and a patch that only touches the
# dispatcher: no rule comes from the series, so the call through
# sk->sk_prot->ioctl is resolved by the types the tree gives.
POSTED = {
    "include/net/foo.h": HEADER_NEW,
    "net/foo/raw.c": RAW_NEW,
    "net/foo/mr.c": mr_new(),
    "net/foo/sock.c": sock_new(),
}
make_case("posted", POSTED, {"net/foo/sock.c": sock_new(buf_b="struct foo_a_req")},
          "foo: prepare the buffers in one place (wrong buffer for FOOGETB)", tree=True)
