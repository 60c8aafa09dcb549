// SPDX-License-Identifier: GPL-2.0
#include <linux/net.h>
#include <net/sock.h>

static int bar_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	int amount;

	switch (cmd) {
	case SIOCINQ:
		amount = bar_pending(sk);
		return put_user(amount, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static int bar_sock_ioctl(struct socket *sock, unsigned int cmd,
			  unsigned long arg)
{
	return sock->sk->sk_prot->ioctl(sock->sk, cmd, arg);
}

static struct proto bar_prot = {
	.name		= "BAR",
	.ioctl		= bar_ioctl,
};

static const struct proto_ops bar_ops = {
	.family		= PF_BAR,
	.ioctl		= bar_sock_ioctl,
};
