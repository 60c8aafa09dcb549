int udp_ioctl(struct sock *sk, int cmd, int *karg);
