// SPDX-License-Identifier: GPL-2.0
/*
 * exit_msr.c - the MSRs a guest may use, and keeping the host's MSRs the
 * host's.
 *
 * One MSR bitmap, shared by every vCPU, makes every RDMSR and WRMSR exit
 * except those of FS.base and GS.base, which the VMCS switches on every
 * entry and exit anyway.  The MSRs jvmm virtualizes are listed in
 * jvmm_msr_get()/jvmm_msr_set(); any other access raises #GP in the
 * guest, as it would on a CPU without that MSR.
 *
 * The SYSCALL MSRs and KERNEL_GS_BASE are not switched by VMX.  The guest's
 * values live in the vCPU and are in the CPU only during a run section
 * (run.c), with interrupts off: KERNEL_GS_BASE always (the guest's SWAPGS
 * would otherwise swap the host's value), the SYSCALL MSRs once the guest
 * has written one.  The host never runs with a guest value outside one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/msr.h>

#include "compat.h"
#include "jvmm.h"
#include "vmcs.h"

#define VECTOR_GP		13
#define MSR_BITMAP_HIGH_BASE	0xc0000000u
#define MSR_BITMAP_RANGE	0x2000u
/* Read bitmaps for low and high MSRs, then the write bitmaps (SDM Vol. 3, "MSR-Bitmap Address"). */
#define MSR_BITMAP_READ_LOW	0x000
#define MSR_BITMAP_READ_HIGH	0x400
#define MSR_BITMAP_WRITE_LOW	0x800
#define MSR_BITMAP_WRITE_HIGH	0xc00

/* IA32_MISC_ENABLE as KVM presents it: no PEBS, no BTS. */
#define MISC_ENABLE_DEFAULT	(MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL | MSR_IA32_MISC_ENABLE_BTS_UNAVAIL)
#define MTRR_CAP_NONE		0
#define MTRR_DEF_TYPE_WB_ENABLED 0xc06

static unsigned long *msr_bitmap;

static void pass_through(u32 msr)
{
	unsigned int bit = msr & (MSR_BITMAP_RANGE - 1);
	u8 *bitmap = (u8 *)msr_bitmap;
	unsigned int read, write;

	if (msr >= MSR_BITMAP_HIGH_BASE) {
		read = MSR_BITMAP_READ_HIGH;
		write = MSR_BITMAP_WRITE_HIGH;
	} else {
		read = MSR_BITMAP_READ_LOW;
		write = MSR_BITMAP_WRITE_LOW;
	}
	__clear_bit(bit, (unsigned long *)(bitmap + read));
	__clear_bit(bit, (unsigned long *)(bitmap + write));
}

int jvmm_msr_bitmap_init(void)
{
	msr_bitmap = (unsigned long *)__get_free_page(GFP_KERNEL);
	if (!msr_bitmap)
		return -ENOMEM;
	memset(msr_bitmap, 0xff, PAGE_SIZE);
	pass_through(MSR_FS_BASE);
	pass_through(MSR_GS_BASE);
	return 0;
}

void jvmm_msr_bitmap_free(void)
{
	free_page((unsigned long)msr_bitmap);
}

u64 jvmm_msr_bitmap_pa(void)
{
	return __pa(msr_bitmap);
}

/*
 * Read an MSR as the guest sees it.  -EINVAL: not an MSR of ours (the
 * guest gets #GP, KVM_GET_MSRS stops there).
 */
int jvmm_msr_get(struct jvmm_vcpu *vcpu, u32 index, u64 *value)
{
	switch (index) {
	case MSR_EFER:
		*value = vcpu->efer;
		break;
	case MSR_STAR:
		*value = vcpu->star;
		break;
	case MSR_LSTAR:
		*value = vcpu->lstar;
		break;
	case MSR_CSTAR:
		*value = vcpu->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*value = vcpu->sfmask;
		break;
	case MSR_KERNEL_GS_BASE:
		/* In a run section the CPU has it (SWAPGS does not exit). */
		if (vcpu->host.msrs_loaded)
			rdmsrq(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
		*value = vcpu->kernel_gs_base;
		break;
	case MSR_FS_BASE:
		*value = vmcs_readl(VMCS_GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*value = vmcs_readl(VMCS_GUEST_GS_BASE);
		break;
	case MSR_IA32_SYSENTER_CS:
		*value = vmcs_read32(VMCS_GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*value = vmcs_readl(VMCS_GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*value = vmcs_readl(VMCS_GUEST_SYSENTER_EIP);
		break;
	case MSR_IA32_CR_PAT:
		*value = vmcs_read64(VMCS_GUEST_IA32_PAT);
		break;
	case MSR_IA32_TSC:
		*value = rdtsc();
		break;
	case MSR_IA32_APICBASE:
		*value = vcpu->apic_base;
		break;
	case MSR_IA32_MISC_ENABLE:
		*value = MISC_ENABLE_DEFAULT;
		break;
	case MSR_MTRRcap:
		*value = MTRR_CAP_NONE;
		break;
	case MSR_MTRRdefType:
		*value = MTRR_DEF_TYPE_WB_ENABLED;
		break;
	case MSR_TSC_AUX:
		*value = vcpu->tsc_aux;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static bool is_canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

/* Save the host's SYSCALL MSRs and load the guest's; in a run section. */
static void load_guest_syscall_msrs(struct jvmm_vcpu *vcpu)
{
	struct jvmm_host_state *h = &vcpu->host;

	if (!h->syscall_msrs_loaded) {
		rdmsrq(MSR_STAR, h->star);
		rdmsrq(MSR_LSTAR, h->lstar);
		rdmsrq(MSR_CSTAR, h->cstar);
		rdmsrq(MSR_SYSCALL_MASK, h->sfmask);
		h->syscall_msrs_loaded = true;
	}
	wrmsrq(MSR_STAR, vcpu->star);
	wrmsrq(MSR_LSTAR, vcpu->lstar);
	wrmsrq(MSR_CSTAR, vcpu->cstar);
	wrmsrq(MSR_SYSCALL_MASK, vcpu->sfmask);
}

/*
 * Write an MSR.  @host: from KVM_SET_MSRS, which may set what the guest
 * cannot (EFER.LMA).  -EINVAL: #GP for the guest, a stop for KVM_SET_MSRS.
 */
int jvmm_msr_set(struct jvmm_vcpu *vcpu, u32 index, u64 value, bool host)
{
	switch (index) {
	case MSR_EFER:
		if (!host) {
			/* LME may not change while paging is on; LMA is the CPU's. */
			if ((vcpu->cr0 & X86_CR0_PG) &&
			    ((value ^ vcpu->efer) & EFER_LME))
				return -EINVAL;
			value = (value & ~EFER_LMA) | (vcpu->efer & EFER_LMA);
		}
		return jvmm_set_efer(vcpu, value);
	case MSR_STAR:
		vcpu->star = value;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!is_canonical(value))
			return -EINVAL;
		if (index == MSR_LSTAR) {
			vcpu->lstar = value;
		} else if (index == MSR_CSTAR) {
			vcpu->cstar = value;
		} else if (index == MSR_KERNEL_GS_BASE) {
			vcpu->kernel_gs_base = value;
			if (vcpu->host.msrs_loaded)
				wrmsrq(MSR_KERNEL_GS_BASE, value);
		} else if (index == MSR_FS_BASE) {
			vmcs_writel(VMCS_GUEST_FS_BASE, value);
		} else {
			vmcs_writel(VMCS_GUEST_GS_BASE, value);
		}
		break;
	case MSR_SYSCALL_MASK:
		vcpu->sfmask = value;
		break;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(VMCS_GUEST_SYSENTER_CS, value);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(VMCS_GUEST_SYSENTER_ESP, value);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(VMCS_GUEST_SYSENTER_EIP, value);
		return 0;
	case MSR_IA32_CR_PAT:
		vmcs_write64(VMCS_GUEST_IA32_PAT, value);
		return 0;
	case MSR_IA32_APICBASE:
		vcpu->apic_base = value;
		return 0;
	case MSR_TSC_AUX:
		if (upper_32_bits(value))
			return -EINVAL;
		vcpu->tsc_aux = value;
		return 0;
	case MSR_IA32_MISC_ENABLE:
	case MSR_MTRRdefType:
		return host ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
	if (index == MSR_STAR || index == MSR_LSTAR || index == MSR_CSTAR ||
	    index == MSR_SYSCALL_MASK) {
		vcpu->syscall_msrs_dirty = true;
		/* The guest runs on in this section with its new value. */
		if (vcpu->host.msrs_loaded)
			load_guest_syscall_msrs(vcpu);
	}
	return 0;
}

static u32 msr_index(struct jvmm_vcpu *vcpu)
{
	return (u32)vcpu->regs.gpr[JVMM_RCX];
}

int jvmm_handle_rdmsr(struct jvmm_vcpu *vcpu)
{
	u64 value;

	if (jvmm_msr_get(vcpu, msr_index(vcpu), &value)) {
		jvmm_vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return 1;
	}
	vcpu->regs.gpr[JVMM_RAX] = (u32)value;
	vcpu->regs.gpr[JVMM_RDX] = value >> 32;
	jvmm_vcpu_skip_instruction(vcpu);
	return 1;
}

int jvmm_handle_wrmsr(struct jvmm_vcpu *vcpu)
{
	u64 value = (u32)vcpu->regs.gpr[JVMM_RAX] |
		    ((u64)(u32)vcpu->regs.gpr[JVMM_RDX] << 32);

	if (jvmm_msr_set(vcpu, msr_index(vcpu), value, false)) {
		jvmm_vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return 1;
	}
	jvmm_vcpu_skip_instruction(vcpu);
	return 1;
}

/*
 * At the start of a run section, interrupts off: the host's values are
 * saved and the guest's loaded, until jvmm_msr_switch_to_host().
 */
void jvmm_msr_switch_to_guest(struct jvmm_vcpu *vcpu)
{
	struct jvmm_host_state *h = &vcpu->host;

	rdmsrq(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	wrmsrq(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
	h->msrs_loaded = true;
	if (vcpu->syscall_msrs_dirty)
		load_guest_syscall_msrs(vcpu);
}

void jvmm_msr_switch_to_host(struct jvmm_vcpu *vcpu)
{
	struct jvmm_host_state *h = &vcpu->host;

	/* SWAPGS in the guest changes it without an exit: read it back. */
	rdmsrq(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
	wrmsrq(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	if (h->syscall_msrs_loaded) {
		wrmsrq(MSR_STAR, h->star);
		wrmsrq(MSR_LSTAR, h->lstar);
		wrmsrq(MSR_CSTAR, h->cstar);
		wrmsrq(MSR_SYSCALL_MASK, h->sfmask);
		h->syscall_msrs_loaded = false;
	}
	h->msrs_loaded = false;
}
