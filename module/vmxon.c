// SPDX-License-Identifier: GPL-2.0
/*
 * vmxon.c - VMX operation on every online CPU.
 *
 * jvmm enters VMX operation on every CPU when it loads and leaves it when
 * it unloads (Documentation/design.md says why at load and not per VM).
 * A CPU hotplug state keeps that true as CPUs come and go: a CPU that
 * comes online enters VMX operation before anything can run a guest on
 * it, and one that goes offline leaves it.
 *
 * VMX operation is exclusive: a CPU has one VMXON region, owned by one
 * hypervisor.  Every Linux hypervisor announces ownership by setting
 * CR4.VMXE (through the kernel's CR4 shadow), so a set bit means someone
 * else is there and we back off with -EBUSY, leaving them undisturbed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "jvmm.h"
#include "vmx_ops.h"

/* The VMXON region of each CPU in VMX operation, NULL elsewhere. */
static DEFINE_PER_CPU(struct page *, jvmm_vmxon_region);
/* False once a reboot has taken the CPU out of VMX operation early. */
static DEFINE_PER_CPU(bool, jvmm_vmx_active);

static enum cpuhp_state vmx_online_state;

/*
 * In VMX operation, CR0 and CR4 may hold only values the FIXED MSRs allow:
 * a bit set in FIXED0 must be 1, a bit clear in FIXED1 must be 0.  SDM
 * Vol. 3, App. A.7 "VMX-Fixed Bits in CR0" and A.8 "... in CR4".
 */
static bool cr_fits_fixed(unsigned long cr, u64 fixed0, u64 fixed1)
{
	return (cr & fixed0) == fixed0 && !(cr & ~fixed1);
}

/* See check_feature_control() in caps.c for when this has work to do. */
static void lock_feature_control(void)
{
	u64 fc;

	rdmsrl(IA32_FEATURE_CONTROL, fc);
	if (fc & IA32_FEATURE_CONTROL_LOCK)
		return;
	wrmsrl(IA32_FEATURE_CONTROL, fc | IA32_FEATURE_CONTROL_LOCK |
	       IA32_FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
}

/*
 * Called with interrupts off, so nothing else on this CPU (kvm_intel
 * enables VMX from an IPI) can slip in between the test of CR4.VMXE and
 * our VMXON.
 */
static int enter_vmx_operation(unsigned int cpu, phys_addr_t vmxon_region)
{
	const struct jvmm_vmx_msrs *m = &jvmm_caps.msrs;
	unsigned long cr0 = read_cr0();
	unsigned long cr4 = cr4_read_shadow();
	int ret;

	if (cr4 & X86_CR4_VMXE) {
		pr_err("cpu%u: VMX is already in use (CR4.VMXE is set): another hypervisor such as kvm_intel holds it; close its VMs or unload it first\n",
		       cpu);
		return -EBUSY;
	}
	/*
	 * The host's CR0 and CR4 belong to the kernel: we add CR4.VMXE, the
	 * one bit VMX operation needs that Linux does not run with, and
	 * refuse rather than change any other bit behind the kernel's back.
	 */
	if (!cr_fits_fixed(cr0, m->cr0_fixed0, m->cr0_fixed1)) {
		pr_err("cpu%u: CR0 0x%lx is not allowed in VMX operation (IA32_VMX_CR0_FIXED0 0x%llx, FIXED1 0x%llx)\n",
		       cpu, cr0, m->cr0_fixed0, m->cr0_fixed1);
		return -EOPNOTSUPP;
	}
	if (!cr_fits_fixed(cr4 | X86_CR4_VMXE, m->cr4_fixed0, m->cr4_fixed1)) {
		pr_err("cpu%u: CR4 0x%lx is not allowed in VMX operation (IA32_VMX_CR4_FIXED0 0x%llx, FIXED1 0x%llx)\n",
		       cpu, cr4 | X86_CR4_VMXE, m->cr4_fixed0, m->cr4_fixed1);
		return -EOPNOTSUPP;
	}
	lock_feature_control();

	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	ret = vmx_vmxon(vmxon_region);
	if (ret) {
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		pr_err("cpu%u: VMXON %s\n", cpu,
		       ret == -EFAULT ? "faulted" : "failed (VMfail)");
		return -EIO;
	}
	/*
	 * Whoever used VMX on this CPU before us (a previous kernel across
	 * kexec, say) may have left EPT translations cached; they are tagged
	 * with EPTPs we might reuse.
	 */
	if (jvmm_caps.invept_all)
		vmx_invept(VMX_INVEPT_ALL_CONTEXT, 0);
	this_cpu_write(jvmm_vmx_active, true);
	return 0;
}

static void leave_vmx_operation(void)
{
	if (!this_cpu_read(jvmm_vmx_active))
		return;
	jvmm_vmcs_clear_all_on_this_cpu();
	if (vmx_vmxoff())
		pr_err("cpu%d: VMXOFF failed; clearing CR4.VMXE anyway\n",
		       smp_processor_id());
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	this_cpu_write(jvmm_vmx_active, false);
}

/* Hotplug "online" callback: runs on @cpu, in its hotplug thread. */
static int jvmm_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	struct page *region;
	int ret;

	if (!jvmm_caps_cpu_matches())
		return -EOPNOTSUPP;

	region = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!region)
		return -ENOMEM;
	/*
	 * The VMXON region starts with the VMCS revision identifier, bit 31
	 * clear; the rest is the CPU's.  SDM Vol. 3, "VMXON Region".
	 */
	*(u32 *)page_address(region) = jvmm_caps.revision_id;

	local_irq_save(flags);
	ret = enter_vmx_operation(cpu, page_to_phys(region));
	local_irq_restore(flags);
	if (ret) {
		__free_page(region);
		return ret;
	}
	per_cpu(jvmm_vmxon_region, cpu) = region;
	pr_info("cpu%u: entered VMX operation\n", cpu);
	return 0;
}

/* Hotplug "offline" callback: runs on @cpu; the core forbids failing. */
static int jvmm_cpu_offline(unsigned int cpu)
{
	struct page *region = per_cpu(jvmm_vmxon_region, cpu);
	unsigned long flags;

	if (!region)
		return 0;
	local_irq_save(flags);
	leave_vmx_operation();
	local_irq_restore(flags);
	per_cpu(jvmm_vmxon_region, cpu) = NULL;
	__free_page(region);
	pr_info("cpu%u: left VMX operation\n", cpu);
	return 0;
}

static void leave_vmx_on_this_cpu(void *unused)
{
	leave_vmx_operation();
}

/*
 * A CPU in VMX operation blocks INIT, which some reboot methods use to
 * reset the other CPUs, so leave VMX operation everywhere before a
 * reboot or power-off.  The VMXON regions are freed at unload as usual.
 */
static int jvmm_reboot(struct notifier_block *nb, unsigned long action,
		       void *unused)
{
	on_each_cpu(leave_vmx_on_this_cpu, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block jvmm_reboot_notifier = {
	.notifier_call = jvmm_reboot,
};

/* Enter VMX operation on every online CPU, and on each one that follows. */
int jvmm_vmx_enable_all(void)
{
	int ret;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "jvmm/vmx:online",
				jvmm_cpu_online, jvmm_cpu_offline);
	if (ret < 0)
		return ret;
	vmx_online_state = ret;
	register_reboot_notifier(&jvmm_reboot_notifier);
	return 0;
}

/* Leave VMX operation on every CPU; CR4.VMXE is clear everywhere after. */
void jvmm_vmx_disable_all(void)
{
	unregister_reboot_notifier(&jvmm_reboot_notifier);
	cpuhp_remove_state(vmx_online_state);
}
