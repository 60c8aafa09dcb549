// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>

__bpf_kfunc int bpf_foo_get(struct foo *f, int flags)
{
	return flags;
}
