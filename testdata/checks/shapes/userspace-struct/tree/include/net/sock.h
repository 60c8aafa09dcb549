/* SPDX-License-Identifier: GPL-2.0 */
struct proto {
	int		(*ioctl)(struct sock *sk, int cmd, int *karg);
};
