// SPDX-License-Identifier: GPL-2.0
/*
 * vmcs.c - each vCPU's VMCS: allocation, the VMX sections it is current
 * in, and the state it starts with.
 *
 * A VMX section is where a vCPU's VMCS may be read and written: this CPU
 * in VMX operation (vmxon.c), interrupts off, the VMCS current.  It ends
 * with VMCLEAR, which writes the VMCS back to memory (SDM Vol. 3,
 * "Software Use of Virtual-Machine Control Structures"), so the next
 * section may open on any CPU, and its first entry is a VMLAUNCH.  The
 * host fields that differ between CPUs are rewritten when a section opens
 * on another CPU than the last one.  Documentation/design.md, "The world
 * switch", lists the whole order of operations.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tsc.h>
#include <asm/trapnr.h>

#include "compat.h"
#include "jvmm.h"
#include "stats.h"
#include "vmcs.h"
#include "vmx_ops.h"

void jvmm_vmcs_error(const char *insn, unsigned long field, unsigned long value)
{
	/* Only meaningful when a VMCS is current: error number 0 otherwise. */
	unsigned long error = 0;

	asm volatile("vmread %1, %0\n\t"
		     "jnbe 1f\n\t"
		     "xor %k0, %k0\n"
		     "1:"
		     : "=r"(error) : "r"((unsigned long)VMCS_VM_INSTRUCTION_ERROR)
		     : "cc");
	pr_err_ratelimited("cpu%d: %s of VMCS field 0x%lx (value 0x%lx) failed, VM-instruction error %lu\n",
			   raw_smp_processor_id(), insn, field, value, error);
}

void *jvmm_vmcs_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	u32 *vmcs;

	if (!page)
		return NULL;
	/* First word: the revision identifier, bit 31 clear (not a shadow VMCS). */
	vmcs = page_address(page);
	vmcs[0] = jvmm_caps.revision_id;
	return vmcs;
}

void jvmm_vmcs_free(void *vmcs)
{
	free_page((unsigned long)vmcs);
}

/*
 * Host state that differs between CPUs: the TSS, the GDT, the per-CPU GS
 * base and the SYSENTER stack all live at per-CPU addresses (SDM Vol. 3,
 * "Host-State Area"; "Checks on Host Segment and Descriptor-Table
 * Registers"), and TSC_AUX holds the CPU's number.
 */
static void set_per_cpu_host_state(struct jvmm_vcpu *vcpu, int cpu)
{
	struct desc_ptr idt;
	u64 sysenter_esp, value;

	vmcs_writel(VMCS_HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(VMCS_HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	store_idt(&idt);
	vmcs_writel(VMCS_HOST_IDTR_BASE, idt.address);
	vmcs_writel(VMCS_HOST_GS_BASE, cpu_kernelmode_gs_base(cpu));
	/* The SYSENTER stack is this CPU's entry stack. */
	rdmsrq(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(VMCS_HOST_SYSENTER_ESP, sysenter_esp);
	/* Not in the VMCS: the run section switches it (exit_msr.c). */
	if (jvmm_msr_have_tsc_aux()) {
		rdmsrq(MSR_TSC_AUX, value);
		vcpu->host.tsc_aux = value;
	}
}

/*
 * Open a VMX section for @vcpu on this CPU: interrupts off, VMX operation,
 * the VMCS current and its host state right for this CPU.  On failure
 * interrupts are on again and nothing is held.
 */
int jvmm_vcpu_section_open(struct jvmm_vcpu *vcpu)
{
	unsigned long host_cr4, host_cr3;
	int cpu, ret;

	local_irq_disable();
	cpu = smp_processor_id();
	ret = jvmm_vmx_on(&host_cr4);
	if (ret) {
		local_irq_enable();
		if (ret == -EBUSY)
			pr_warn_ratelimited("vm%u vcpu%u: cpu%d: VMX is in use by another hypervisor (CR4.VMXE is set, e.g. by kvm_intel); KVM_RUN fails with EBUSY until it lets go\n",
					    vcpu->vm->id, vcpu->id, cpu);
		else
			pr_err_ratelimited("cpu%d: VMXON failed (%d)\n", cpu, ret);
		return ret;
	}
	/* This CPU may hold translations of this EPT from before a change. */
	jvmm_ept_flush_this_cpu(vcpu->vm, cpu);
	/* A new VMCS region is VMCLEARed once to initialise it. */
	if (vcpu->vmcs_fresh) {
		vmx_vmclear(__pa(vcpu->vmcs));
		vcpu->vmcs_fresh = false;
	}
	if (vmx_vmptrld(__pa(vcpu->vmcs))) {
		jvmm_vmx_off();
		local_irq_enable();
		pr_err_ratelimited("cpu%d: VMPTRLD failed for vCPU %u\n", cpu, vcpu->id);
		return -EIO;
	}
	vcpu->cpu = cpu;
	vcpu->launched = false;
	jvmm_stats_count_section();
	jvmm_spec_section_open(vcpu, cpu);
	if (vcpu->last_cpu != cpu) {
		set_per_cpu_host_state(vcpu, cpu);
		/* Its translations here may predate changes the guest made elsewhere. */
		if (vcpu->vpid)
			vmx_invvpid(jvmm_caps.invvpid_single ? VMX_INVVPID_SINGLE_CONTEXT :
				    VMX_INVVPID_ALL_CONTEXT, vcpu->vpid);
		vcpu->last_cpu = cpu;
	}
	/* KVM_SET_CPUID2 changed what the guest may use. */
	if (unlikely(vcpu->proc2 != vcpu->vmcs_proc2)) {
		vmcs_write32(VMCS_PROC_BASED_CONTROLS2, vcpu->proc2);
		vcpu->vmcs_proc2 = vcpu->proc2;
	}
	/* CR4 can change between sections (perf's RDPMC bit), CR3's PCID too. */
	if (vcpu->vmcs_host_cr4 != host_cr4) {
		vmcs_writel(VMCS_HOST_CR4, host_cr4);
		vcpu->vmcs_host_cr4 = host_cr4;
	}
	host_cr3 = __read_cr3();
	if (vcpu->vmcs_host_cr3 != host_cr3) {
		vmcs_writel(VMCS_HOST_CR3, host_cr3);
		vcpu->vmcs_host_cr3 = host_cr3;
	}
	return 0;
}

/*
 * End the section: the VMCS goes back to memory, the CPU leaves VMX
 * operation.  Interrupts stay off: the caller turns them on.
 */
void jvmm_vcpu_section_close(struct jvmm_vcpu *vcpu)
{
	vmx_vmclear(__pa(vcpu->vmcs));
	jvmm_vmx_off();
	vcpu->cpu = -1;
	vcpu->launched = false;
}

/*
 * Host state that is the same on every CPU.  Selectors: the kernel's code
 * and stack segments, null DS/ES/FS/GS (64-bit code does not use them;
 * the run loop restores a user thread's non-null ones), and the TSS.
 */
static void setup_host_state(void)
{
	u64 value;

	vmcs_writel(VMCS_HOST_CR0, read_cr0());
	vmcs_write16(VMCS_HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(VMCS_HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(VMCS_HOST_DS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_ES_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_writel(VMCS_HOST_RIP, (unsigned long)jvmm_vmx_exit);

	rdmsrq(MSR_IA32_SYSENTER_CS, value);
	vmcs_write32(VMCS_HOST_SYSENTER_CS, value);
	rdmsrq(MSR_IA32_SYSENTER_EIP, value);
	vmcs_writel(VMCS_HOST_SYSENTER_EIP, value);

	rdmsrq(MSR_EFER, value);
	vmcs_write64(VMCS_HOST_IA32_EFER, value);
	if (jvmm_caps.vmcs.exit & VMX_EXIT_CTL_LOAD_IA32_PAT) {
		rdmsrq(MSR_IA32_CR_PAT, value);
		vmcs_write64(VMCS_HOST_IA32_PAT, value);
	}
}

/* Reset access rights: present; code execute/read, data read/write, both accessed. */
#define AR_RESET_CODE	(VMX_AR_P | VMX_AR_S | 0xbu)
#define AR_RESET_DATA	(VMX_AR_P | VMX_AR_S | 0x3u)
#define AR_RESET_LDT	(VMX_AR_P | 0x2u)
/* A busy 32-bit TSS, as KVM resets it; real hardware says 16-bit, both are valid. */
#define AR_RESET_TR	(VMX_AR_P | VMX_AR_TYPE_BUSY_TSS_64)

#define RESET_SEGMENT_LIMIT	0xffff
#define RESET_CS_SELECTOR	0xf000
#define RESET_CS_BASE		0xffff0000ul
#define RESET_RIP		0xfff0
#define RESET_EDX_SIGNATURE	0x600
#define RFLAGS_RESERVED_ONE	BIT(1)
#define PAT_POWER_ON_VALUE	0x0007040600070406ull

/*
 * The state of a CPU after RESET (SDM Vol. 3, "Initialization of the
 * Processor", Table "IA-32 and Intel 64 Processor States Following
 * Power-up, Reset, or INIT"), which is also where KVM starts a vCPU.
 */
static void setup_guest_state(struct jvmm_vcpu *vcpu)
{
	static const u32 data_segments[][4] = {
		{ VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR },
		{ VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR },
		{ VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR },
		{ VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR },
		{ VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR },
	};
	unsigned int i;

	vmcs_write16(VMCS_GUEST_CS_SELECTOR, RESET_CS_SELECTOR);
	vmcs_writel(VMCS_GUEST_CS_BASE, RESET_CS_BASE);
	vmcs_write32(VMCS_GUEST_CS_LIMIT, RESET_SEGMENT_LIMIT);
	vmcs_write32(VMCS_GUEST_CS_AR, AR_RESET_CODE);
	for (i = 0; i < ARRAY_SIZE(data_segments); i++) {
		__vmcs_write(data_segments[i][0], 0);
		__vmcs_write(data_segments[i][1], 0);
		__vmcs_write(data_segments[i][2], RESET_SEGMENT_LIMIT);
		__vmcs_write(data_segments[i][3], AR_RESET_DATA);
	}
	vmcs_write16(VMCS_GUEST_LDTR_SELECTOR, 0);
	vmcs_writel(VMCS_GUEST_LDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_LDTR_LIMIT, RESET_SEGMENT_LIMIT);
	vmcs_write32(VMCS_GUEST_LDTR_AR, AR_RESET_LDT);
	vmcs_write16(VMCS_GUEST_TR_SELECTOR, 0);
	vmcs_writel(VMCS_GUEST_TR_BASE, 0);
	vmcs_write32(VMCS_GUEST_TR_LIMIT, RESET_SEGMENT_LIMIT);
	vmcs_write32(VMCS_GUEST_TR_AR, AR_RESET_TR);
	vmcs_writel(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, RESET_SEGMENT_LIMIT);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, RESET_SEGMENT_LIMIT);

	vmcs_writel(VMCS_GUEST_RIP, RESET_RIP);
	/* EDX holds the processor signature after reset; KVM's default is family 6. */
	vcpu->regs.gpr[JVMM_RDX] = RESET_EDX_SIGNATURE;
	vmcs_writel(VMCS_GUEST_RSP, 0);
	vmcs_writel(VMCS_GUEST_RFLAGS, RFLAGS_RESERVED_ONE);
	vmcs_writel(VMCS_GUEST_DR7, DR7_RESET_VALUE);
	vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_writel(VMCS_GUEST_CR3, 0);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writel(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writel(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_writel(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	if (jvmm_caps.vmcs.entry & VMX_ENTRY_CTL_LOAD_IA32_PAT)
		vmcs_write64(VMCS_GUEST_IA32_PAT, PAT_POWER_ON_VALUE);

	/* CR0 = ET|CD|NW, CR4 = 0, EFER = 0: real mode. */
	jvmm_set_efer(vcpu, 0);
	jvmm_set_cr4(vcpu, 0);
	jvmm_set_cr0(vcpu, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
}

/*
 * A slice: the longest a VMX section runs the guest before the host gets
 * its CPU back, a millisecond of TSC time.  The VMX-preemption timer
 * bounds each entry by it, and run.c each section.  On hardware a host
 * interrupt would end the section anyway; an emulator that delivers no
 * external-interrupt exit while a nested guest runs with interrupts off
 * (Bochs 2.7) would otherwise let a guest keep its CPU from the host.
 */
#define SLICE_MS		1
#define SLICE_KHZ_UNKNOWN	1000000		/* 1 GHz, if the TSC rate is not known */

u64 jvmm_slice_tsc(void)
{
	return (u64)(tsc_khz ?: SLICE_KHZ_UNKNOWN) * SLICE_MS;
}

static u32 slice_ticks(void)
{
	return min_t(u64, jvmm_slice_tsc() >> jvmm_caps.preemption_timer_rate, U32_MAX);
}

/*
 * Give a new vCPU's VMCS its controls, host state and reset guest state,
 * in its first VMX section.
 */
void jvmm_vmcs_setup(struct jvmm_vcpu *vcpu)
{
	const struct jvmm_vmcs_config *cfg = &jvmm_caps.vmcs;

	vmcs_write32(VMCS_PIN_BASED_CONTROLS, cfg->pin);
	if (jvmm_has_preemption_timer())
		vmcs_write32(VMCS_PREEMPTION_TIMER_VALUE, slice_ticks());
	vmcs_write32(VMCS_PROC_BASED_CONTROLS, cfg->proc);
	vmcs_write32(VMCS_PROC_BASED_CONTROLS2, vcpu->proc2);
	vcpu->vmcs_proc2 = vcpu->proc2;
	vmcs_write32(VMCS_EXIT_CONTROLS, cfg->exit);
	vmcs_write32(VMCS_ENTRY_CONTROLS, cfg->entry);

	/*
	 * The guest handles its own exceptions (a triple fault still exits),
	 * except machine checks: those are the host's (exits.c).
	 */
	vmcs_write32(VMCS_EXCEPTION_BITMAP, BIT(X86_TRAP_MC));
	vmcs_write32(VMCS_PAGE_FAULT_ERROR_MASK, 0);
	vmcs_write32(VMCS_PAGE_FAULT_ERROR_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO, 0);
	vmcs_write64(VMCS_TSC_OFFSET, 0);
	vmcs_write64(VMCS_MSR_BITMAP, jvmm_msr_bitmap_pa());
	vmcs_write64(VMCS_EPT_POINTER, vcpu->vm->ept.eptp);
	if (vcpu->vpid)
		vmcs_write16(VMCS_VPID, vcpu->vpid);
	/* No shadow VMCS: the link pointer must be all ones. */
	vmcs_write64(VMCS_LINK_POINTER, ~0ull);

	setup_host_state();
	vmcs_writel(VMCS_HOST_CR3, vcpu->vmcs_host_cr3);
	vmcs_writel(VMCS_HOST_CR4, vcpu->vmcs_host_cr4);
	setup_guest_state(vcpu);
}
