// SPDX-License-Identifier: GPL-2.0
#include <net/sock.h>

static int team_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

struct proto team_prot = {
	.ioctl		= team_ioctl,
};
