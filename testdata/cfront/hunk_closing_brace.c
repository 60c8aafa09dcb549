}

static int raw_ioctl(struct sock *sk, int cmd, int *karg)
{
	switch (cmd) {
