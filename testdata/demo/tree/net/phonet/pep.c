// SPDX-License-Identifier: GPL-2.0-only
/*
 * Miniature of net/phonet/pep.c, written for patchbot's examples.
 */
#include <linux/uaccess.h>
#include <net/sock.h>

static int pep_copy_obj(struct pep_sock *pn, void __user *dst)
{
	return copy_to_user(dst, &pn->pn_obj, sizeof(pn->pn_obj)) ? -EFAULT : 0;
}

static int pep_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	struct pep_sock *pn = pep_sk(sk);
	int answ;
	int ret = -ENOIOCTLCMD;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN) {
			ret = -EINVAL;
			break;
		}
		answ = skb_queue_len(&sk->sk_receive_queue);
		ret = put_user(answ, (int __user *)arg);
		break;

	case SIOCPNGETOBJECT:
		ret = pep_copy_obj(pn, (void __user *)arg);
		break;
	}
	return ret;
}

static struct proto pep_proto = {
	.close		= pep_sock_close,
	.ioctl		= pep_ioctl,
	.name		= "PHONET_PIPE",
};
