// SPDX-License-Identifier: GPL-2.0
/*
 * spec.c - what a guest could learn or steer through the CPU's
 * speculative execution, defended against on the world switch as KVM
 * does on its own (Documentation/design.md, "Speculative execution").
 *
 * Each defence is decided once, at load, from the kernel's own bug and
 * feature bits (which reflect its mitigation choices and the command
 * line) and cpu_mitigations_off(); the module parameter spec_defences=0
 * turns off those decided here, to measure their cost, and =2 adds VERW
 * and branch-history clearing on CPUs that do not need them (both are
 * harmless anywhere), so that the suite runs them in Bochs.  The return-stack
 * refill after an exit is the kernel's own alternative (entry.S) and
 * stays.
 *
 * - Before entry: clear the CPU's buffers with VERW where the kernel
 *   clears them before VM entry (MDS, TAA, RFDS), and flush the L1 data
 *   cache on L1TF-affected CPUs (EPT lets a guest name any host physical
 *   address in a not-present entry), at the first entry after host code
 *   ran: every section's first, as KVM's default "cond" mode flushes on
 *   each KVM_RUN and after interrupts.
 * - On a CPU that last ran a vCPU of another VM: IBPB, so one guest
 *   cannot steer another's indirect branches.
 * - After exit: the host's SPEC_CTRL again with legacy IBRS, branch
 *   history overwritten where BHI needs it (entry.S).
 * - Back to userspace: IBPB where the kernel asks for it (VMSCAPE), so
 *   the guest cannot steer the VMM's branches.
 * - The guest sees no SPEC_CTRL, PRED_CMD, FLUSH_CMD or
 *   ARCH_CAPABILITIES: their CPUID bits are clear and the MSRs #GP; it
 *   runs under the host's SPEC_CTRL, which it cannot change.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>

#include "compat.h"
#include "jvmm.h"
#include "spec.h"

/* spec_defences: 0 off, 1 as the kernel decides, 2 also VERW and BHB clearing everywhere. */
#define SPEC_OFF		0
#define SPEC_EVERYWHERE		2
static unsigned int spec_defences = 1;
module_param(spec_defences, uint, 0444);
MODULE_PARM_DESC(spec_defences,
		 "Speculative-execution defences on the world switch: 1 (default) where the kernel says this CPU needs them, 0 none (only to measure their cost), 2 also VERW and branch-history clearing on every CPU (harmless where not needed: runs those paths on any machine)");

/* 64 KiB, twice any L1D: reading it all evicts every line (as KVM's flush). */
#define L1D_FLUSH_ORDER		4
#define L1D_FLUSH_SIZE		(PAGE_SIZE << L1D_FLUSH_ORDER)
#define CACHE_LINE		64

/* CPUID.(EAX=7,ECX=0):EDX and CPUID.80000008H:EBX bits of the controls hidden. */
#define CPUID_7_EDX_SPEC_CTRL	BIT(26)		/* IBRS and IBPB */
#define CPUID_7_EDX_STIBP	BIT(27)
#define CPUID_7_EDX_FLUSH_L1D	BIT(28)
#define CPUID_7_EDX_ARCH_CAP	BIT(29)
#define CPUID_7_EDX_CORE_CAP	BIT(30)
#define CPUID_7_EDX_SSBD	BIT(31)
#define CPUID_7_EDX_HIDDEN	(CPUID_7_EDX_SPEC_CTRL | CPUID_7_EDX_STIBP | \
				 CPUID_7_EDX_FLUSH_L1D | CPUID_7_EDX_ARCH_CAP | \
				 CPUID_7_EDX_CORE_CAP | CPUID_7_EDX_SSBD)
#define CPUID_7_SUBLEAF_SPEC	2		/* EDX: more SPEC_CTRL controls */
#define CPUID_80000008_EBX_HIDDEN (BIT(12) | BIT(14) | BIT(15) | BIT(16) | \
				   BIT(17) | BIT(18) | BIT(19) | BIT(24) | BIT(25))

static unsigned long run_flags;		/* JVMM_RUN_* for every entry */
static bool l1d_flush, l1d_flush_msr, ibpb_vm_switch, ibpb_to_user;
static u8 *l1d_flush_buffer;
static DEFINE_PER_CPU(u32, last_vm_id);	/* vm->id + 1 of the last VM run here */

static bool need_l1d_flush(void)
{
	u64 arch_cap = 0;

	if (!boot_cpu_has_bug(X86_BUG_L1TF))
		return false;
	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrq(MSR_IA32_ARCH_CAPABILITIES, arch_cap);
	/* A VMM nested under one that flushes on its own entries says so. */
	return !(arch_cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
}

int jvmm_spec_init(void)
{
	bool everywhere = spec_defences == SPEC_EVERYWHERE;

	if (spec_defences > SPEC_EVERYWHERE) {
		pr_err("cannot load: spec_defences=%u (0, 1 or 2)\n", spec_defences);
		return -EINVAL;
	}
	if (spec_defences == SPEC_OFF || cpu_mitigations_off())
		return 0;
	if (boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF_VM) || everywhere)
		run_flags |= JVMM_RUN_VERW;
	if (boot_cpu_has(X86_FEATURE_KERNEL_IBRS))
		run_flags |= JVMM_RUN_SPEC_CTRL;
	if (boot_cpu_has(JVMM_FEATURE_CLEAR_BHB_VMEXIT) || everywhere)
		run_flags |= JVMM_RUN_CLEAR_BHB;
	ibpb_vm_switch = boot_cpu_has(X86_FEATURE_IBPB);
	ibpb_to_user = boot_cpu_has(X86_FEATURE_IBPB_EXIT_TO_USER);
	l1d_flush = need_l1d_flush();
	l1d_flush_msr = l1d_flush && boot_cpu_has(X86_FEATURE_FLUSH_L1D);
	if (l1d_flush && !l1d_flush_msr) {
		struct page *page = alloc_pages(GFP_KERNEL, L1D_FLUSH_ORDER);

		if (!page)
			return -ENOMEM;
		l1d_flush_buffer = page_address(page);
		/* Real pages, not the shared zero page. */
		memset(l1d_flush_buffer, 0x90, L1D_FLUSH_SIZE);
	}
	return 0;
}

/* Once jvmm has loaded: which defences are on. */
void jvmm_spec_log(void)
{
	if (spec_defences == SPEC_OFF || cpu_mitigations_off()) {
		pr_info("speculation defences: off (%s); only the kernel's return-stack refill after exits\n",
			spec_defences == SPEC_OFF ? "spec_defences=0" : "mitigations=off");
		return;
	}
	pr_info("speculation defences: VERW before entry %s, L1D flush %s, IBPB between VMs %s, IBPB to userspace %s, SPEC_CTRL after exit %s, BHB clear %s\n",
		run_flags & JVMM_RUN_VERW ? "on" : "off",
		l1d_flush_msr ? "on (FLUSH_CMD)" : l1d_flush ? "on (software)" : "off",
		ibpb_vm_switch ? "on" : "off", ibpb_to_user ? "on" : "off",
		run_flags & JVMM_RUN_SPEC_CTRL ? "on" : "off",
		run_flags & JVMM_RUN_CLEAR_BHB ? "on" : "off");
}

void jvmm_spec_exit(void)
{
	if (l1d_flush_buffer)
		free_pages((unsigned long)l1d_flush_buffer, L1D_FLUSH_ORDER);
	l1d_flush_buffer = NULL;
}

static void ibpb(void)
{
	wrmsrq(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}

/* A section opens on @cpu for @vcpu: host code ran since the last entry. */
void jvmm_spec_section_open(struct jvmm_vcpu *vcpu, int cpu)
{
	u32 id = vcpu->vm->id + 1;

	vcpu->l1d_flush_pending = l1d_flush;
	if (ibpb_vm_switch && per_cpu(last_vm_id, cpu) != id) {
		per_cpu(last_vm_id, cpu) = id;
		ibpb();
	}
}

/*
 * Software L1D flush: first every page into the TLB, so that the second
 * pass's loads are all cache fills; CPUID in between serializes.
 */
static void flush_l1d_software(void)
{
	unsigned int eax = 0, ebx, ecx = 0, edx;
	unsigned long i;

	for (i = 0; i < L1D_FLUSH_SIZE; i += PAGE_SIZE)
		READ_ONCE(l1d_flush_buffer[i]);
	native_cpuid(&eax, &ebx, &ecx, &edx);
	for (i = 0; i < L1D_FLUSH_SIZE; i += CACHE_LINE)
		READ_ONCE(l1d_flush_buffer[i]);
	/* The fills are done before anything after this runs, VM entry included. */
	rmb();
}

/* Right before an entry: the flags for entry.S, and the host's SPEC_CTRL. */
unsigned long jvmm_spec_before_entry(struct jvmm_vcpu *vcpu, u64 *host_spec_ctrl)
{
	if (unlikely(vcpu->l1d_flush_pending)) {
		vcpu->l1d_flush_pending = false;
		if (l1d_flush_msr)
			wrmsrq(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		else
			flush_l1d_software();
	}
	if (run_flags & JVMM_RUN_SPEC_CTRL)
		*host_spec_ctrl = this_cpu_read(x86_spec_ctrl_current);
	vcpu->ran_guest = true;
	return run_flags;
}

/* KVM_RUN returns to the VMM after the guest ran. */
void jvmm_spec_return_to_user(void)
{
	if (ibpb_to_user)
		ibpb();
}

/*
 * The guest cannot reach the controls (the MSRs #GP), so it is not told
 * of them; the "not affected" bits of ARCH_CAPABILITIES go with it.
 */
void jvmm_spec_adjust_cpuid(u32 function, u32 index, u32 *eax, u32 *ebx,
			    u32 *ecx, u32 *edx)
{
	if (function == 7 && index == 0)
		*edx &= ~CPUID_7_EDX_HIDDEN;
	else if (function == 7 && index == CPUID_7_SUBLEAF_SPEC)
		*edx = 0;
	else if (function == 0x80000008)
		*ebx &= ~CPUID_80000008_EBX_HIDDEN;
}
