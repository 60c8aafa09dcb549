/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_NET_H
#define _LINUX_NET_H

struct proto_ops {
	int		(*release)(struct socket *sock);
	int		(*ioctl)(struct socket *sock, unsigned int cmd,
				 unsigned long arg);
};

#endif
