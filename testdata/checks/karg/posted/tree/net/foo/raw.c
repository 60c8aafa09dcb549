// SPDX-License-Identifier: GPL-2.0
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
