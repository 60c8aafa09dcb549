// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

int foo_mr_ioctl(struct sock *sk, int cmd, void *arg)
{
	struct foo_priv *priv = sk->sk_user_data;
	void *any = priv->ctx;

	switch (cmd) {
	case FOOGETA: {
		struct foo_a_req *a = (struct foo_a_req *)arg;

		a->index = foo_count(sk, a->index);
		return 0;
	}
	case FOOGETB: {
		struct foo_b_req *b = (struct foo_b_req *)arg;

		b->count[0] = foo_count(sk, 0);
		return 0;
	}
	default:
		/* Not chosen per command: a priv pointer, and the buffer
		 * handed on whole. */
		foo_generic(sk, (struct foo_a_req *)any);
		return foo_other_ioctl(sk, cmd, (struct foo_a_req *)arg);
	}
}
