// SPDX-License-Identifier: GPL-2.0
#include <net/foo.h>

static unsigned int foo_seen;

int foo_get(struct sock *sk)
{
	return foo_seen;
}
