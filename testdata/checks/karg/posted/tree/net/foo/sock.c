// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

/* Copy 'size' bytes in, run the callback, copy them back out. */
static int foo_ioctl_inout(struct sock *sk, unsigned int cmd,
			   void __user *arg, void *karg, size_t size)
{
	int ret;

	if (copy_from_user(karg, arg, size))
		return -EFAULT;

	ret = sk->sk_prot->ioctl(sk, cmd, karg);
	if (ret)
		return ret;

	if (copy_to_user(arg, karg, size))
		return -EFAULT;
	return 0;
}

/* Most commands return one int. */
static int foo_ioctl_out(struct sock *sk, unsigned int cmd, void __user *arg)
{
	int ret, karg = 0;

	ret = sk->sk_prot->ioctl(sk, cmd, &karg);
	if (ret)
		return ret;

	return put_user(karg, (int __user *)arg);
}

static int foo_sk_ioctl(struct sock *sk, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case FOOGETA: {
		struct foo_a_req buffer;

		memset(&buffer, 0, sizeof(buffer));
		return foo_ioctl_inout(sk, cmd, arg, &buffer, sizeof(buffer));
		}
	case FOOGETB: {
		struct foo_b_req buffer;

		return foo_ioctl_inout(sk, cmd, arg, &buffer, sizeof(buffer));
		}
	}
	return 1;
}

int sk_foo_ioctl(struct sock *sk, unsigned int cmd, void __user *arg)
{
	int rc = 1;

	if (sk->sk_type == SOCK_RAW && sk->sk_family == AF_FOO)
		rc = foo_sk_ioctl(sk, cmd, arg);
	if (rc <= 0)
		return rc;

	return foo_ioctl_out(sk, cmd, arg);
}
