// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/jvmm, the system file descriptor of a KVM-compatible ABI.
 *
 * Programs written for /dev/kvm open /dev/jvmm instead and issue the same
 * ioctls (uapi/jvmm.h).  An ioctl jvmm does not implement gets -ENOTTY,
 * exactly as an unknown ioctl does on KVM, so a program probing for a
 * feature learns it is absent instead of misbehaving.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "jvmm.h"
#include "../uapi/jvmm.h"

static long jvmm_dev_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		/* KVM refuses an argument here; so do we. */
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	default:
		return -ENOTTY;
	}
}

/*
 * .owner pins the module while the file is open, so rmmod is refused
 * until the last descriptor is closed.
 */
static const struct file_operations jvmm_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= jvmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice jvmm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "jvmm",
	.fops	= &jvmm_dev_fops,
};

int jvmm_dev_register(umode_t mode)
{
	int ret;

	jvmm_dev.mode = mode;
	ret = misc_register(&jvmm_dev);
	if (ret)
		pr_err("cannot register /dev/jvmm: error %d\n", ret);
	return ret;
}

void jvmm_dev_unregister(void)
{
	misc_deregister(&jvmm_dev);
}
