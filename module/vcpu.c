// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - vCPUs: their objects, the vCPU file descriptor and its mmap'd
 * kvm_run page, and the helpers exit handlers share.  KVM_RUN is in
 * run.c, the register ioctls in vcpu_regs.c.
 *
 * A vCPU's VMCS is current on a CPU only inside a VMX section (vmcs.c),
 * so everything here that touches it runs in one, interrupts off.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/uaccess.h>
#include <uapi/asm/debugreg.h>

#include "jvmm.h"
#include "stats.h"
#include "vmcs.h"

#define APIC_BASE_DEFAULT	0xfee00000ull
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_BSP		BIT_ULL(8)
/* IA32_MISC_ENABLE as KVM resets it: no PEBS, no BTS. */
#define MISC_ENABLE_RESET	(MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL | MSR_IA32_MISC_ENABLE_BTS_UNAVAIL)

/* CPUID bits that decide what a guest may use, as on KVM. */
#define CPUID_1_ECX_PCID	BIT(17)
#define CPUID_1_ECX_X2APIC	BIT(21)
#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_7_EBX_FSGSBASE	BIT(0)
#define CPUID_7_EBX_SMEP	BIT(7)
#define CPUID_7_EBX_INVPCID	BIT(10)
#define CPUID_7_EBX_SMAP	BIT(20)
#define CPUID_7_ECX_UMIP	BIT(2)
#define CPUID_7_ECX_LA57	BIT(16)
#define CPUID_80000001_EDX_RDTSCP BIT(27)
#define CPUID_LEAF_EXT		0x80000000u

/* Interruptibility state, SDM Vol. 3, "Guest Non-Register State". */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
/* VM-entry interruption information, SDM Vol. 3, "VM-Entry Controls for Event Injection". */
#define INTR_INFO_VALID			BIT(31)
#define INTR_INFO_DELIVER_ERROR		BIT(11)
#define INTR_TYPE_HARD_EXCEPTION	(3u << 8)

static DEFINE_IDA(vpid_ida);

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

/*
 * What the guest may use follows what its CPUID offers it, as on KVM: at
 * creation (the host's leaves) and after KVM_SET_CPUID2.  INVPCID and
 * RDTSCP raise #UD without their bits (their VM-execution controls go
 * off), and the CR4 bits of absent features are a #GP (exit_cr.c).
 */
void jvmm_vcpu_cpuid_changed(struct jvmm_vcpu *vcpu)
{
	u32 max, eax, ebx7 = 0, ecx7 = 0, ecx1, edx1, edx81 = 0, unused;

	jvmm_guest_cpuid(vcpu, 0, 0, &max, &unused, &unused, &unused);
	jvmm_guest_cpuid(vcpu, 1, 0, &eax, &unused, &ecx1, &edx1);
	if (max >= 7)
		jvmm_guest_cpuid(vcpu, 7, 0, &eax, &ebx7, &ecx7, &unused);
	jvmm_guest_cpuid(vcpu, CPUID_LEAF_EXT, 0, &max, &unused, &unused, &unused);
	if (max >= CPUID_LEAF_EXT + 1)
		jvmm_guest_cpuid(vcpu, CPUID_LEAF_EXT + 1, 0, &eax, &unused, &unused, &edx81);

	vcpu->proc2 = jvmm_caps.vmcs.proc2;
	if (!(ebx7 & CPUID_7_EBX_INVPCID))
		vcpu->proc2 &= ~VMX_PROC2_ENABLE_INVPCID;
	if (!(edx81 & CPUID_80000001_EDX_RDTSCP))
		vcpu->proc2 &= ~VMX_PROC2_ENABLE_RDTSCP;
	vcpu->guest_x2apic = ecx1 & CPUID_1_ECX_X2APIC;
	vcpu->cr4_cpuid_bits = ~(X86_CR4_PCIDE | X86_CR4_OSXSAVE | X86_CR4_FSGSBASE |
				 X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP | X86_CR4_LA57);
	if (ecx1 & CPUID_1_ECX_PCID)
		vcpu->cr4_cpuid_bits |= X86_CR4_PCIDE;
	if (ecx1 & CPUID_1_ECX_XSAVE)
		vcpu->cr4_cpuid_bits |= X86_CR4_OSXSAVE;
	if (ebx7 & CPUID_7_EBX_FSGSBASE)
		vcpu->cr4_cpuid_bits |= X86_CR4_FSGSBASE;
	if (ebx7 & CPUID_7_EBX_SMEP)
		vcpu->cr4_cpuid_bits |= X86_CR4_SMEP;
	if (ebx7 & CPUID_7_EBX_SMAP)
		vcpu->cr4_cpuid_bits |= X86_CR4_SMAP;
	if (ecx7 & CPUID_7_ECX_UMIP)
		vcpu->cr4_cpuid_bits |= X86_CR4_UMIP;
	if (ecx7 & CPUID_7_ECX_LA57)
		vcpu->cr4_cpuid_bits |= X86_CR4_LA57;
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

static long vcpu_ioctl(struct jvmm_vcpu *vcpu, unsigned int ioctl, void __user *argp)
{
	struct kvm_interrupt irq;

	switch (ioctl) {
	case KVM_RUN:
		return argp ? -EINVAL : jvmm_vcpu_run(vcpu);
	case KVM_INTERRUPT:
		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		if (irq.irq >= KVM_NR_INTERRUPTS)
			return -EINVAL;
		/* As KVM without an in-kernel irqchip: the last one wins. */
		vcpu->irq = irq.irq;
		return 0;
	default:
		return jvmm_vcpu_state_ioctl(vcpu, ioctl, argp);
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
	/* Every section ended with VMCLEAR: the VMCS is active nowhere. */
	jvmm_vmcs_free(vcpu->vmcs);
	jvmm_fpu_free(&vcpu->fpu);
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
	int ret, i;

	if (id >= JVMM_MAX_VCPUS)
		return -EINVAL;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	jvmm_stats_object_allocated(JVMM_OBJ_VCPU);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	vcpu->last_cpu = -1;
	vcpu->vmcs_fresh = true;
	vcpu->irq = -1;
	vcpu->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
			  (id == 0 ? APIC_BASE_BSP : 0);
	vcpu->misc_enable = MISC_ENABLE_RESET;
	vcpu->dr[6] = DR6_RESERVED;
	vcpu->proc2 = jvmm_caps.vmcs.proc2;
	vcpu->vmcs_proc2 = jvmm_caps.vmcs.proc2;
	mutex_init(&vcpu->mutex);

	ret = -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->vmcs = jvmm_vmcs_alloc();
	if (!vcpu->run || !vcpu->pio_data || !vcpu->vmcs ||
	    jvmm_fpu_alloc(&vcpu->fpu))
		goto err_free;
	if (jvmm_has_vpid()) {
		ret = ida_alloc_range(&vpid_ida, 1, U16_MAX, GFP_KERNEL);
		if (ret < 0)
			goto err_free;
		vcpu->vpid = ret;
	}

	ret = jvmm_vcpu_section_open(vcpu);
	if (ret)
		goto err_free;
	jvmm_vmcs_setup(vcpu);
	jvmm_vcpu_section_close(vcpu);
	local_irq_enable();
	jvmm_vcpu_cpuid_changed(vcpu);

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus >= JVMM_MAX_VCPUS) {
		ret = -EINVAL;
		goto err_unlock;
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i]->id == id) {
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
	jvmm_vmcs_free(vcpu->vmcs);
	jvmm_fpu_free(&vcpu->fpu);
	if (vcpu->vpid)
		ida_free(&vpid_ida, vcpu->vpid);
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->pio_data);
	kfree(vcpu);
	jvmm_stats_object_freed(JVMM_OBJ_VCPU);
	return ret;
}
