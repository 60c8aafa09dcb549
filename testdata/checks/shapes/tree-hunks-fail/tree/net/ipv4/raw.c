// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

static int raw_ioctl(struct sock *sk,
		     int cmd,
		     int flags,
		     int mode,
		     unsigned long arg)
{
	/* raw sockets answer SIOCOUTQ only */
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
