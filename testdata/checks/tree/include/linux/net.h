/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _LINUX_NET_H
#define _LINUX_NET_H

struct socket;
struct sockaddr;

struct proto_ops {
	int		family;
	struct module	*owner;
	int		(*release)   (struct socket *sock);
	int		(*bind)	     (struct socket *sock,
				      struct sockaddr *myaddr,
				      int sockaddr_len);
	int		(*ioctl)     (struct socket *sock, unsigned int cmd,
				      unsigned long arg);
	int		(*listen)    (struct socket *sock, int len);
	int		(*shutdown)  (struct socket *sock, int flags);
};

#endif	/* _LINUX_NET_H */
