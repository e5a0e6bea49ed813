// SPDX-License-Identifier: GPL-2.0
/*
 * exits.c - what jvmm does with each VM exit: one table indexed by basic
 * exit reason (SDM Vol. 3, App. C "VMX Basic Exit Reasons"), and the
 * short handlers.  Control-register and MSR exits live in exit_cr.c and
 * exit_msr.c.
 *
 * Handlers run in the VMX section (run.c), with interrupts off: they may
 * not sleep.  A handler returns JVMM_EXIT_RESUME to re-enter the guest at
 * once, JVMM_EXIT_USER to return to userspace with kvm_run filled in,
 * JVMM_EXIT_SLOW to have the section closed first and vcpu->slow done
 * (the host interrupt or NMI behind the exit is taken then), or a
 * negative errno for KVM_RUN to fail with.  Exits we do not handle stop
 * the VM with KVM_EXIT_INTERNAL_ERROR naming the reason; nothing a guest
 * does can make jvmm loop, oops or warn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include <asm/fpu/xcr.h>

#include "../uapi/jvmm.h"
#include "compat.h"
#include "jvmm.h"
#include "stats.h"
#include "trace.h"
#include "vmcs.h"

/* Exception vectors, SDM Vol. 3, "Exception and Interrupt Vectors". */
#define VECTOR_UD		6
#define VECTOR_GP		13
#define VECTOR_MC		18

/* VM-exit interruption information, SDM Vol. 3, "Information for VM Exits Due to Vectored Events". */
#define EXIT_INTR_INFO_VECTOR_MASK	0xffu
#define EXIT_INTR_INFO_TYPE_MASK	(7u << 8)
#define EXIT_INTR_INFO_TYPE_NMI		(2u << 8)
#define EXIT_INTR_INFO_TYPE_HARD_EXCEPTION (3u << 8)

/* IDT-vectoring information, SDM Vol. 3, "Information for VM Exits That Occur During Event Delivery". */
#define VECTORING_VALID				BIT(31)
#define VECTORING_ERROR_VALID			BIT(11)
#define VECTORING_UNDEFINED_BIT			BIT(12)
#define VECTORING_TYPE_MASK			(7u << 8)
#define VECTORING_TYPE_SOFT_INTR		(4u << 8)
#define VECTORING_TYPE_PRIV_SOFT_EXCEPTION	(5u << 8)
#define VECTORING_TYPE_SOFT_EXCEPTION		(6u << 8)

/* I/O exit qualification, SDM Vol. 3, "Exit Qualification for I/O Instructions". */
#define IO_QUAL_SIZE_MASK	7u	/* size - 1 */
#define IO_QUAL_IN		BIT(3)
#define IO_QUAL_STRING		BIT(4)
#define IO_QUAL_PORT_SHIFT	16

/* EPT-violation exit qualification, SDM Vol. 3, "Exit Qualification for EPT Violations". */
#define EPT_QUAL_WRITE		BIT(1)

/* CPUID.01H:ECX bits the guest must not see. */
#define CPUID_1_ECX_MONITOR	BIT(3)
#define CPUID_1_ECX_SMX		BIT(6)
#define CPUID_1_ECX_OSXSAVE	BIT(27)
#define CPUID_1_EBX_APIC_ID_SHIFT 24

static int handle_triple_fault(struct jvmm_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

/* The interrupt is the host's: it is taken when the section ends. */
static int handle_external_interrupt(struct jvmm_vcpu *vcpu)
{
	vcpu->slow = JVMM_SLOW_NONE;
	return JVMM_EXIT_SLOW;
}

/*
 * With NMI exiting, an NMI meant for the host ends up here; so does a
 * machine check, which the exception bitmap intercepts because it is the
 * host's (its memory, its CPU) and never the guest's.  Either is handed
 * to the host's handler when the section ends (run.c), before interrupts
 * come back on.
 */
static int handle_exception_nmi(struct jvmm_vcpu *vcpu)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTERRUPTION_INFO);
	u32 type = info & EXIT_INTR_INFO_TYPE_MASK;

	if (type == EXIT_INTR_INFO_TYPE_NMI) {
		vcpu->forward = JVMM_FORWARD_NMI;
		vcpu->slow = JVMM_SLOW_NONE;
		return JVMM_EXIT_SLOW;
	}
	if (type == EXIT_INTR_INFO_TYPE_HARD_EXCEPTION &&
	    (info & EXIT_INTR_INFO_VECTOR_MASK) == VECTOR_MC) {
		vcpu->forward = JVMM_FORWARD_MCE;
		vcpu->slow = JVMM_SLOW_NONE;
		return JVMM_EXIT_SLOW;
	}
	/* Only #MC is in the exception bitmap: no other exception should exit. */
	return jvmm_vcpu_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
					2, (u64)vcpu->exit_reason, (u64)info);
}

/* The guest's slice is over (vmcs.c): the host gets its CPU back for a moment. */
static int handle_preemption_timer(struct jvmm_vcpu *vcpu)
{
	vcpu->slow = JVMM_SLOW_NONE;
	return JVMM_EXIT_SLOW;
}

static int handle_interrupt_window(struct jvmm_vcpu *vcpu)
{
	vmcs_clear_bits32(VMCS_PROC_BASED_CONTROLS,
			  VMX_PROC_INTERRUPT_WINDOW_EXITING);
	return 1;
}

static void write_cpuid_result(struct jvmm_vcpu *vcpu, u32 eax, u32 ebx,
			       u32 ecx, u32 edx)
{
	/* 32-bit register writes zero-extend, in 64-bit mode as elsewhere. */
	vcpu->regs.gpr[JVMM_RAX] = eax;
	vcpu->regs.gpr[JVMM_RBX] = ebx;
	vcpu->regs.gpr[JVMM_RCX] = ecx;
	vcpu->regs.gpr[JVMM_RDX] = edx;
}

static const struct kvm_cpuid_entry2 *find_cpuid(struct jvmm_vcpu *vcpu,
						 u32 function, u32 index)
{
	const struct kvm_cpuid_entry2 *e;
	unsigned int i;

	for (i = 0; i < vcpu->nr_cpuid; i++) {
		e = &vcpu->cpuid[i];
		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
}

/*
 * CPUID: what KVM_SET_CPUID2 said, else the host's own leaves.  Either
 * way VMX is hidden (jvmm does not nest), and so are MONITOR/MWAIT and
 * SMX, whose instructions raise #UD in the guest, and the state jvmm
 * does not switch (PKRU, AMX: xfeatures.c); OSXSAVE follows the guest's CR4
 * and the APIC id is the vCPU's, as on hardware.
 */
void jvmm_guest_cpuid(struct jvmm_vcpu *vcpu, u32 function, u32 index,
		      u32 *eax_out, u32 *ebx_out, u32 *ecx_out, u32 *edx_out)
{
	u32 eax = 0, ebx = 0, ecx = 0, edx = 0;
	const struct kvm_cpuid_entry2 *e;

	if (vcpu->cpuid) {
		e = find_cpuid(vcpu, function, index);
		if (e) {
			eax = e->eax;
			ebx = e->ebx;
			ecx = e->ecx;
			edx = e->edx;
		}
	} else {
		cpuid_count(function, index, &eax, &ebx, &ecx, &edx);
	}
	if (function == 1) {
		ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_MONITOR | CPUID_1_ECX_SMX |
			 CPUID_1_ECX_OSXSAVE);
		if (vcpu->cr4 & X86_CR4_OSXSAVE)
			ecx |= CPUID_1_ECX_OSXSAVE;
		if (!vcpu->cpuid)
			ebx = (ebx & ~GENMASK(31, CPUID_1_EBX_APIC_ID_SHIFT)) |
			      (vcpu->id << CPUID_1_EBX_APIC_ID_SHIFT);
	}
	jvmm_xfeatures_adjust_cpuid(vcpu->fpu.xcr0, function, index, &eax, &ebx, &ecx, &edx);
	jvmm_spec_adjust_cpuid(function, index, &eax, &ebx, &ecx, &edx);
	*eax_out = eax;
	*ebx_out = ebx;
	*ecx_out = ecx;
	*edx_out = edx;
}

static int handle_cpuid(struct jvmm_vcpu *vcpu)
{
	u32 eax, ebx, ecx, edx;

	jvmm_guest_cpuid(vcpu, vcpu->regs.gpr[JVMM_RAX], vcpu->regs.gpr[JVMM_RCX],
			 &eax, &ebx, &ecx, &edx);
	write_cpuid_result(vcpu, eax, ebx, ecx, edx);
	jvmm_vcpu_skip_instruction(vcpu);
	return 1;
}

/* KVM also steps over HLT before reporting it. */
static int handle_hlt(struct jvmm_vcpu *vcpu)
{
	jvmm_vcpu_skip_instruction(vcpu);
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

/*
 * VMCALL is jvmm's hypercall (Documentation/hypercalls.md): userspace
 * gets KVM_EXIT_HYPERCALL with the number and six arguments, from any
 * privilege level, and its answer goes to RAX when KVM_RUN resumes.
 */
static int handle_vmcall(struct jvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	const unsigned long *gpr = vcpu->regs.gpr;
	bool longmode = vmcs_read32(VMCS_GUEST_CS_AR) & VMX_AR_L;
	u64 flags;

	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = gpr[JVMM_RAX];
	run->hypercall.args[0] = gpr[JVMM_RBX];
	run->hypercall.args[1] = gpr[JVMM_RCX];
	run->hypercall.args[2] = gpr[JVMM_RDX];
	run->hypercall.args[3] = gpr[JVMM_RSI];
	run->hypercall.args[4] = gpr[JVMM_RDI];
	run->hypercall.args[5] = gpr[JVMM_R8];
	run->hypercall.ret = 0;
	flags = (longmode ? JVMM_HYPERCALL_FLAG_LONG_MODE : 0) |
		JVMM_HYPERCALL_FLAGS_CPL(jvmm_vcpu_cpl(vcpu));
	/* The word after ret: "longmode" and "pad" in older headers, "flags" in newer. */
	*(u64 *)(&run->hypercall.ret + 1) = flags;
	vcpu->pending = JVMM_PENDING_HYPERCALL;
	vcpu->vm->stats.hypercalls++;
	trace_jvmm_hypercall(vcpu->vm->id, vcpu->id, run->hypercall.nr,
			     jvmm_vcpu_cpl(vcpu));
	return 0;
}

/* jvmm does not nest: every VMX instruction raises #UD, as with VMX hidden from CPUID. */
static int handle_vmx_instruction(struct jvmm_vcpu *vcpu)
{
	jvmm_vcpu_inject_exception(vcpu, VECTOR_UD, false, 0);
	return 1;
}

static int handle_gp(struct jvmm_vcpu *vcpu)
{
	jvmm_vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
	return 1;
}

/*
 * INVD would drop the host's dirty cache lines, WBINVD (and WBNOINVD,
 * the same exit) write back and empty every cache of the host's CPU,
 * with no device of the guest's that needs it: do nothing, as KVM does
 * without non-coherent DMA.
 */
static int handle_nop(struct jvmm_vcpu *vcpu)
{
	jvmm_vcpu_skip_instruction(vcpu);
	return 1;
}

/*
 * Port I/O goes to userspace as KVM_EXIT_IO, with the data in the second
 * mmap'd page (run->io.data_offset).  String I/O (INS/OUTS) is not
 * emulated: it stops the VM with an internal error (Documentation/uapi.md).
 */
static int handle_io(struct jvmm_vcpu *vcpu)
{
	unsigned long qual = vcpu->exit_qualification;
	struct kvm_run *run = vcpu->run;
	unsigned int size = (qual & IO_QUAL_SIZE_MASK) + 1;
	u16 port = qual >> IO_QUAL_PORT_SHIFT;
	bool in = qual & IO_QUAL_IN;

	if (qual & IO_QUAL_STRING)
		return jvmm_vcpu_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, 3,
						(u64)vcpu->exit_reason, (u64)qual,
						(u64)vmcs_readl(VMCS_GUEST_RIP));
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = PIO_DATA_OFFSET;
	if (in) {
		vcpu->pending = JVMM_PENDING_PIO_IN;
		vcpu->pending_size = size;
	} else {
		memcpy(vcpu->pio_data, &vcpu->regs.gpr[JVMM_RAX], size);
		vcpu->pending = JVMM_PENDING_SKIP;
	}
	trace_jvmm_pio(vcpu->vm->id, vcpu->id, port, size, in,
		       in ? 0 : (u32)vcpu->regs.gpr[JVMM_RAX]);
	return 0;
}

/*
 * XSETBV always exits (SDM Vol. 3, "Instructions That Cause VM Exits
 * Unconditionally").  Accept what the architecture allows of the state
 * components jvmm switches (xfeatures.c); everything else is the #GP hardware
 * would raise.  The guest's state is loaded here, so its new XCR0 is too.
 */
static int handle_xsetbv(struct jvmm_vcpu *vcpu)
{
	u64 value = (u32)vcpu->regs.gpr[JVMM_RAX] |
		    ((u64)(u32)vcpu->regs.gpr[JVMM_RDX] << 32);

	if ((u32)vcpu->regs.gpr[JVMM_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    jvmm_vcpu_cpl(vcpu) || !(vcpu->cr4 & X86_CR4_OSXSAVE) ||
	    !jvmm_xcr0_valid(value))
		return handle_gp(vcpu);
	vcpu->fpu.xcr0 = value;
	jvmm_fpu_sync_xcr0(&vcpu->fpu, true);
	jvmm_vcpu_skip_instruction(vcpu);
	return JVMM_EXIT_RESUME;
}

/*
 * An EPT violation is the first touch of a RAM page (pin and map it
 * outside the section, where that may sleep, and retry the instruction)
 * or an access outside every slot (exit_mmio.c).
 */
static int handle_ept_violation(struct jvmm_vcpu *vcpu)
{
	u64 gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);

	if (!jvmm_vm_find_slot(vcpu->vm, gpa >> PAGE_SHIFT)) {
		/*
		 * Delivering an event touched MMIO (an IDT, a stack or a TSS
		 * there): nothing to emulate, and retrying would loop.  KVM
		 * stops the VM the same way, as an emulation failure.
		 */
		if (vmcs_read32(VMCS_IDT_VECTORING_INFO) & VECTORING_VALID)
			return jvmm_vcpu_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, 4,
							(u64)vmcs_read32(VMCS_IDT_VECTORING_INFO),
							(u64)vcpu->exit_reason,
							(u64)vcpu->exit_qualification, gpa);
		return jvmm_handle_mmio(vcpu, gpa);
	}
	vcpu->slow = JVMM_SLOW_MAP;
	vcpu->slow_gpa = gpa;
	vcpu->slow_write = vcpu->exit_qualification & EPT_QUAL_WRITE;
	return JVMM_EXIT_SLOW;
}

typedef int (*exit_handler_t)(struct jvmm_vcpu *vcpu);

static const exit_handler_t exit_handlers[] = {
	[VMX_EXIT_EXCEPTION_NMI]	= handle_exception_nmi,
	[VMX_EXIT_EXTERNAL_INTERRUPT]	= handle_external_interrupt,
	[VMX_EXIT_TRIPLE_FAULT]		= handle_triple_fault,
	[VMX_EXIT_INTERRUPT_WINDOW]	= handle_interrupt_window,
	[VMX_EXIT_CPUID]		= handle_cpuid,
	[VMX_EXIT_GETSEC]		= handle_vmx_instruction,
	[VMX_EXIT_HLT]			= handle_hlt,
	[VMX_EXIT_INVD]			= handle_nop,
	[VMX_EXIT_RDPMC]		= handle_gp,
	[VMX_EXIT_VMCALL]		= handle_vmcall,
	[VMX_EXIT_VMCLEAR]		= handle_vmx_instruction,
	[VMX_EXIT_VMLAUNCH]		= handle_vmx_instruction,
	[VMX_EXIT_VMPTRLD]		= handle_vmx_instruction,
	[VMX_EXIT_VMPTRST]		= handle_vmx_instruction,
	[VMX_EXIT_VMREAD]		= handle_vmx_instruction,
	[VMX_EXIT_VMRESUME]		= handle_vmx_instruction,
	[VMX_EXIT_VMWRITE]		= handle_vmx_instruction,
	[VMX_EXIT_VMXOFF]		= handle_vmx_instruction,
	[VMX_EXIT_VMXON]		= handle_vmx_instruction,
	[VMX_EXIT_CR_ACCESS]		= jvmm_handle_cr_access,
	[VMX_EXIT_DR_ACCESS]		= jvmm_handle_dr_access,
	[VMX_EXIT_IO_INSTRUCTION]	= handle_io,
	[VMX_EXIT_RDMSR]		= jvmm_handle_rdmsr,
	[VMX_EXIT_WRMSR]		= jvmm_handle_wrmsr,
	[VMX_EXIT_MWAIT]		= handle_vmx_instruction,
	[VMX_EXIT_MONITOR]		= handle_vmx_instruction,
	[VMX_EXIT_EPT_VIOLATION]	= handle_ept_violation,
	[VMX_EXIT_INVEPT]		= handle_vmx_instruction,
	[VMX_EXIT_INVVPID]		= handle_vmx_instruction,
	[VMX_EXIT_PREEMPTION_TIMER]	= handle_preemption_timer,
	[VMX_EXIT_WBINVD]		= handle_nop,
	[VMX_EXIT_XSETBV]		= handle_xsetbv,
	[VMX_EXIT_VMFUNC]		= handle_vmx_instruction,
};

/*
 * An exit in the middle of delivering an event (typically an EPT
 * violation on the first touch of the guest's IDT or stack) loses the
 * event unless we inject it again: the IDT-vectoring information says
 * which it was (SDM Vol. 3, "Information for VM Exits That Occur During
 * Event Delivery").  Software interrupts and exceptions also need the
 * instruction length to push the right return address.
 */
static void requeue_interrupted_event(struct jvmm_vcpu *vcpu)
{
	u32 info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	u32 type = info & VECTORING_TYPE_MASK;

	if (!(info & VECTORING_VALID))
		return;
	/*
	 * A real-mode guest's exception pushes no error code, and VM entry
	 * refuses one with CR0.PE clear (SDM Vol. 3, "Checks on VM-Entry
	 * Control Fields"), though the vectoring information may report it.
	 */
	if (!(vcpu->cr0 & X86_CR0_PE))
		info &= ~VECTORING_ERROR_VALID;
	if (info & VECTORING_ERROR_VALID)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(VMCS_IDT_VECTORING_ERROR));
	if (type == VECTORING_TYPE_SOFT_INTR || type == VECTORING_TYPE_PRIV_SOFT_EXCEPTION ||
	    type == VECTORING_TYPE_SOFT_EXCEPTION)
		vmcs_write32(VMCS_ENTRY_INSTRUCTION_LENGTH, vcpu->exit_instruction_length);
	/* Bit 12 is undefined here and reserved in the entry field. */
	vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO, info & ~VECTORING_UNDEFINED_BIT);
}

int jvmm_handle_exit(struct jvmm_vcpu *vcpu)
{
	u32 reason = vcpu->exit_reason;
	u32 basic = reason & VMX_EXIT_REASON_BASIC_MASK;
	exit_handler_t handler;

	vcpu->exit_qualification = vmcs_readl(VMCS_EXIT_QUALIFICATION);
	vcpu->exit_instruction_length = vmcs_read32(VMCS_EXIT_INSTRUCTION_LENGTH);
	trace_jvmm_exit(vcpu->vm->id, vcpu->id, reason, vmcs_readl(VMCS_GUEST_RIP),
			vcpu->exit_qualification);
	if (jvmm_trace_exits)
		pr_info_ratelimited("vm%u vcpu%u: exit %u rip 0x%lx qualification 0x%lx\n",
				    vcpu->vm->id, vcpu->id, reason,
				    vmcs_readl(VMCS_GUEST_RIP), vcpu->exit_qualification);

	/*
	 * A failed VM entry (invalid guest state, MSR loading, machine check)
	 * is reported with the full exit reason, as KVM reports it.  SDM
	 * Vol. 3, "VM-Entry Failures During or After Loading Guest State".
	 */
	if (reason & VMX_EXIT_REASON_ENTRY_FAILURE) {
		/* A machine check during VM entry is the host's, as in handle_exception_nmi(). */
		if (basic == VMX_EXIT_MACHINE_CHECK)
			vcpu->forward = JVMM_FORWARD_MCE;
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason = reason;
		vcpu->run->fail_entry.cpu = vcpu->cpu;
		return 0;
	}
	requeue_interrupted_event(vcpu);
	jvmm_stats_count_exit();
	if (basic <= VMX_EXIT_REASON_MAX)
		vcpu->vm->stats.exits[basic]++;
	if (basic >= ARRAY_SIZE(exit_handlers))
		goto unexpected;
	handler = exit_handlers[array_index_nospec(basic, ARRAY_SIZE(exit_handlers))];
	if (!handler)
		goto unexpected;
	return handler(vcpu);

unexpected:
	pr_warn_ratelimited("vm%u vcpu%u: unexpected VM exit %u; stopping the VM\n",
			    vcpu->vm->id, vcpu->id, reason);
	return jvmm_vcpu_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
					2, (u64)reason, (u64)vcpu->cpu);
}
