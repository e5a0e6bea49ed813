// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_regs.c - a vCPU's register state as KVM programs see it:
 * KVM_GET/SET_REGS, KVM_GET/SET_SREGS, KVM_GET/SET_MSRS, KVM_SET_CPUID2.
 *
 * General-purpose registers live in struct jvmm_guest_regs (entry.S
 * swaps them), RSP, RIP, RFLAGS and the segments in the VMCS, and CR0,
 * CR4, EFER as the guest believes them in the vCPU (exit_cr.c).  Results
 * match KVM's: the engine suite compares them on both.
 *
 * The VMCS can be used only in a VMX section (vmcs.c), where interrupts
 * are off and nothing may sleep: every ioctl copies from userspace
 * first, opens a section for the VMCS work, and copies back after.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "jvmm.h"
#include "vmcs.h"

#define MAX_MSR_ENTRIES		256	/* KVM's MAX_IO_MSRS */
#define MAX_CPUID_ENTRIES	256	/* KVM_MAX_CPUID_ENTRIES */

static void get_regs(struct jvmm_vcpu *vcpu, struct kvm_regs *regs)
{
	const unsigned long *gpr = vcpu->regs.gpr;

	regs->rax = gpr[JVMM_RAX];
	regs->rbx = gpr[JVMM_RBX];
	regs->rcx = gpr[JVMM_RCX];
	regs->rdx = gpr[JVMM_RDX];
	regs->rsi = gpr[JVMM_RSI];
	regs->rdi = gpr[JVMM_RDI];
	regs->rsp = vmcs_readl(VMCS_GUEST_RSP);
	regs->rbp = gpr[JVMM_RBP];
	regs->r8 = gpr[JVMM_R8];
	regs->r9 = gpr[JVMM_R9];
	regs->r10 = gpr[JVMM_R10];
	regs->r11 = gpr[JVMM_R11];
	regs->r12 = gpr[JVMM_R12];
	regs->r13 = gpr[JVMM_R13];
	regs->r14 = gpr[JVMM_R14];
	regs->r15 = gpr[JVMM_R15];
	regs->rip = vmcs_readl(VMCS_GUEST_RIP);
	regs->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
}

static void set_regs(struct jvmm_vcpu *vcpu, const struct kvm_regs *regs)
{
	unsigned long *gpr = vcpu->regs.gpr;

	gpr[JVMM_RAX] = regs->rax;
	gpr[JVMM_RBX] = regs->rbx;
	gpr[JVMM_RCX] = regs->rcx;
	gpr[JVMM_RDX] = regs->rdx;
	gpr[JVMM_RSI] = regs->rsi;
	gpr[JVMM_RDI] = regs->rdi;
	vmcs_writel(VMCS_GUEST_RSP, regs->rsp);
	gpr[JVMM_RBP] = regs->rbp;
	gpr[JVMM_R8] = regs->r8;
	gpr[JVMM_R9] = regs->r9;
	gpr[JVMM_R10] = regs->r10;
	gpr[JVMM_R11] = regs->r11;
	gpr[JVMM_R12] = regs->r12;
	gpr[JVMM_R13] = regs->r13;
	gpr[JVMM_R14] = regs->r14;
	gpr[JVMM_R15] = regs->r15;
	vmcs_writel(VMCS_GUEST_RIP, regs->rip);
	/* Bit 1 always reads as 1 (SDM Vol. 1, "EFLAGS Register"). */
	vmcs_writel(VMCS_GUEST_RFLAGS, regs->rflags | X86_EFLAGS_FIXED);
}

/* Where each segment register lives in the VMCS. */
struct segment_fields {
	u32 selector, base, limit, ar;
};

#define SEGMENT(name) { VMCS_GUEST_##name##_SELECTOR, VMCS_GUEST_##name##_BASE, \
			VMCS_GUEST_##name##_LIMIT, VMCS_GUEST_##name##_AR }

enum { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, SEG_TR, SEG_LDTR, SEG_NR };

static const struct segment_fields segments[SEG_NR] = {
	[SEG_CS] = SEGMENT(CS), [SEG_DS] = SEGMENT(DS), [SEG_ES] = SEGMENT(ES),
	[SEG_FS] = SEGMENT(FS), [SEG_GS] = SEGMENT(GS), [SEG_SS] = SEGMENT(SS),
	[SEG_TR] = SEGMENT(TR), [SEG_LDTR] = SEGMENT(LDTR),
};

static void get_segment(int seg, struct kvm_segment *var)
{
	const struct segment_fields *f = &segments[seg];
	u32 ar = __vmcs_read(f->ar);

	var->selector = __vmcs_read(f->selector);
	var->base = __vmcs_read(f->base);
	var->limit = __vmcs_read(f->limit);
	var->unusable = !!(ar & VMX_AR_UNUSABLE);
	var->type = ar & VMX_AR_TYPE_MASK;
	var->s = !!(ar & VMX_AR_S);
	var->dpl = (ar >> VMX_AR_DPL_SHIFT) & 3;
	/* A usable segment is present; report unusable ones as not present, as KVM does. */
	var->present = !var->unusable;
	var->avl = !!(ar & VMX_AR_AVL);
	var->l = !!(ar & VMX_AR_L);
	var->db = !!(ar & VMX_AR_DB);
	var->g = !!(ar & VMX_AR_G);
	var->padding = 0;
}

static void set_segment(int seg, const struct kvm_segment *var)
{
	const struct segment_fields *f = &segments[seg];
	u32 type = var->type;
	u32 ar;

	/* As KVM with unrestricted guest: code and data segments are marked accessed. */
	if (seg != SEG_LDTR)
		type |= VMX_AR_TYPE_ACCESSED;
	if (var->unusable || !var->present)
		ar = VMX_AR_UNUSABLE;
	else
		ar = (type & VMX_AR_TYPE_MASK) | (var->s ? VMX_AR_S : 0) |
		     ((var->dpl & 3) << VMX_AR_DPL_SHIFT) | VMX_AR_P |
		     (var->avl ? VMX_AR_AVL : 0) | (var->l ? VMX_AR_L : 0) |
		     (var->db ? VMX_AR_DB : 0) | (var->g ? VMX_AR_G : 0);
	__vmcs_write(f->selector, var->selector);
	__vmcs_write(f->base, var->base);
	__vmcs_write(f->limit, var->limit);
	__vmcs_write(f->ar, ar);
}

static void get_sregs(struct jvmm_vcpu *vcpu, struct kvm_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	get_segment(SEG_CS, &sregs->cs);
	get_segment(SEG_DS, &sregs->ds);
	get_segment(SEG_ES, &sregs->es);
	get_segment(SEG_FS, &sregs->fs);
	get_segment(SEG_GS, &sregs->gs);
	get_segment(SEG_SS, &sregs->ss);
	get_segment(SEG_TR, &sregs->tr);
	get_segment(SEG_LDTR, &sregs->ldt);
	sregs->gdt.base = vmcs_readl(VMCS_GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(VMCS_GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	/* TS belongs to the guest (exit_cr.c): the CPU holds its value. */
	sregs->cr0 = (vcpu->cr0 & ~X86_CR0_TS) |
		     (vmcs_readl(VMCS_GUEST_CR0) & X86_CR0_TS);
	sregs->cr2 = vcpu->cr2;
	sregs->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	sregs->cr4 = vcpu->cr4;
	sregs->cr8 = vcpu->cr8;
	sregs->efer = vcpu->efer;
	sregs->apic_base = vcpu->apic_base;
	if (vcpu->irq >= 0)
		sregs->interrupt_bitmap[vcpu->irq / 64] = 1ull << (vcpu->irq % 64);
}

/* The combinations KVM refuses in KVM_SET_SREGS (kvm_is_valid_sregs()). */
static bool sregs_valid(const struct kvm_sregs *sregs)
{
	if ((sregs->efer & EFER_LME) && (sregs->cr0 & X86_CR0_PG)) {
		if (!(sregs->cr4 & X86_CR4_PAE) || !(sregs->efer & EFER_LMA))
			return false;
	} else if (sregs->efer & EFER_LMA) {
		return false;
	}
	if ((sregs->cr0 & X86_CR0_PG) && !(sregs->cr0 & X86_CR0_PE))
		return false;
	if ((sregs->cr0 & X86_CR0_NW) && !(sregs->cr0 & X86_CR0_CD))
		return false;
	return true;
}

/* In a section; @pdpte: the PDPTEs if the new state uses PAE paging. */
static int set_sregs(struct jvmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		     const u64 *pdpte)
{
	int i, ret;

	ret = jvmm_set_efer(vcpu, sregs->efer);
	if (!ret)
		ret = jvmm_set_cr4(vcpu, sregs->cr4);
	if (!ret)
		ret = jvmm_set_cr0(vcpu, sregs->cr0);
	if (ret)
		return -EINVAL;
	vmcs_writel(VMCS_GUEST_CR3, sregs->cr3);
	vcpu->cr2 = sregs->cr2;
	vcpu->cr8 = sregs->cr8 & 0xf;
	vcpu->apic_base = sregs->apic_base;

	set_segment(SEG_CS, &sregs->cs);
	set_segment(SEG_DS, &sregs->ds);
	set_segment(SEG_ES, &sregs->es);
	set_segment(SEG_FS, &sregs->fs);
	set_segment(SEG_GS, &sregs->gs);
	set_segment(SEG_SS, &sregs->ss);
	set_segment(SEG_TR, &sregs->tr);
	set_segment(SEG_LDTR, &sregs->ldt);
	vmcs_writel(VMCS_GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, sregs->idt.limit);

	/* A pending interrupt in the bitmap is queued, as KVM_INTERRUPT would. */
	vcpu->irq = -1;
	for (i = 0; i < KVM_NR_INTERRUPTS; i++) {
		if (sregs->interrupt_bitmap[i / 64] & (1ull << (i % 64))) {
			vcpu->irq = i;
			break;
		}
	}
	if (jvmm_pdptrs_needed(vcpu))
		jvmm_write_pdptrs(pdpte);
	return 0;
}

#define PDPTE_TABLE_MASK	(~0x1full)
#define PDPTE_TABLE_BYTES	32

/*
 * Before the section: the checks KVM makes, and the PDPTEs the new state
 * needs if it uses PAE paging outside long mode (read from guest memory,
 * which may sleep).
 */
static int prepare_sregs(struct jvmm_vcpu *vcpu, const struct kvm_sregs *sregs,
			 u64 *pdpte)
{
	if (!sregs_valid(sregs))
		return -EINVAL;
	if ((sregs->cr0 & X86_CR0_PG) && (sregs->cr4 & X86_CR4_PAE) &&
	    !(sregs->efer & EFER_LME) &&
	    jvmm_read_guest(vcpu->vm, sregs->cr3 & PDPTE_TABLE_MASK, pdpte,
			    PDPTE_TABLE_BYTES))
		return -EINVAL;
	return 0;
}

/* End the section an ioctl opened for its VMCS work. */
static void state_section_close(struct jvmm_vcpu *vcpu)
{
	jvmm_vcpu_section_close(vcpu);
	local_irq_enable();
}

/* KVM_GET_MSRS/KVM_SET_MSRS: the number of MSRs done, stopping at the first failure. */
static long msr_io(struct jvmm_vcpu *vcpu, struct kvm_msrs __user *user, bool set)
{
	struct kvm_msr_entry *entries;
	struct kvm_msrs msrs;
	long ret;
	u32 i;

	if (copy_from_user(&msrs, user, sizeof(msrs)))
		return -EFAULT;
	if (msrs.nmsrs >= MAX_MSR_ENTRIES)
		return -E2BIG;
	entries = memdup_user(user->entries, array_size(sizeof(*entries), msrs.nmsrs));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	ret = jvmm_vcpu_section_open(vcpu);
	if (ret)
		goto out;
	for (i = 0; i < msrs.nmsrs; i++) {
		if (set ? jvmm_msr_set(vcpu, entries[i].index, entries[i].data, true) :
			  jvmm_msr_get(vcpu, entries[i].index, &entries[i].data))
			break;
	}
	state_section_close(vcpu);
	ret = i;
	if (!set && copy_to_user(user->entries, entries, array_size(sizeof(*entries), i)))
		ret = -EFAULT;
out:
	kfree(entries);
	return ret;
}

static long set_cpuid(struct jvmm_vcpu *vcpu, struct kvm_cpuid2 __user *user)
{
	struct kvm_cpuid_entry2 *entries;
	struct kvm_cpuid2 cpuid;

	if (copy_from_user(&cpuid, user, sizeof(cpuid)))
		return -EFAULT;
	if (cpuid.nent > MAX_CPUID_ENTRIES)
		return -E2BIG;
	entries = vmemdup_user(user->entries, array_size(sizeof(*entries), cpuid.nent));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	kvfree(vcpu->cpuid);
	vcpu->cpuid = entries;
	vcpu->nr_cpuid = cpuid.nent;
	jvmm_vcpu_cpuid_changed(vcpu);
	return 0;
}

/* The register-state ioctls, with the vCPU's mutex held (vcpu.c). */
long jvmm_vcpu_state_ioctl(struct jvmm_vcpu *vcpu, unsigned int ioctl, void __user *argp)
{
	union {
		struct kvm_regs regs;
		struct kvm_sregs sregs;
	} *u;
	u64 pdpte[PDPTE_TABLE_BYTES / sizeof(u64)] = {};
	long ret = 0;

	switch (ioctl) {
	case KVM_GET_MSRS:
		return msr_io(vcpu, argp, false);
	case KVM_SET_MSRS:
		return msr_io(vcpu, argp, true);
	case KVM_SET_CPUID2:
		return set_cpuid(vcpu, argp);
	case KVM_GET_REGS:
	case KVM_SET_REGS:
	case KVM_GET_SREGS:
	case KVM_SET_SREGS:
		break;
	default:
		return -ENOTTY;
	}

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	/* In from userspace, before the section. */
	if (ioctl == KVM_SET_REGS && copy_from_user(&u->regs, argp, sizeof(u->regs)))
		ret = -EFAULT;
	if (ioctl == KVM_SET_SREGS) {
		if (copy_from_user(&u->sregs, argp, sizeof(u->sregs)))
			ret = -EFAULT;
		else
			ret = prepare_sregs(vcpu, &u->sregs, pdpte);
	}
	if (!ret)
		ret = jvmm_vcpu_section_open(vcpu);
	if (ret)
		goto out;
	switch (ioctl) {
	case KVM_GET_REGS:
		get_regs(vcpu, &u->regs);
		break;
	case KVM_SET_REGS:
		set_regs(vcpu, &u->regs);
		break;
	case KVM_GET_SREGS:
		get_sregs(vcpu, &u->sregs);
		break;
	case KVM_SET_SREGS:
		ret = set_sregs(vcpu, &u->sregs, pdpte);
		break;
	}
	state_section_close(vcpu);
	/* Out to userspace, after it. */
	if (ioctl == KVM_GET_REGS && copy_to_user(argp, &u->regs, sizeof(u->regs)))
		ret = -EFAULT;
	if (ioctl == KVM_GET_SREGS && copy_to_user(argp, &u->sregs, sizeof(u->sregs)))
		ret = -EFAULT;
out:
	kfree(u);
	return ret;
}
