	return put_user(0, (int __user *)arg);
}

static int foo(struct sock *sk)
{
	return bar(sk, (void __user *)p);
}
