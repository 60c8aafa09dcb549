// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

int udp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ:
		return put_user(sk_wmem_alloc_get(sk), (int __user *)arg);
	case SIOCINQ:
		return udp_inq(sk, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

struct proto udp_prot = {
	.ioctl		= udp_ioctl,
};
