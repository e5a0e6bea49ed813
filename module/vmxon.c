// SPDX-License-Identifier: GPL-2.0
/*
 * vmxon.c - VMX operation, held by a CPU only while it runs a vCPU with
 * interrupts off.
 *
 * jvmm does not keep CPUs in VMX operation.  A CPU enters it at the start
 * of a "VMX section" (vmcs.c: jvmm_vcpu_section_open()) and leaves it at
 * the end, and interrupts stay off in between.  The reason is CR4.VMXE:
 * in VMX operation it must stay set, and the kernel rewrites CR4 from its
 * own copy of CR4 (a global TLB flush on CPUs without INVPCID, perf's
 * RDPMC bit on context switch), which only KVM may update.  A section
 * sets CR4.VMXE in the register itself, and nothing in the kernel writes
 * CR4 on a CPU that has interrupts off.  Documentation/design.md says
 * why, and what it costs.
 *
 * What stays per CPU is the VMXON region: allocated when the CPU comes
 * online (or when jvmm loads), after a trial VMXON/VMXOFF there, so every
 * reason VMX is unusable shows at insmod and not at the first KVM_RUN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/processor-flags.h>

#include "compat.h"
#include "jvmm.h"
#include "vmx_ops.h"

/* The VMXON region of each online CPU, NULL elsewhere. */
static DEFINE_PER_CPU(struct page *, jvmm_vmxon_region);

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

	rdmsrq(IA32_FEATURE_CONTROL, fc);
	if (fc & IA32_FEATURE_CONTROL_LOCK)
		return;
	wrmsrq(IA32_FEATURE_CONTROL, fc | IA32_FEATURE_CONTROL_LOCK |
	       IA32_FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
}

/*
 * Enter VMX operation on this CPU, interrupts off.  -EBUSY: another
 * hypervisor holds VMX here (it set CR4.VMXE); -EIO: VMXON failed.  On
 * success *@host_cr4 is CR4 as the host runs with it from now on, VMXE
 * included (the VMCS's host CR4).
 */
int jvmm_vmx_on(unsigned long *host_cr4)
{
	struct page *region = this_cpu_read(jvmm_vmxon_region);
	unsigned long cr4 = jvmm_read_cr4();

	lockdep_assert_irqs_disabled();
	if (cr4 & X86_CR4_VMXE)
		return -EBUSY;
	if (unlikely(!region))
		return -ENODEV;
	jvmm_write_cr4(cr4 | X86_CR4_VMXE);
	if (vmx_vmxon(page_to_phys(region))) {
		jvmm_write_cr4(cr4);
		return -EIO;
	}
	*host_cr4 = cr4 | X86_CR4_VMXE;
	return 0;
}

/* Leave VMX operation; every VMCS has been cleared.  Interrupts off. */
void jvmm_vmx_off(void)
{
	vmx_vmxoff();
	jvmm_write_cr4(jvmm_read_cr4() & ~X86_CR4_VMXE);
}

/*
 * One line for a CPU whose CR4.VMXE is already set: since Linux 6.12
 * kvm_intel enters VMX operation when it loads, not when it creates its
 * first VM, so jvmm cannot load beside it.
 */
static void report_vmx_busy(unsigned int cpu)
{
	pr_err("cpu%u: VMX is in use by another hypervisor (CR4.VMXE is set): kvm_intel holds it while it is loaded (Linux 6.12+, kvm.enable_virt_at_load=1) or while it has VMs; unload it (modprobe -r kvm_intel) or load kvm with enable_virt_at_load=0, then load jvmm again\n",
	       cpu);
}

/*
 * Called with interrupts off: check that this CPU can enter VMX operation
 * with its current CR0 and CR4, then enter and leave it once.
 */
static int try_vmx_operation(unsigned int cpu)
{
	const struct jvmm_vmx_msrs *m = &jvmm_caps.msrs;
	unsigned long cr0 = read_cr0();
	unsigned long cr4 = jvmm_read_cr4();
	unsigned long host_cr4;
	int ret;

	if (cr4 & X86_CR4_VMXE) {
		report_vmx_busy(cpu);
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
	ret = jvmm_vmx_on(&host_cr4);
	if (ret) {
		pr_err("cpu%u: VMXON failed\n", cpu);
		return -EIO;
	}
	jvmm_vmx_off();
	return 0;
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
	this_cpu_write(jvmm_vmxon_region, region);
	ret = try_vmx_operation(cpu);
	if (ret)
		this_cpu_write(jvmm_vmxon_region, NULL);
	local_irq_restore(flags);
	if (ret) {
		__free_page(region);
		return ret;
	}
	pr_info("cpu%u: ready for VMX operation\n", cpu);
	return 0;
}

/*
 * Hotplug "offline" callback: runs on @cpu after every task has left it,
 * so no section is open here.  The core forbids failing.
 */
static int jvmm_cpu_offline(unsigned int cpu)
{
	struct page *region;
	unsigned long flags;

	local_irq_save(flags);
	region = this_cpu_read(jvmm_vmxon_region);
	this_cpu_write(jvmm_vmxon_region, NULL);
	local_irq_restore(flags);
	if (!region)
		return 0;
	__free_page(region);
	pr_info("cpu%u: done with VMX operation\n", cpu);
	return 0;
}

/*
 * Give every online CPU, and each one that comes online later, a VMXON
 * region.  cpuhp_setup_state() rolls back if one CPU fails, so insmod is
 * all or nothing.
 */
int jvmm_vmxon_init(void)
{
	int ret;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "jvmm/vmx:online",
				jvmm_cpu_online, jvmm_cpu_offline);
	if (ret < 0)
		return ret;
	vmx_online_state = ret;
	return 0;
}

void jvmm_vmxon_exit(void)
{
	cpuhp_remove_state(vmx_online_state);
}
