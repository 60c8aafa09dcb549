// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

static int baz_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

struct proto baz_prot = {
	.name		= "BAZ",
	.ioctl		= baz_ioctl,
};
