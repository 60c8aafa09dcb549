/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SOCK_H
#define _SOCK_H

struct proto {
	void			(*close)(struct sock *sk, long timeout);
	int			(*ioctl)(struct sock *sk, int cmd,
					 unsigned long arg);
};

#endif
