	struct sioc_vif_req vr;
	int __user *p = argp;

	if (copy_from_user(&vr, argp, sizeof(vr)))
		return -EFAULT;
	err = put_user(x, (int __user *)arg);
	return ipmr_ioctl(sk, cmd, (void __force *)p);
}
