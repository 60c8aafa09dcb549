	.close		   = raw_close,
	.destroy	   = raw_destroy,
	.ioctl		   = raw_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	   = compat_raw_ioctl,
#endif
	.init		   = raw_sk_init,
	.h.raw_hash	   = &raw_v4_hashinfo,
	.setsockopt	   = (void *)raw_setsockopt,
};
EXPORT_SYMBOL(raw_prot);

static int raw_seq_show(struct seq_file *seq, void *v)
{
	return 0;
}
