// SPDX-License-Identifier: GPL-2.0
/*
 * exit_cr.c - CR0, CR4, CR8 and EFER as the guest sees them, and the
 * switch into and out of IA-32e mode that follows from them.
 *
 * The guest/host masks give every CR0 bit except TS, and every CR4 bit,
 * to jvmm: the guest reads our read shadows and its writes exit here.
 * That lets the guest see exactly what it wrote (CR4.VMXE, which a JOS
 * kernel sets, reads back set; CR0.CD/NW read back as written) while the
 * CR0 and CR4 the CPU actually uses keep the bits VMX operation needs
 * (SDM Vol. 3, "VMX-Fixed Bits in CR0"/"in CR4": NE and VMXE on) and
 * caching stays on.
 *
 * EFER.LMA and the "IA-32e mode guest" entry control follow CR0.PG and
 * EFER.LME, as a real CPU's mode does (SDM Vol. 3, "Checks on Guest
 * Control Registers, Debug Registers, and MSRs"): a guest that walks
 * itself from real mode into long mode works.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "jvmm.h"
#include "vmcs.h"

/* Control-register exit qualification, SDM Vol. 3, "Exit Qualification for Control-Register Accesses". */
#define CR_QUAL_NUMBER_MASK	0xfu
#define CR_QUAL_TYPE_SHIFT	4
#define CR_QUAL_TYPE_MASK	3u
#define CR_TYPE_MOV_TO_CR	0
#define CR_TYPE_MOV_FROM_CR	1
#define CR_TYPE_CLTS		2
#define CR_TYPE_LMSW		3
#define CR_QUAL_GPR_SHIFT	8
#define CR_QUAL_GPR_MASK	0xfu
#define CR_QUAL_LMSW_SHIFT	16
#define LMSW_BITS		(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS)

#define VECTOR_GP		13
#define EFER_ALLOWED		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
#define PDPTE_ADDR_MASK		(~0x1ful)
#define NR_PDPTES		4

static bool in_64bit_mode(void)
{
	return vmcs_read32(VMCS_GUEST_CS_AR) & VMX_AR_L;
}

static unsigned long get_gpr(struct jvmm_vcpu *vcpu, unsigned int reg)
{
	return reg == JVMM_RSP ? vmcs_readl(VMCS_GUEST_RSP) : vcpu->regs.gpr[reg];
}

static void set_gpr(struct jvmm_vcpu *vcpu, unsigned int reg, unsigned long value)
{
	if (reg == JVMM_RSP)
		vmcs_writel(VMCS_GUEST_RSP, value);
	else
		vcpu->regs.gpr[reg] = value;
}

static void set_long_mode_active(struct jvmm_vcpu *vcpu, bool active)
{
	if (active)
		vcpu->efer |= EFER_LMA;
	else
		vcpu->efer &= ~EFER_LMA;
	vmcs_write64(VMCS_GUEST_IA32_EFER, vcpu->efer);
	if (active)
		vmcs_set_bits32(VMCS_ENTRY_CONTROLS, VMX_ENTRY_CTL_IA32E_MODE_GUEST);
	else
		vmcs_clear_bits32(VMCS_ENTRY_CONTROLS, VMX_ENTRY_CTL_IA32E_MODE_GUEST);
}

/*
 * Entering IA-32e mode: VM entry then wants TR to be a busy 64-bit TSS,
 * while a real CPU accepts whatever TR held; a JOS kernel has not loaded
 * one yet at this point.  KVM makes the same fixup.
 */
static void enter_long_mode(struct jvmm_vcpu *vcpu)
{
	u32 ar = vmcs_read32(VMCS_GUEST_TR_AR);

	if ((ar & VMX_AR_TYPE_MASK) != VMX_AR_TYPE_BUSY_TSS_64)
		vmcs_write32(VMCS_GUEST_TR_AR, (ar & ~VMX_AR_TYPE_MASK) | VMX_AR_TYPE_BUSY_TSS_64);
	set_long_mode_active(vcpu, true);
}

/*
 * With EPT, a guest using PAE paging outside long mode gets its four
 * PDPTEs from the VMCS at VM entry (SDM Vol. 3, "Loading Page-Directory-
 * Pointer-Table Entries"), so they are reloaded when a CR0/CR4 write or
 * KVM_SET_SREGS enters that mode.
 */
int jvmm_load_pdptrs(struct jvmm_vcpu *vcpu)
{
	static const u32 fields[NR_PDPTES] = {
		VMCS_GUEST_PDPTE0, VMCS_GUEST_PDPTE1, VMCS_GUEST_PDPTE2, VMCS_GUEST_PDPTE3,
	};
	u64 pdpte[NR_PDPTES];
	int i, ret;

	if (!(vcpu->cr0 & X86_CR0_PG) || !(vcpu->cr4 & X86_CR4_PAE) ||
	    (vcpu->efer & EFER_LMA))
		return 0;
	ret = jvmm_read_guest(vcpu->vm, vmcs_readl(VMCS_GUEST_CR3) & PDPTE_ADDR_MASK,
			      pdpte, sizeof(pdpte));
	if (ret)
		return ret;
	for (i = 0; i < NR_PDPTES; i++)
		__vmcs_write(fields[i], pdpte[i]);
	return 0;
}

/* CR0 as the guest writes it; -EINVAL for what hardware answers with #GP. */
int jvmm_set_cr0(struct jvmm_vcpu *vcpu, unsigned long cr0)
{
	const struct jvmm_vmx_msrs *m = &jvmm_caps.msrs;
	unsigned long old = vcpu->cr0, hw;

	cr0 |= X86_CR0_ET;	/* hardwired to 1 since the i486 */
	if (upper_32_bits(cr0) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)) ||
	    ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)))
		return -EINVAL;
	if (!(old & X86_CR0_PG) && (cr0 & X86_CR0_PG) &&
	    (vcpu->efer & EFER_LME) && !(vcpu->cr4 & X86_CR4_PAE))
		return -EINVAL;

	vcpu->cr0 = cr0;
	/* Unrestricted guest frees PE and PG from FIXED0 (SDM Vol. 3, App. A.7). */
	hw = (cr0 & ~(X86_CR0_CD | X86_CR0_NW)) |
	     (m->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG));
	hw &= m->cr0_fixed1;
	vmcs_writel(VMCS_GUEST_CR0, hw);
	vmcs_writel(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_writel(VMCS_CR0_GUEST_HOST_MASK, ~(unsigned long)X86_CR0_TS);

	if ((vcpu->efer & EFER_LME) && !(old & X86_CR0_PG) && (cr0 & X86_CR0_PG))
		enter_long_mode(vcpu);
	else if ((vcpu->efer & EFER_LMA) && !(cr0 & X86_CR0_PG))
		set_long_mode_active(vcpu, false);
	return jvmm_load_pdptrs(vcpu) ? -EINVAL : 0;
}

int jvmm_set_cr4(struct jvmm_vcpu *vcpu, unsigned long cr4)
{
	const struct jvmm_vmx_msrs *m = &jvmm_caps.msrs;
	unsigned long hw;

	/* What the CPU cannot hold in VMX operation is reserved for the guest too. */
	if (cr4 & ~m->cr4_fixed1)
		return -EINVAL;
	if ((vcpu->efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;

	vcpu->cr4 = cr4;
	hw = (cr4 | m->cr4_fixed0) & m->cr4_fixed1;
	vmcs_writel(VMCS_GUEST_CR4, hw);
	vmcs_writel(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_writel(VMCS_CR4_GUEST_HOST_MASK, ~0ul);
	return jvmm_load_pdptrs(vcpu) ? -EINVAL : 0;
}

/* EFER from KVM_SET_SREGS/KVM_SET_MSRS or the guest's WRMSR (exit_msr.c). */
int jvmm_set_efer(struct jvmm_vcpu *vcpu, u64 efer)
{
	if (efer & ~EFER_ALLOWED)
		return -EINVAL;
	vcpu->efer = efer;
	set_long_mode_active(vcpu, efer & EFER_LMA);
	return 0;
}

static int mov_to_cr(struct jvmm_vcpu *vcpu, unsigned int cr, unsigned long value)
{
	if (!in_64bit_mode())
		value = (u32)value;
	switch (cr) {
	case 0:
		return jvmm_set_cr0(vcpu, value);
	case 3:		/* only if the CPU forces CR3-load exiting on */
		vmcs_writel(VMCS_GUEST_CR3, value);
		return jvmm_load_pdptrs(vcpu) ? -EINVAL : 0;
	case 4:
		return jvmm_set_cr4(vcpu, value);
	case 8:
		if (value & ~0xful)
			return -EINVAL;
		vcpu->cr8 = value;
		return 0;
	default:
		return -EINVAL;
	}
}

static int mov_from_cr(struct jvmm_vcpu *vcpu, unsigned int cr, unsigned long *value)
{
	switch (cr) {
	case 3:
		*value = vmcs_readl(VMCS_GUEST_CR3);
		return 0;
	case 8:
		*value = vcpu->cr8;
		return 0;
	default:
		return -EINVAL;
	}
}

int jvmm_handle_cr_access(struct jvmm_vcpu *vcpu)
{
	unsigned long qual = vcpu->exit_qualification;
	unsigned int cr = qual & CR_QUAL_NUMBER_MASK;
	unsigned int reg = (qual >> CR_QUAL_GPR_SHIFT) & CR_QUAL_GPR_MASK;
	unsigned long value;
	int ret;

	switch ((qual >> CR_QUAL_TYPE_SHIFT) & CR_QUAL_TYPE_MASK) {
	case CR_TYPE_MOV_TO_CR:
		ret = mov_to_cr(vcpu, cr, get_gpr(vcpu, reg));
		break;
	case CR_TYPE_MOV_FROM_CR:
		ret = mov_from_cr(vcpu, cr, &value);
		if (!ret)
			set_gpr(vcpu, reg, in_64bit_mode() ? value : (u32)value);
		break;
	case CR_TYPE_CLTS:
		ret = jvmm_set_cr0(vcpu, vcpu->cr0 & ~X86_CR0_TS);
		break;
	default:	/* LMSW loads PE, MP, EM, TS but cannot clear PE */
		value = (qual >> CR_QUAL_LMSW_SHIFT) & LMSW_BITS;
		ret = jvmm_set_cr0(vcpu, (vcpu->cr0 & ~(LMSW_BITS & ~X86_CR0_PE)) | value);
		break;
	}
	if (ret) {
		jvmm_vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return 1;
	}
	jvmm_vcpu_skip_instruction(vcpu);
	return 1;
}
