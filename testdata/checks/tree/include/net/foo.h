/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_FOO_H
#define _NET_FOO_H

#include <net/sock.h>

struct foo_stat {
	__u32	drops;
	__u32	flags;
};

int foo_ioctl(struct sock *sk, int cmd, unsigned long arg);
int foo_xmit(struct sock *sk, const char *buf, size_t len);

#endif /* _NET_FOO_H */
