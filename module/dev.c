// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/jvmm, the system file descriptor of a KVM-compatible ABI.
 *
 * Programs written for /dev/kvm open /dev/jvmm instead and issue the same
 * ioctls (uapi/jvmm.h): KVM_CREATE_VM hands out a VM fd (vm.c), whose
 * KVM_CREATE_VCPU hands out vCPU fds (vcpu.c).  An ioctl jvmm does not implement gets -ENOTTY,
 * exactly as an unknown ioctl does on KVM, so a program probing for a
 * feature learns it is absent instead of misbehaving.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "jvmm.h"
#include "../uapi/jvmm.h"

/*
 * KVM_CHECK_EXTENSION: 1 (or a limit) for what jvmm implements, 0 for
 * everything else, so a KVM program takes its fallback paths.
 */
long jvmm_check_extension(long ext)
{
	switch (ext) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_IMMEDIATE_EXIT:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return JVMM_MAX_SLOTS;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
		return JVMM_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return JVMM_MAX_VCPUS;
	default:
		return 0;
	}
}

static long jvmm_dev_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		/* KVM refuses an argument here; so do we. */
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		return jvmm_vm_create(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return PIO_DATA_OFFSET + PAGE_SIZE;
	case KVM_CHECK_EXTENSION:
		return jvmm_check_extension(arg);
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
