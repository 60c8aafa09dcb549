// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Miniature of net/ipv4/raw.c, written for patchbot's examples.
 */
#include <linux/uaccess.h>
#include <net/sock.h>

static int raw_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
	return 0;
}

static int raw_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ: {
		int amount = sk_wmem_alloc_get(sk);

		return put_user(amount, (int __user *)arg);
	}
	case SIOCINQ: {
		struct sk_buff *skb;
		int amount = 0;

		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			amount = skb->len;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return put_user(amount, (int __user *)arg);
	}
	default:
		return -ENOIOCTLCMD;
	}
}

struct proto raw_prot = {
	.name		   = "RAW",
	.close		   = raw_close,
	.ioctl		   = raw_ioctl,
	.init		   = raw_sk_init,
};
