// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - jvmm.ko: a small Intel VMX hypervisor behind a KVM-compatible ABI.
 *
 * Loading happens in steps, each undone in reverse order at unload or when
 * a later step fails: check that the CPU's VMX can run our guests and
 * that the host kernel suits jvmm (caps.c), decide what guest FPU state
 * we switch (fpu.c), prepare what all VMs share (the MSR bitmap, debugfs),
 * give every CPU its VMXON region after trying VMX operation there
 * (vmxon.c), then open the device (dev.c).  The device comes last so that
 * nobody can reach a half-initialised module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stat.h>

#include "jvmm.h"
#include "stats.h"
#include "vmx_ops.h"

/* A VM is root's business unless the administrator says otherwise. */
static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Permission bits of /dev/jvmm (default 0600)");

bool jvmm_trace_exits;
module_param_named(trace, jvmm_trace_exits, bool, 0644);
MODULE_PARM_DESC(trace, "Log every VM exit to the kernel log, rate-limited (default off)");

static int __init jvmm_init(void)
{
	int ret;

	if (dev_mode & ~0777) {
		pr_err("cannot load: dev_mode=0%o has bits outside 0777\n",
		       dev_mode);
		return -EINVAL;
	}

	ret = jvmm_caps_probe();
	if (ret)
		return ret;
	ret = jvmm_caps_check_host(jvmm_read_cr4());
	if (ret)
		return ret;
	ret = jvmm_fpu_init();
	if (ret)
		return ret;

	ret = jvmm_spec_init();
	if (ret)
		return ret;
	ret = jvmm_msr_bitmap_init();
	if (ret)
		goto err_spec;
	jvmm_stats_init();

	ret = jvmm_vmxon_init();
	if (ret)
		goto err_shared;

	ret = jvmm_dev_register(dev_mode);
	if (ret)
		goto err_vmx_disable;

	jvmm_caps_log_summary();
	jvmm_spec_log();
	return 0;

err_vmx_disable:
	jvmm_vmxon_exit();
err_shared:
	jvmm_stats_exit();
	jvmm_msr_bitmap_free();
err_spec:
	jvmm_spec_exit();
	return ret;
}

static void __exit jvmm_exit(void)
{
	jvmm_dev_unregister();
	jvmm_vmxon_exit();
	jvmm_stats_exit();
	jvmm_msr_bitmap_free();
	jvmm_spec_exit();
}

module_init(jvmm_init);
module_exit(jvmm_exit);

MODULE_DESCRIPTION("jvmm: Intel VMX hypervisor with a KVM-compatible ioctl ABI");
MODULE_LICENSE("GPL");
