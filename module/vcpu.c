// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - vCPUs: the vCPU file descriptor and the run loop that enters
 * the guest and dispatches its exits.  Register state is in vcpu_regs.c.
 *
 * KVM_RUN loops in the kernel for as long as exits can be handled here
 * (CPUID, CR and MSR accesses, first touches of guest RAM) and returns to
 * userspace with an exit reason in the mmap'd kvm_run page otherwise.  It
 * also returns, with -EINTR and KVM_EXIT_INTR, as soon as a signal is
 * pending: the guest may spin forever, but a host timer interrupt always
 * ends its slice, so Ctrl-C always works.
 *
 * An exit that userspace completes (port or MMIO input, a hypercall's
 * return value) leaves RIP on the instruction; the next KVM_RUN writes the
 * result and steps over it, which is what KVM does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/special_insns.h>

#include "jvmm.h"
#include "stats.h"
#include "trace.h"
#include "vmcs.h"

#define APIC_BASE_DEFAULT	0xfee00000ull
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_BSP		BIT_ULL(8)

/* Interruptibility state, SDM Vol. 3, "Guest Non-Register State". */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
/* VM-entry interruption information, SDM Vol. 3, "VM-Entry Controls for Event Injection". */
#define INTR_INFO_VALID			BIT(31)
#define INTR_INFO_DELIVER_ERROR		BIT(11)
#define INTR_TYPE_MASK			(7u << 8)
#define INTR_TYPE_EXTERNAL		(0u << 8)
#define INTR_TYPE_NMI			(2u << 8)
#define INTR_TYPE_HARD_EXCEPTION	(3u << 8)

static DEFINE_IDA(vpid_ida);

static inline struct jvmm_vcpu *preempt_notifier_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct jvmm_vcpu, preempt_notifier);
}

static void jvmm_sched_in(struct preempt_notifier *pn, int cpu)
{
	jvmm_vmcs_load(preempt_notifier_to_vcpu(pn), cpu);
}

/*
 * Nothing to do when the thread is switched out: its VMCS stays active on
 * this CPU (several may be), and jvmm_sched_in() moves it only if the
 * thread comes back elsewhere.
 */
static void jvmm_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
}

static struct preempt_ops jvmm_preempt_ops = {
	.sched_in = jvmm_sched_in,
	.sched_out = jvmm_sched_out,
};

/*
 * Make the VMCS current on this CPU and keep it so while the thread runs:
 * from here to vcpu_put() the preempt notifier reloads it wherever the
 * scheduler puts us.
 */
static void vcpu_load(struct jvmm_vcpu *vcpu)
{
	int cpu = get_cpu();

	jvmm_vmcs_load(vcpu, cpu);
	preempt_notifier_register(&vcpu->preempt_notifier);
	put_cpu();
}

static void vcpu_put(struct jvmm_vcpu *vcpu)
{
	preempt_disable();
	preempt_notifier_unregister(&vcpu->preempt_notifier);
	preempt_enable();
}

unsigned long jvmm_vcpu_rsp(struct jvmm_vcpu *vcpu)
{
	return vmcs_readl(VMCS_GUEST_RSP);
}

/* Step over the instruction that caused the current exit. */
void jvmm_vcpu_skip_instruction(struct jvmm_vcpu *vcpu)
{
	unsigned long rip = vmcs_readl(VMCS_GUEST_RIP) + vcpu->exit_instruction_length;
	u32 interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	/* Outside 64-bit mode, RIP wraps at 32 bits. */
	if (!(vmcs_read32(VMCS_GUEST_CS_AR) & VMX_AR_L))
		rip = (u32)rip;
	vmcs_writel(VMCS_GUEST_RIP, rip);
	/* An instruction completed: STI and MOV SS blocking end with it. */
	if (interruptibility & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, interruptibility &
			     ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

void jvmm_vcpu_inject_exception(struct jvmm_vcpu *vcpu, u8 vector,
				bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID;

	/* Real mode delivers no error codes (SDM Vol. 3, "Event Injection"). */
	if (has_error && (vcpu->cr0 & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_ERROR;
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO, info);
}

/* CPL is the DPL of SS (SDM Vol. 3, "Guest Register State"). */
unsigned int jvmm_vcpu_cpl(struct jvmm_vcpu *vcpu)
{
	if (!(vcpu->cr0 & X86_CR0_PE))
		return 0;
	return (vmcs_read32(VMCS_GUEST_SS_AR) & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT;
}

/*
 * Stop the VM for good with KVM_EXIT_INTERNAL_ERROR: @suberror and up to
 * KVM's 16 data words say what happened (the first reason wins).
 */
int jvmm_vcpu_internal_error(struct jvmm_vcpu *vcpu, u32 suberror, int ndata, ...)
{
	struct kvm_run *run = vcpu->run;
	va_list ap;
	int i;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = min_t(int, ndata, ARRAY_SIZE(run->internal.data));
	va_start(ap, ndata);
	for (i = 0; i < run->internal.ndata; i++)
		run->internal.data[i] = va_arg(ap, u64);
	va_end(ap);
	vcpu->stopped = true;
	return 0;
}

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
	return 0;
}

/*
 * NMI exiting turned an NMI meant for the host into this exit; hand it to
 * the host's NMI handler through its IDT vector before interrupts come
 * back on, as older KVM did.
 */
static void forward_nmi(void)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTERRUPTION_INFO);

	if ((info & INTR_INFO_VALID) && (info & INTR_TYPE_MASK) == INTR_TYPE_NMI)
		asm volatile("int $2");
}

/*
 * Segment selectors a 64-bit user thread may hold that the VM exit does
 * not restore (it loads the null selectors of the host-state area).
 */
struct host_selectors {
	u16 ds, es, fs, gs;
	unsigned long fs_base, kernel_gs_base;
};

static void save_host_selectors(struct host_selectors *s)
{
	savesegment(ds, s->ds);
	savesegment(es, s->es);
	savesegment(fs, s->fs);
	savesegment(gs, s->gs);
	if (s->fs)
		rdmsrl(MSR_FS_BASE, s->fs_base);
	if (s->gs)
		rdmsrl(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
}

static void restore_host_selectors(const struct host_selectors *s)
{
	if (unlikely(s->ds | s->es)) {
		loadsegment(ds, s->ds);
		loadsegment(es, s->es);
	}
	if (unlikely(s->fs)) {
		loadsegment(fs, s->fs);
		wrmsrl(MSR_FS_BASE, s->fs_base);
	}
	if (unlikely(s->gs)) {
		load_gs_index(s->gs);
		wrmsrl(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
	}
}

/*
 * Enter the guest once and handle the exit.  Returns 1 to enter again,
 * 0 to return to userspace (kvm_run says why), or a negative errno.
 */
static int enter_guest(struct jvmm_vcpu *vcpu)
{
	struct host_selectors sel;
	u64 host_debugctl;
	int failed;

	prepare_interrupts(vcpu);

	preempt_disable();
	local_irq_disable();
	if (signal_pending(current)) {
		local_irq_enable();
		preempt_enable();
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	if (need_resched()) {
		local_irq_enable();
		preempt_enable();
		return 1;	/* the loop reschedules */
	}
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	jvmm_vmcs_update_host_state();
	save_host_selectors(&sel);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, host_debugctl);
	jvmm_msr_switch_to_guest(vcpu);
	if (native_read_cr2() != vcpu->cr2)
		native_write_cr2(vcpu->cr2);

	trace_jvmm_entry(vcpu->vm->id, vcpu->id);
	failed = jvmm_vmx_enter(&vcpu->regs, vcpu->launched);

	vcpu->cr2 = native_read_cr2();
	restore_host_selectors(&sel);
	/* A VM exit sets DR7 to 0x400 and clears IA32_DEBUGCTL (SDM Vol. 3, "Loading Host Control Registers, Debug Registers, MSRs"). */
	if (host_debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, host_debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	jvmm_msr_switch_to_host(vcpu);
	/* The exit left TR's limit at 0x67 and GDTR's at 0xffff (SDM Vol. 3, "Loading Host Segment and Descriptor-Table Registers"). */
	invalidate_tss_limit();
	load_fixmap_gdt(raw_smp_processor_id());

	if (!failed) {
		vcpu->launched = true;
		vcpu->exit_reason = vmcs_read32(VMCS_EXIT_REASON);
		if (vcpu->exit_reason == VMX_EXIT_EXCEPTION_NMI)
			forward_nmi();
	}
	local_irq_enable();	/* an interrupt that caused the exit is taken here */
	preempt_enable();

	if (failed)
		return entry_instruction_failed(vcpu);
	return jvmm_handle_exit(vcpu);
}

/* Finish what userspace was asked to do at the last exit. */
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

static int vcpu_run(struct jvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	if (vcpu->stopped) {
		pr_warn_ratelimited("vm%u vcpu%u: KVM_RUN after an internal error; the vCPU stays stopped\n",
				    vcpu->vm->id, vcpu->id);
		return -EIO;
	}

	vcpu_load(vcpu);
	complete_user_exit(vcpu);
	/*
	 * As KVM: the last exit is completed first, then immediate_exit
	 * returns at once, leaving exit_reason as it was.
	 */
	if (READ_ONCE(run->immediate_exit)) {
		vcpu_put(vcpu);
		return -EINTR;
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	for (;;) {
		ret = enter_guest(vcpu);
		if (ret <= 0)
			break;
		if (run->request_interrupt_window && vcpu->irq < 0 &&
		    interrupt_window_open(vcpu)) {
			run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
			ret = 0;
			break;
		}
		cond_resched();
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);

	run->if_flag = !!(vmcs_readl(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = vcpu->irq < 0 &&
					     interrupt_window_open(vcpu);
	run->cr8 = vcpu->cr8;
	run->apic_base = vcpu->apic_base;
	if (!ret)
		vcpu->vm->stats.exits_to_user++;
	vcpu_put(vcpu);
	return ret;
}

static long vcpu_ioctl(struct jvmm_vcpu *vcpu, unsigned int ioctl, void __user *argp)
{
	struct kvm_interrupt irq;
	long ret;

	switch (ioctl) {
	case KVM_RUN:
		return argp ? -EINVAL : vcpu_run(vcpu);
	case KVM_INTERRUPT:
		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		if (irq.irq >= KVM_NR_INTERRUPTS)
			return -EINVAL;
		/* As KVM without an in-kernel irqchip: the last one wins. */
		vcpu->irq = irq.irq;
		return 0;
	default:
		vcpu_load(vcpu);
		ret = jvmm_vcpu_state_ioctl(vcpu, ioctl, argp);
		vcpu_put(vcpu);
		return ret;
	}
}

static long jvmm_vcpu_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct jvmm_vcpu *vcpu = filp->private_data;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	ret = vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static vm_fault_t jvmm_vcpu_fault(struct vm_fault *vmf)
{
	struct jvmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == PIO_DATA_OFFSET / PAGE_SIZE)
		page = virt_to_page(vcpu->pio_data);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct jvmm_vcpu_vm_ops = {
	.fault = jvmm_vcpu_fault,
};

static int jvmm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &jvmm_vcpu_vm_ops;
	return 0;
}

static int jvmm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct jvmm_vcpu *vcpu = filp->private_data;

	jvmm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations jvmm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= jvmm_vcpu_release,
	.unlocked_ioctl	= jvmm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= jvmm_vcpu_mmap,
	.llseek		= noop_llseek,
};

/* Freed with its VM, never earlier: the VM's fd may outlive the vCPU's. */
void jvmm_vcpu_free(struct jvmm_vcpu *vcpu)
{
	jvmm_vmcs_clear(vcpu);
	jvmm_vmcs_free(vcpu->vmcs);
	fpu_free_guest_fpstate(&vcpu->fpu);
	if (vcpu->vpid)
		ida_free(&vpid_ida, vcpu->vpid);
	kvfree(vcpu->cpuid);
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->pio_data);
	kfree(vcpu);
	jvmm_stats_object_freed(JVMM_OBJ_VCPU);
}

/* KVM_CREATE_VCPU */
int jvmm_vcpu_create(struct jvmm_vm *vm, unsigned long id)
{
	struct jvmm_vcpu *vcpu;
	int ret, cpu;

	if (id >= JVMM_MAX_VCPUS)
		return -EINVAL;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	jvmm_stats_object_allocated(JVMM_OBJ_VCPU);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	vcpu->irq = -1;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	vcpu->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
			  (id == 0 ? APIC_BASE_BSP : 0);
	mutex_init(&vcpu->mutex);
	INIT_LIST_HEAD(&vcpu->loaded_link);
	preempt_notifier_init(&vcpu->preempt_notifier, &jvmm_preempt_ops);

	ret = -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->vmcs = jvmm_vmcs_alloc();
	if (!vcpu->run || !vcpu->pio_data || !vcpu->vmcs ||
	    !fpu_alloc_guest_fpstate(&vcpu->fpu))
		goto err_free;
	if (jvmm_has_vpid()) {
		ret = ida_alloc_range(&vpid_ida, 1, U16_MAX, GFP_KERNEL);
		if (ret < 0)
			goto err_free;
		vcpu->vpid = ret;
	}

	cpu = get_cpu();
	jvmm_vmcs_load(vcpu, cpu);
	jvmm_vmcs_setup(vcpu);
	put_cpu();

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus >= JVMM_MAX_VCPUS) {
		ret = -EINVAL;
		goto err_unlock;
	}
	for (cpu = 0; cpu < vm->nr_vcpus; cpu++) {
		if (vm->vcpus[cpu]->id == id) {
			ret = -EEXIST;
			goto err_unlock;
		}
	}
	refcount_inc(&vm->refs);
	ret = anon_inode_getfd("jvmm-vcpu", &jvmm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		refcount_dec(&vm->refs);
		goto err_unlock;
	}
	vm->vcpus[vm->nr_vcpus++] = vcpu;
	mutex_unlock(&vm->lock);
	return ret;

err_unlock:
	mutex_unlock(&vm->lock);
err_free:
	if (vcpu->vmcs) {
		jvmm_vmcs_clear(vcpu);
		jvmm_vmcs_free(vcpu->vmcs);
	}
	if (vcpu->fpu.fpstate)
		fpu_free_guest_fpstate(&vcpu->fpu);
	if (vcpu->vpid)
		ida_free(&vpid_ida, vcpu->vpid);
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->pio_data);
	kfree(vcpu);
	jvmm_stats_object_freed(JVMM_OBJ_VCPU);
	return ret;
}
