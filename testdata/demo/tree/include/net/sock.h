/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Miniature of include/net/sock.h, written for patchbot's examples.
 */
#ifndef _SOCK_H
#define _SOCK_H

#include <linux/types.h>

struct sock;
struct sk_buff;
struct msghdr;

/* Networking protocol blocks we attach to sockets. */
struct proto {
	void			(*close)(struct sock *sk,
					long timeout);
	int			(*connect)(struct sock *sk,
					struct sockaddr *uaddr,
					int addr_len);
	int			(*disconnect)(struct sock *sk, int flags);
	int			(*ioctl)(struct sock *sk, int cmd,
					 unsigned long arg);
	int			(*init)(struct sock *sk);
	void			(*destroy)(struct sock *sk);
	int			(*sendmsg)(struct sock *sk, struct msghdr *msg,
					   size_t len);
	char			name[32];
};

int sock_common_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen);

#endif	/* _SOCK_H */
