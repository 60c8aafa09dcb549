// SPDX-License-Identifier: GPL-2.0-or-later
/* Written for patchbot's tests, in the style of net/ipv4/raw.c. */
#include <linux/uaccess.h>
#include "sock.h"

static DEFINE_MUTEX(raw_mutex);
static int raw_count __read_mostly;

static int raw_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	int amount;

	switch (cmd) {
	case SIOCOUTQ: {
		amount = sk_wmem_alloc_get(sk);
		return put_user(amount, (int __user *)arg);
	}
	default:
		return -ENOIOCTLCMD;
	}
}

#ifdef CONFIG_COMPAT
static int compat_raw_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg)
{
	void __user *argp = compat_ptr(arg);
	struct sioc_vif_req vr;

	if (copy_from_user(&vr, argp, sizeof(vr)))
		return -EFAULT;
	return ipmr_compat_ioctl(sk, cmd, (void __force *)argp);
}
#endif

INDIRECT_CALLABLE_SCOPE int __net_init raw_recvmsg(struct sock *sk, struct msghdr *msg,
						  size_t len, int flags, int *addr_len)
{
	return 0;
}

struct proto raw_prot = {
	.name		   = "RAW",
	.owner		   = THIS_MODULE,
	.close		   = raw_close,
	.ioctl		   = raw_ioctl,
	.recvmsg	   = raw_recvmsg,
#ifdef CONFIG_COMPAT
	.compat_ioctl	   = compat_raw_ioctl,
#endif
	.setsockopt	   = (void *)raw_setsockopt,
	.obj_size	   = sizeof(struct raw_sock),
};
EXPORT_SYMBOL(raw_prot);

static const struct proto_ops inet_sockraw_ops = {
	.family		   = PF_INET,
	.ioctl		   = inet_ioctl,
	.getsockopt	   = &sock_common_getsockopt,
#ifdef CONFIG_COMPAT
	.compat_ioctl	   = inet_compat_ioctl,
#endif
};

static struct ctl_table raw_table[] = {
	{
		.procname	= "raw_count",
		.proc_handler	= proc_dointvec,
	},
	{ }
};

SYSCALL_DEFINE3(pbioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	return do_pbioctl(fd, cmd, (void __user *)arg);
}

SYSCALL_DEFINE0(pbsync)
{
	return 0;
}

module_init(raw_init);
MODULE_LICENSE("GPL");
