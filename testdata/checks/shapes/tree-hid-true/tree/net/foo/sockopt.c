// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>

static int foo_setsockopt(struct sock *sk, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	int val;

	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	return foo_set(sk, optname, val);
}
