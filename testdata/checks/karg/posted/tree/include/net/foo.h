/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_FOO_H
#define _NET_FOO_H

struct foo_proto {
	const char		*name;
	int			(*ioctl)(struct sock *sk, int cmd,
					 int *karg);
};

struct foo_a_hdr {
	unsigned int	index;
};

struct foo_a_req {
	unsigned int	index;
	unsigned long	count;
};

struct foo_b_req {
	struct in6_addr	src;
	unsigned long	count[3];
};

union foo_req {
	struct foo_a_req	a;
	struct foo_b_req	b;
};

typedef struct foo_b_req foo_b_t;

int foo_mr_ioctl(struct sock *sk, int cmd, void *arg);
int sk_foo_ioctl(struct sock *sk, unsigned int cmd, void __user *arg);

#endif
