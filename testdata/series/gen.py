#!/usr/bin/env python3
"""Regenerate the series/ test fixtures.

The mails are real `git format-patch` output of invented changes to an
invented kernel-style tree (net/foo, drivers/bar), so that they look exactly
like list mail; dates and Message-IDs are then made deterministic
(<case-N@patchbot.test>) and a few cases are edited the way they happen on
lists (a naked cover letter, a duplicate, missing patches, a reply, a pull
request). Run from this directory: python3 gen.py
"""
import email.utils
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHOR = ("Ada Lovecode", "ada@example.org")
OTHER = ("Grace Patchwork", "grace@example.org")
BASE_DATE = 1700000000  # 2023-11-14


def git(repo, *args, env=None, check=True):
    e = dict(os.environ)
    e.update({
        "GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": AUTHOR[0], "GIT_COMMITTER_EMAIL": AUTHOR[1],
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    })
    if env:
        e.update(env)
    return subprocess.run(["git", "-C", repo, *args], env=e, check=check,
                          capture_output=True, text=True).stdout


class Repo:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="patchbot-fixtures-")
        self.tick = 0
        git(self.dir, "init", "-q", "-b", "master")

    def write(self, path, text, mode=None):
        full = os.path.join(self.dir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb" if isinstance(text, bytes) else "w") as f:
            f.write(text)
        if mode:
            os.chmod(full, mode)

    def commit(self, msg, author=None):
        self.tick += 60
        d = f"{BASE_DATE + self.tick} +0000"
        env = {"GIT_AUTHOR_DATE": d, "GIT_COMMITTER_DATE": d}
        if author:
            env.update({"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1]})
        git(self.dir, "add", "-A")
        git(self.dir, "commit", "-q", "-m", msg, env=env)
        return git(self.dir, "rev-parse", "HEAD").strip()

    def format_patch(self, rng, *opts):
        out = tempfile.mkdtemp(prefix="patchbot-fp-")
        git(self.dir, "format-patch", "-q", "-o", out, "--thread=shallow",
            "--signature=2.39.2", *opts, rng)
        files = sorted(os.listdir(out))
        mails = []
        for f in files:
            with open(os.path.join(out, f)) as fh:
                mails.append(fh.read())
        shutil.rmtree(out)
        return mails


FOO_C = "".join(f"/* line {i} */\n" for i in range(1, 61))


def base_tree(r):
    r.write("net/foo/foo.c", """// SPDX-License-Identifier: GPL-2.0
#include <linux/net.h>
#include <net/foo.h>

static int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	int karg;

	if (copy_from_user(&karg, argp, sizeof(karg)))
		return -EFAULT;
	return foo_do(sk, cmd, karg);
}

""" + FOO_C + """
static int foo_setsockopt(struct sock *sk, int level, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

struct proto foo_prot = {
	.name		= "FOO",
	.ioctl		= foo_ioctl,
	.setsockopt	= foo_setsockopt,
};
""")
    r.write("include/net/foo.h", "#ifndef _NET_FOO_H\n#define _NET_FOO_H\nint foo_do(struct sock *sk, int cmd, int karg);\n#endif\n")
    r.write("drivers/bar/bar.c", "#include <linux/module.h>\n\nstatic int bar_probe(void)\n{\n\treturn 0;\n}\n")
    r.write("drivers/bar/old_helper.c", "/* old helper, unused since 2019 */\nint bar_old(void)\n{\n\treturn 1;\n}\n")
    r.write("scripts/bar-check.sh", "#!/bin/sh\necho ok\n")
    r.write("firmware/bar.bin", bytes(range(0, 256)) * 2)
    return r.commit("initial tree")


def fix_ids(mails, case, start_minute=0, from_=None):
    """Deterministic Message-IDs and dates; returns the mails and the id map."""
    ids = {}
    for i, m in enumerate(mails):
        mid = re.search(r"^Message-Id: <([^>]+)>", m, re.M | re.I).group(1)
        ids[mid] = f"{case}-{i}@patchbot.test"
    out = []
    for i, m in enumerate(mails):
        for old, new in ids.items():
            m = m.replace(old, new)
        when = BASE_DATE + 86400 + 60 * (start_minute + i)
        date = email.utils.formatdate(when, usegmt=False)
        m = re.sub(r"^Date: .*$", "Date: " + date, m, count=1, flags=re.M)
        # The mbox "From <sha>" line is not part of a mail file.
        m = re.sub(r"\AFrom [0-9a-f]{40} .*\n", "", m)
        if from_:
            m = re.sub(r"^From: .*$", f"From: {from_[0]} <{from_[1]}>", m, count=1, flags=re.M)
        out.append(m)
    return out


def set_header(m, name, value):
    if re.search(rf"^{name}: ", m, re.M):
        return re.sub(rf"^{name}: .*(\n[ \t].*)*$", f"{name}: {value}", m, count=1, flags=re.M)
    return re.sub(r"\n\n", f"\n{name}: {value}\n\n", m, count=1)


def fill_cover(m, title, text):
    m = m.replace("*** SUBJECT HERE ***", title)
    return m.replace("*** BLURB HERE ***", text)


def save(case, mails, names=None):
    d = os.path.join(HERE, case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i, m in enumerate(mails):
        name = names[i] if names else f"{i:04d}.eml"
        with open(os.path.join(d, name), "w") as f:
            f.write(m)


def main():
    r = Repo()
    base = base_tree(r)

    # --- series "foo-ioctl": 3 patches with a cover, then v2 in v1's thread.
    git(r.dir, "checkout", "-q", "-b", "v1", base)
    r.write("include/net/foo.h", "#ifndef _NET_FOO_H\n#define _NET_FOO_H\nint foo_do(struct sock *sk, int cmd, int karg);\nint foo_ioctl_k(struct sock *sk, int cmd, int *karg);\n#endif\n")
    r.commit("net: foo: declare foo_ioctl_k()\n\nThe in-kernel ioctl path needs a prototype.\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    src = open(os.path.join(r.dir, "net/foo/foo.c")).read()
    src = src.replace("static int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)\n{\n\tvoid __user *argp = (void __user *)arg;\n\tint karg;\n\n\tif (copy_from_user(&karg, argp, sizeof(karg)))\n\t\treturn -EFAULT;\n\treturn foo_do(sk, cmd, karg);\n}",
                      "static int foo_ioctl(struct sock *sk, int cmd, int *karg)\n{\n\treturn foo_do(sk, cmd, *karg);\n}")
    src = src.replace("/* line 30 */\n", "/* line 30, reworded */\n")
    src = src.replace("\t.setsockopt\t= foo_setsockopt,\n", "\t.setsockopt\t= foo_setsockopt,\n\t.flags\t\t= FOO_F_KARG,\n")
    r.write("net/foo/foo.c", src)
    r.commit("net: foo: take the ioctl argument from the kernel\n\n"
             "sk_ioctl() now copies the argument in and out, so foo_ioctl()\n"
             "gets a kernel pointer.\n\n"
             "Fixes: 0123456789ab (\"net: foo: add ioctl\")\n"
             "Reported-by: Grace Patchwork <grace@example.org>\n"
             "Closes: https://lore.kernel.org/r/report-1@example.org\n"
             "Signed-off-by: Ada Lovecode <ada@example.org>\n"
             "Reviewed-by: Grace Patchwork <grace@example.org>")
    r.write("drivers/bar/bar.c", "#include <linux/module.h>\n\nstatic int bar_probe(void)\n{\n\treturn foo_ready() ? 0 : -EPROBE_DEFER;\n}\n")
    v1tip = r.commit("bar: wait for foo\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    v1 = r.format_patch(f"{base}..{v1tip}", "--cover-letter", f"--base={base}")
    v1[0] = fill_cover(v1[0], "net: foo: kernel ioctl argument",
                       "foo_ioctl() still copies its argument from user space; sk_ioctl()\ndoes that now.")
    v1 = fix_ids(v1, "foo-v1", 0)

    # v2: same three patches reworked, cover replying to v1's cover.
    v2 = r.format_patch(f"{base}..{v1tip}", "--cover-letter", "-v2", "--in-reply-to=foo-v1-0@patchbot.test")
    v2[0] = fill_cover(v2[0], "net: foo: kernel ioctl argument", "v2: reworded patch 2.")
    v2 = fix_ids(v2, "foo-v2", 600)
    save("versions", v1 + v2)

    # v2 patches with no cover of their own, sent into v1's thread: patch 1
    # replies to v1's cover, 2 and 3 to patch 1 (shallow threading).
    v2n = r.format_patch(f"{base}..{v1tip}", "-v2", "--in-reply-to=foo-v1-0@patchbot.test")
    v2n = fix_ids(v2n, "foo-v2n", 600)
    # And one v2 patch answering v1's cover directly, as "v2 2/3" (the
    # patchwork #127 shape).
    v2n[1] = set_header(v2n[1], "In-Reply-To", "<foo-v1-0@patchbot.test>")
    v2n[1] = set_header(v2n[1], "References", "<foo-v1-0@patchbot.test>")
    save("v2-in-v1-thread", v1 + v2n)

    # --- out of order and duplicates: the v1 series shuffled, patch 2 twice.
    save("duplicate", v1 + [v1[2]], names=["0000.eml", "0001.eml", "0002.eml", "0003.eml", "0002-copy.eml"])

    # --- missing patches: a 5-patch series of which 2 and 4 never arrived.
    git(r.dir, "checkout", "-q", "-b", "five", base)
    for i in range(1, 6):
        r.write(f"drivers/bar/part{i}.c", f"/* part {i} */\nint bar_part{i}(void)\n{{\n\treturn {i};\n}}\n")
        tip = r.commit(f"bar: add part {i}\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    five = r.format_patch(f"{base}..{tip}", "--cover-letter", "--subject-prefix=PATCH net-next")
    five[0] = fill_cover(five[0], "bar: split into parts", "Five parts.")
    five = fix_ids(five, "five", 0)
    save("missing", [five[0], five[1], five[3], five[5]])

    # --- naked cover: the cover has no 0/N counter but a diffstat; patches
    # reply to it.
    two = r.format_patch(f"{base}..{v1tip}~1", "--cover-letter", "-v3")
    two[0] = fill_cover(two[0], "net: foo: kernel ioctl argument", "The first two patches only.")
    two = fix_ids(two, "naked", 0)
    two[0] = two[0].replace("[PATCH v3 0/2] ", "[PATCH v3] ")
    save("naked-cover", two)

    # --- lone patch, its RESEND a week later, and a reply quoting it.
    git(r.dir, "checkout", "-q", "-b", "lone", base)
    src = open(os.path.join(r.dir, "net/foo/foo.c")).read()
    r.write("net/foo/foo.c", src.replace("\treturn -ENOPROTOOPT;", "\tif (level != SOL_FOO)\n\t\treturn -ENOPROTOOPT;\n\treturn foo_set(sk, optname, optval, optlen);"))
    lone_tip = r.commit("net: foo: implement setsockopt\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    lone = fix_ids(r.format_patch(f"{base}..{lone_tip}"), "lone", 0)
    resend = fix_ids(r.format_patch(f"{base}..{lone_tip}", "--subject-prefix=PATCH RESEND"), "resend", 60 * 24 * 7)
    quoted = "\n".join("> " + l for l in lone[0].split("\n\n", 1)[1].splitlines()[:40])
    reply = (f"From: {OTHER[0]} <{OTHER[1]}>\n"
             "Subject: Re: [PATCH] net: foo: implement setsockopt\n"
             "Date: " + email.utils.formatdate(BASE_DATE + 86400 + 3600) + "\n"
             "Message-Id: <lone-reply-0@patchbot.test>\n"
             "In-Reply-To: <lone-0@patchbot.test>\n"
             "References: <lone-0@patchbot.test>\n"
             "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
             "On Wed, Ada Lovecode wrote:\n" + quoted + "\n\nLooks fine.\n\n"
             "Reviewed-by: Grace Patchwork <grace@example.org>\n")
    pull = (f"From: {OTHER[0]} <{OTHER[1]}>\n"
            "Subject: [GIT PULL] foo fixes for 6.7-rc2\n"
            "Date: " + email.utils.formatdate(BASE_DATE + 2 * 86400) + "\n"
            "Message-Id: <pull-0@patchbot.test>\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
            "Hi Linus,\n\nTwo small foo fixes.\n\n"
            "The following changes since commit " + base + ":\n\n"
            "  initial tree (2023-11-14 22:14:20 +0000)\n\n"
            "are available in the Git repository at:\n\n"
            "  git://git.example.org/foo.git tags/foo-6.7-rc2\n\n"
            "----------------------------------------------------------------\n"
            "Ada Lovecode (1):\n      net: foo: implement setsockopt\n\n"
            " net/foo/foo.c | 4 +++-\n 1 file changed, 3 insertions(+), 1 deletion(-)\n")
    save("lone-resend-reply-pull", lone + resend + [reply, pull],
         names=["lone.eml", "resend.eml", "reply.eml", "pull.eml"])

    # --- diff shapes, one patch each.
    git(r.dir, "checkout", "-q", "-b", "shapes", base)
    git(r.dir, "mv", "drivers/bar/bar.c", "drivers/bar/bar_main.c")
    r.write("drivers/bar/bar_main.c", "#include <linux/module.h>\n\nstatic int bar_probe(void)\n{\n\treturn 0;\n}\nMODULE_LICENSE(\"GPL\");\n")
    t1 = r.commit("bar: rename bar.c to bar_main.c\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    r.write("firmware/bar.bin", bytes(range(255, -1, -1)) * 2)
    t2 = r.commit("bar: update firmware\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    os.chmod(os.path.join(r.dir, "scripts/bar-check.sh"), 0o755)
    t3 = r.commit("scripts: make bar-check.sh executable\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    r.write("drivers/bar/bar_dev.h", "#ifndef BAR_DEV_H\n#define BAR_DEV_H\nstruct bar_dev {\n\tint id;\n};\n#endif\n")
    t4 = r.commit("bar: add bar_dev.h\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    os.remove(os.path.join(r.dir, "drivers/bar/old_helper.c"))
    t5 = r.commit("bar: remove old_helper.c\n\nSigned-off-by: Ada Lovecode <ada@example.org>")
    for name, rng, extra in [
        ("rename", f"{base}..{t1}", []),
        ("binary", f"{t1}..{t2}", ["--binary"]),
        ("mode-only", f"{t2}..{t3}", []),
        ("new-file", f"{t3}..{t4}", []),
        ("deleted-file", f"{t4}..{t5}", []),
    ]:
        m = fix_ids(r.format_patch(rng, *extra), "diff-" + name, 0)
        save(os.path.join("diff", name), m, names=[name + ".eml"])
    # Multiple hunks with trailers, diffstat, base-commit and an in-body
    # From: (the patch author is not the sender).
    git(r.dir, "checkout", "-q", "v1")
    m = r.format_patch(f"{v1tip}~2..{v1tip}~1", f"--base={base}", f"--from={OTHER[0]} <{OTHER[1]}>")
    save(os.path.join("diff", "hunks"), fix_ids(m, "diff-hunks", 0), names=["hunks.eml"])
    shutil.rmtree(r.dir)


if __name__ == "__main__":
    main()
