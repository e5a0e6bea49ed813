// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - KVM_RUN: the run loop, and the world switch around entry.S.
 *
 * KVM_RUN works in VMX sections (vmcs.c): interrupts off, this CPU in VMX
 * operation, the vCPU's VMCS current.  Within one section the guest is
 * entered again and again for as long as its exits can be handled
 * without sleeping and without interrupts (CPUID, CR, MSR and XSETBV
 * accesses, MMIO decoding).  The section ends to return to userspace, to
 * let in the host interrupt or NMI that caused an exit, to reschedule,
 * or for work that may sleep (pinning a page the guest touched first).
 * The order of every step is written down in Documentation/design.md,
 * "The world switch"; the code below follows it.
 *
 * A signal pending at any entry ends KVM_RUN with -EINTR and
 * KVM_EXIT_INTR: the guest may spin forever, but a host timer interrupt
 * always ends its slice, so Ctrl-C always works.  An exit that userspace
 * completes (port or MMIO input, a hypercall's return value) leaves RIP
 * on the instruction; the next KVM_RUN writes the result and steps over
 * it, which is what KVM does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fsgsbase.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>
#include <asm/irq_vectors.h>

#include "compat.h"
#include "jvmm.h"
#include "stats.h"
#include "trace.h"
#include "vmcs.h"

/* Interruptibility state, SDM Vol. 3, "Guest Non-Register State". */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
/* VM-entry interruption information, SDM Vol. 3, "VM-Entry Controls for Event Injection". */
#define INTR_INFO_VALID			BIT(31)
#define INTR_TYPE_EXTERNAL		(0u << 8)

static bool interrupt_window_open(struct jvmm_vcpu *vcpu)
{
	return (vmcs_readl(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/*
 * The userspace-PIC model of KVM without an in-kernel irqchip: a vector
 * queued by KVM_INTERRUPT is injected as soon as the guest can take it;
 * until then, and while userspace asks for the window, the CPU exits when
 * it opens.
 */
static void prepare_interrupts(struct jvmm_vcpu *vcpu)
{
	bool want_window = false;

	if (vmcs_read32(VMCS_ENTRY_INTERRUPTION_INFO) & INTR_INFO_VALID)
		want_window = vcpu->irq >= 0;	/* an exception goes first */
	else if (vcpu->irq >= 0 && interrupt_window_open(vcpu)) {
		vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO,
			     vcpu->irq | INTR_TYPE_EXTERNAL | INTR_INFO_VALID);
		vcpu->irq = -1;
	} else {
		want_window = vcpu->irq >= 0 || vcpu->run->request_interrupt_window;
	}
	if (want_window)
		vmcs_set_bits32(VMCS_PROC_BASED_CONTROLS,
				VMX_PROC_INTERRUPT_WINDOW_EXITING);
}

static const char * const vm_instruction_errors[] = {
	[1] = "VMCALL in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[5] = "VMLAUNCH with non-clear VMCS",
	[6] = "VMRESUME with non-launched VMCS",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
};

/* VMLAUNCH/VMRESUME failed without entering: jvmm's own VMCS is wrong. */
static int entry_instruction_failed(struct jvmm_vcpu *vcpu)
{
	u32 error = vmcs_read32(VMCS_VM_INSTRUCTION_ERROR);
	const char *name = error < ARRAY_SIZE(vm_instruction_errors) &&
			   vm_instruction_errors[error] ?
			   vm_instruction_errors[error] : "unknown";

	pr_err_ratelimited("vm%u vcpu%u: %s failed: VM-instruction error %u (%s)\n",
			   vcpu->vm->id, vcpu->id,
			   vcpu->launched ? "VMRESUME" : "VMLAUNCH", error, name);
	vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_entry_failure_reason = error;
	vcpu->run->fail_entry.cpu = vcpu->cpu;
	return JVMM_EXIT_USER;
}

/*
 * Host state a VM exit does not give back, saved when a run section opens:
 * the data segment selectors a 64-bit user thread may hold (the exit
 * loads the null selectors of the host-state area), its FS base (the exit
 * loads the one in the VMCS, written here) and IA32_DEBUGCTL (the exit
 * clears it).
 */
static void save_host_state(struct jvmm_vcpu *vcpu)
{
	struct jvmm_host_state *h = &vcpu->host;
	unsigned long fs_base;

	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	fs_base = x86_fsbase_read_cpu();
	h->fs_base = fs_base;
	vmcs_writel(VMCS_HOST_FS_BASE, fs_base);
	rdmsrq(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

static void restore_host_state(struct jvmm_vcpu *vcpu)
{
	const struct jvmm_host_state *h = &vcpu->host;

	if (unlikely(h->ds | h->es)) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	if (unlikely(h->fs)) {
		loadsegment(fs, h->fs);
		wrmsrq(MSR_FS_BASE, h->fs_base);
	}
	if (unlikely(h->gs)) {
		/* Loading GS from the GDT/LDT replaced the user's inactive base. */
		load_gs_index(h->gs);
		wrmsrq(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	}
}

/* Start a run section: see Documentation/design.md, "The world switch". */
static int run_section_open(struct jvmm_vcpu *vcpu)
{
	int ret = jvmm_vcpu_section_open(vcpu);

	if (ret)
		return ret;
	save_host_state(vcpu);
	jvmm_msr_switch_to_guest(vcpu);
	jvmm_debugreg_section_open(vcpu);
	return 0;
}

static void run_section_close(struct jvmm_vcpu *vcpu)
{
	jvmm_fpu_put(&vcpu->fpu);
	jvmm_debugreg_section_close(vcpu);
	jvmm_msr_switch_to_host(vcpu);
	restore_host_state(vcpu);
	/*
	 * The exits left TR's limit at 0x67 and GDTR's at 0xffff (SDM Vol. 3,
	 * "Loading Host Segment and Descriptor-Table Registers").
	 */
	invalidate_tss_limit();
	load_fixmap_gdt(raw_smp_processor_id());
	jvmm_vcpu_section_close(vcpu);
	/*
	 * NMI exiting turned an NMI meant for the host into an exit, the
	 * exception bitmap a machine check: hand it to the host's handler
	 * through its IDT vector, out of VMX operation (so that a crash or
	 * reboot NMI finds the CPU as the kernel left it) and before
	 * interrupts come back on.  FRED kernels, where this is wrong, are
	 * refused at load (caps.c).
	 */
	if (unlikely(vcpu->forward)) {
		if (vcpu->forward == JVMM_FORWARD_NMI)
			asm volatile("int $" __stringify(NMI_VECTOR));
		else
			asm volatile("int $" __stringify(X86_TRAP_MC));
		vcpu->forward = JVMM_FORWARD_NONE;
	}
	local_irq_enable();	/* an interrupt that caused an exit is taken here */
}

/*
 * Enter the guest once, in a run section, and handle the exit.  Returns a
 * jvmm_exit_action or a negative errno.
 */
static int enter_guest(struct jvmm_vcpu *vcpu)
{
	unsigned long flags;
	u64 host_spec_ctrl = 0;
	int failed;

	if (!vcpu->fpu.loaded)
		jvmm_fpu_load(&vcpu->fpu, vcpu->cr4 & X86_CR4_OSXSAVE);
	prepare_interrupts(vcpu);
	jvmm_debugreg_before_entry(vcpu);
	if (native_read_cr2() != vcpu->cr2)
		native_write_cr2(vcpu->cr2);

	trace_jvmm_entry(vcpu->vm->id, vcpu->id);
	flags = jvmm_spec_before_entry(vcpu, &host_spec_ctrl);
	if (vcpu->launched)
		flags |= JVMM_RUN_RESUME;
	failed = jvmm_vmx_enter(&vcpu->regs, flags, host_spec_ctrl);

	vcpu->cr2 = native_read_cr2();
	/*
	 * A VM exit clears IA32_DEBUGCTL and sets DR7 to 0x400 (SDM Vol. 3,
	 * "Loading Host Control Registers, Debug Registers, MSRs"): the
	 * host's come back (DR0-3 and DR6 with them: debugreg.c).
	 */
	if (vcpu->host.debugctl)
		wrmsrq(MSR_IA32_DEBUGCTLMSR, vcpu->host.debugctl);
	jvmm_debugreg_after_exit(vcpu);

	if (failed)
		return entry_instruction_failed(vcpu);
	vcpu->launched = true;
	vcpu->exit_reason = vmcs_read32(VMCS_EXIT_REASON);
	return jvmm_handle_exit(vcpu);
}

/*
 * Work an exit left for outside the VMX section, with interrupts on and
 * sleeping allowed.  The VMCS is not current: only vCPU fields are used.
 */
static int do_slow_work(struct jvmm_vcpu *vcpu)
{
	enum jvmm_slow_work work = vcpu->slow;
	int ret;

	vcpu->slow = JVMM_SLOW_NONE;
	if (work != JVMM_SLOW_MAP)
		return JVMM_EXIT_RESUME;
	ret = jvmm_ept_map_page(vcpu->vm, vcpu->slow_gpa, vcpu->slow_write);
	/*
	 * No slot there (any more): the instruction runs again and its exit
	 * says what that means now (MMIO, or a #GP for a PDPTE load).
	 */
	if (ret == -ENOENT)
		return JVMM_EXIT_RESUME;
	return ret ?: JVMM_EXIT_RESUME;
}

/* Finish what userspace was asked to do at the last exit.  In a section. */
static void complete_user_exit(struct jvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	unsigned long *rax = &vcpu->regs.gpr[JVMM_RAX];
	u64 data = 0;

	switch (vcpu->pending) {
	case JVMM_PENDING_NONE:
		return;
	case JVMM_PENDING_PIO_IN:
		/* The size is ours: userspace may have scribbled on run->io. */
		memcpy(&data, vcpu->pio_data, vcpu->pending_size);
		/* 32-bit results zero-extend into RAX; 8 and 16-bit merge. */
		if (vcpu->pending_size == 4)
			*rax = (u32)data;
		else if (vcpu->pending_size == 2)
			*rax = (*rax & ~0xffffUL) | (u16)data;
		else
			*rax = (*rax & ~0xffUL) | (u8)data;
		break;
	case JVMM_PENDING_MMIO_READ:
		memcpy(&data, run->mmio.data, vcpu->pending_size);
		if (vcpu->pending_high_byte)
			vcpu->regs.gpr[vcpu->pending_reg] =
				(vcpu->regs.gpr[vcpu->pending_reg] & ~0xff00UL) |
				((data & 0xff) << 8);
		else if (vcpu->pending_size == 4)
			vcpu->regs.gpr[vcpu->pending_reg] = (u32)data;
		else if (vcpu->pending_size == 8)
			vcpu->regs.gpr[vcpu->pending_reg] = data;
		else
			vcpu->regs.gpr[vcpu->pending_reg] =
				(vcpu->regs.gpr[vcpu->pending_reg] &
				 ~GENMASK_ULL(vcpu->pending_size * 8 - 1, 0)) | data;
		break;
	case JVMM_PENDING_HYPERCALL:
		*rax = run->hypercall.ret;
		break;
	case JVMM_PENDING_SKIP:
		break;
	}
	vcpu->pending = JVMM_PENDING_NONE;
	jvmm_vcpu_skip_instruction(vcpu);
}

/* Userspace asked to hear when the guest can take an interrupt: now? */
static bool window_exit(struct jvmm_vcpu *vcpu)
{
	if (!vcpu->run->request_interrupt_window || vcpu->irq >= 0 ||
	    !interrupt_window_open(vcpu))
		return false;
	vcpu->run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	return true;
}

/*
 * The entries until one goes to userspace or needs the section closed,
 * or the slice is over (vmcs.c): a guest whose exits all stay in the
 * kernel still lets pending host interrupts in every millisecond.
 */
static int run_in_section(struct jvmm_vcpu *vcpu)
{
	u64 end = rdtsc() + jvmm_slice_tsc();
	int ret;

	for (;;) {
		if (signal_pending(current)) {
			vcpu->run->exit_reason = KVM_EXIT_INTR;
			return -EINTR;
		}
		if (need_resched()) {
			vcpu->slow = JVMM_SLOW_NONE;
			return JVMM_EXIT_SLOW;
		}
		ret = enter_guest(vcpu);
		if (ret != JVMM_EXIT_RESUME)
			return ret;
		if (window_exit(vcpu))
			return JVMM_EXIT_USER;
		if (unlikely((s64)(rdtsc() - end) > 0)) {
			vcpu->slow = JVMM_SLOW_NONE;
			return JVMM_EXIT_SLOW;
		}
	}
}

/* KVM_RUN, with the vCPU's mutex held. */
int jvmm_vcpu_run(struct jvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	if (vcpu->stopped) {
		pr_warn_ratelimited("vm%u vcpu%u: KVM_RUN after an internal error; the vCPU stays stopped\n",
				    vcpu->vm->id, vcpu->id);
		return -EIO;
	}

	vcpu->ran_guest = false;
	ret = run_section_open(vcpu);
	if (ret)
		return ret;
	complete_user_exit(vcpu);
	/*
	 * As KVM: the last exit is completed first, then immediate_exit
	 * returns at once, leaving exit_reason as it was.
	 */
	if (READ_ONCE(run->JVMM_KVM_RUN_UNSAFE(immediate_exit))) {
		run_section_close(vcpu);
		return -EINTR;
	}
	for (;;) {
		ret = run_in_section(vcpu);
		if (ret != JVMM_EXIT_SLOW)
			break;
		run_section_close(vcpu);
		ret = do_slow_work(vcpu);
		if (ret < 0)
			goto out;
		cond_resched();
		ret = run_section_open(vcpu);
		if (ret)
			goto out;
		if (window_exit(vcpu)) {
			ret = JVMM_EXIT_USER;
			break;
		}
	}

	run->if_flag = !!(vmcs_readl(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = vcpu->irq < 0 &&
					     interrupt_window_open(vcpu);
	run->cr8 = vcpu->cr8;
	run->apic_base = vcpu->apic_base;
	run_section_close(vcpu);
	if (!ret)
		vcpu->vm->stats.exits_to_user++;
out:
	if (vcpu->ran_guest)
		jvmm_spec_return_to_user();
	return ret;
}
