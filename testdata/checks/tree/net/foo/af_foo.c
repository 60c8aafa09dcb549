// SPDX-License-Identifier: GPL-2.0
/*
 * FOO sockets: a small protocol used by patchbot's fixtures.
 */
#include <linux/uaccess.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/foo.h>

struct foo_req {
	int	id;
	int	len;
};

static int foo_get_req(struct sock *sk, void __user *argp)
{
	struct foo_req req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	req.len = sk->sk_rcvbuf;
	if (copy_to_user(argp, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static int foo_get_len(struct sock *sk, int __user *lenp)
{
	int len = READ_ONCE(sk->sk_sndbuf);

	return put_user(len, lenp);
}

static int foo_setsockopt(struct sock *sk, int level, int optname,
			  char __user *optval, unsigned int optlen)
{
	int val;

	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_user(&val, optval, sizeof(val)))
		return -EFAULT;
	WRITE_ONCE(sk->sk_mark, val);
	return 0;
}

static ssize_t foo_write(struct sock *sk, const char __user *buf, size_t len)
{
	char kbuf[64];

	if (len > sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, len))
		return -EFAULT;
	return foo_xmit(sk, kbuf, len);
}

int foo_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	switch (cmd) {
	case SIOCOUTQ: {
		int amount = sk_wmem_alloc_get(sk);

		return put_user(amount, (int __user *)arg);
	}
	case SIOCFOOREQ:
		return foo_get_req(sk, (void __user *)arg);
	case SIOCFOOLEN:
		return foo_get_len(sk, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static int foo_stat(struct sock *sk, struct foo_stat __user *ustat)
{
	struct foo_stat st;

	memset(&st, 0, sizeof(st));
	st.drops = atomic_read(&sk->sk_drops);
	return copy_to_user(ustat, &st, sizeof(st)) ? -EFAULT : 0;
}

static void foo_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
}

static int foo_init(struct sock *sk)
{
	return 0;
}

static int foo_sock_ioctl(struct socket *sock, unsigned int cmd,
			  unsigned long arg)
{
	struct sock *sk = sock->sk;

	if (cmd == SIOCFOOSTAT)
		return foo_stat(sk, (struct foo_stat __user *)arg);
	return sk->sk_prot->ioctl(sk, cmd, arg);
}

static int foo_release(struct socket *sock)
{
	return 0;
}

struct proto foo_prot = {
	.name		= "FOO",
	.owner		= THIS_MODULE,
	.close		= foo_close,
	.ioctl		= foo_ioctl,
	.init		= foo_init,
	.setsockopt	= foo_setsockopt,
};

static const struct proto_ops foo_ops = {
	.family		= PF_FOO,
	.owner		= THIS_MODULE,
	.release	= foo_release,
	.ioctl		= foo_sock_ioctl,
};
