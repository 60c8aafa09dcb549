/* SPDX-License-Identifier: GPL-2.0 */
/* Written for patchbot's tests, in the style of include/net/sock.h. */
#ifndef _PB_SOCK_H
#define _PB_SOCK_H

#include <linux/types.h>
#define PB_MULTI_LINE(x) \
	do { \
		(x)++; \
	} while (0)

struct sock;
struct socket;

struct proto {
	void			(*close)(struct sock *sk,
					long timeout);
	int			(*ioctl)(struct sock *sk, int cmd,
					 int *karg);
	int			(*setsockopt)(struct sock *sk, int level,
					int optname, sockptr_t optval,
					unsigned int optlen);
#ifdef CONFIG_COMPAT
	int			(*compat_ioctl)(struct sock *sk,
					unsigned int cmd, unsigned long arg);
#endif
	int			(*recvmsg)(struct sock *sk, struct msghdr *msg,
					   size_t len, int flags, int *addr_len);
	unsigned int		inuse_idx;
	struct module		*owner;
	char			name[32];
	union {
		int			*sysctl_wmem;
		u32			sysctl_wmem_offset;
	};
	struct list_head	node;
} __randomize_layout;

struct proto_ops {
	int		family;
	int		(*ioctl)     (struct socket *sock, unsigned int cmd,
				      unsigned long arg);
	int		(*getsockopt)(struct socket *sock, int level,
				      int optname, char __user *optval, int __user *optlen);
	struct sock __rcu	*sk;
	void __iomem		*regs;
	int		(*sendmsg)   (struct socket *sock, struct msghdr *m,
				      size_t total_len);
} ____cacheline_aligned_in_smp;

int sock_ioctl_out(struct sock *sk, unsigned int cmd, void __user *arg);
extern int __must_check sk_ioctl(struct sock *sk, unsigned int cmd,
				 void __user *arg);
static inline int sock_no_op(struct sock *sk) { return 0; }
int sock_printk(const char *fmt, ...) __printf(1, 2);
void sock_set_flag_all(void);
char __user * __user *pb_argv(const char __user *const __user *argv, long count[4]);

#endif /* _PB_SOCK_H */
