// SPDX-License-Identifier: GPL-2.0
/* rfkill_poll_once() callers */
static ssize_t read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	return 0;
}
