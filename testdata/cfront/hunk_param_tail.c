		     int cmd, void __user *karg)
{
	int x;
	return put_user(x, (int __user *)karg);
}
