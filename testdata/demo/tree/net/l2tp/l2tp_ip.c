// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Miniature of net/l2tp/l2tp_ip.c, written for patchbot's examples.
 */
#include <linux/uaccess.h>
#include <net/sock.h>

int l2tp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	struct sk_buff *skb;
	int amount;

	switch (cmd) {
	case SIOCOUTQ:
		amount = sk_wmem_alloc_get(sk);
		break;
	case SIOCINQ:
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		amount = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		break;

	default:
		return -ENOIOCTLCMD;
	}

	return put_user(amount, (int __user *)arg);
}

static struct proto l2tp_ip_prot = {
	.name		   = "L2TP/IP",
	.close		   = l2tp_ip_close,
	.ioctl		   = l2tp_ioctl,
};
