	int			(*ioctl)(struct sock *sk, int cmd,
					 int *karg);
