static int raw_ioctl(struct sock *sk, int cmd, int *karg)
{
	void __user *argp = (void __user *)karg;
	int amount;

	switch (cmd) {
	case SIOCOUTQ: {
		amount = sk_wmem_alloc_get(sk);
		return put_user(amount, (int __user *)argp);
