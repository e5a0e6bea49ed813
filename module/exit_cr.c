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

/*
 * The CR4 bits a guest may set, where the CPU has them.  Not SMXE (SMX is
 * hidden), PKE or PKS (PKRU and IA32_PKRS are not switched), CET (nor are
 * its MSRs), nor the bits of features jvmm does not virtualize (Key
 * Locker, user interrupts, LAM, FRED): each is a #GP, as on KVM when the
 * guest's CPUID lacks it.  VMXE is the guest's to set and read back,
 * although VMX is hidden and its instructions #UD: the course's JOS guest
 * sets it (../shared/docs/jos-guest-abi.md); KVM would #GP.
 */
#define CR4_GUEST_BITS	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | X86_CR4_VMXE | \
			 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			 X86_CR4_UMIP | X86_CR4_LA57 | X86_CR4_FSGSBASE | \
			 X86_CR4_PCIDE | X86_CR4_OSXSAVE | X86_CR4_SMEP | X86_CR4_SMAP)
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
 * Pointer-Table Entries"), so a CR0/CR4 write that leaves the guest in
 * that mode, and KVM_SET_SREGS, load them.  In long mode LME is set
 * whenever PG is, so PAE paging without LME is exactly that mode.
 */
static bool needs_pdptrs(unsigned long cr0, unsigned long cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LME);
}

bool jvmm_pdptrs_needed(struct jvmm_vcpu *vcpu)
{
	return needs_pdptrs(vcpu->cr0, vcpu->cr4, vcpu->efer);
}

void jvmm_write_pdptrs(const u64 *pdpte)
{
	static const u32 fields[NR_PDPTES] = {
		VMCS_GUEST_PDPTE0, VMCS_GUEST_PDPTE1, VMCS_GUEST_PDPTE2, VMCS_GUEST_PDPTE3,
	};
	int i;

	for (i = 0; i < NR_PDPTES; i++)
		__vmcs_write(fields[i], pdpte[i]);
}

/*
 * Read the PDPTEs CR3 points to, from the VMX section: -EAGAIN asks the
 * run loop to pin that page and retry the instruction (nothing has been
 * changed yet), any other error is the #GP a bad CR3 gives.
 */
static int read_pdptrs(struct jvmm_vcpu *vcpu, unsigned long cr3, u64 *pdpte)
{
	u64 gpa = cr3 & PDPTE_ADDR_MASK;
	int ret;

	ret = jvmm_read_guest_atomic(vcpu->vm, gpa, pdpte, NR_PDPTES * sizeof(u64));
	if (ret == -EAGAIN) {
		vcpu->slow = JVMM_SLOW_MAP;
		vcpu->slow_gpa = gpa;
		vcpu->slow_write = false;
	}
	return ret;
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
	/* Paging cannot go off with PCIDs on (SDM Vol. 3, "MOV-Move to/from Control Registers"). */
	if (!(cr0 & X86_CR0_PG) && (vcpu->cr4 & X86_CR4_PCIDE))
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
	return 0;
}

int jvmm_set_cr4(struct jvmm_vcpu *vcpu, unsigned long cr4)
{
	const struct jvmm_vmx_msrs *m = &jvmm_caps.msrs;
	unsigned long hw;

	/*
	 * What the CPU cannot hold in VMX operation is reserved for the guest
	 * too, and so is what jvmm does not virtualize (CR4_GUEST_BITS) and,
	 * without XSAVE in the host, OSXSAVE (xfeatures.c).
	 */
	if (cr4 & ~(m->cr4_fixed1 & CR4_GUEST_BITS & vcpu->cr4_cpuid_bits))
		return -EINVAL;
	if ((cr4 & X86_CR4_OSXSAVE) && !jvmm_xfeatures_xsave())
		return -EINVAL;
	if ((vcpu->efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	/* PCIDs exist only in IA-32e mode (SDM Vol. 3, "Process-Context Identifiers"). */
	if ((cr4 & X86_CR4_PCIDE) && !(vcpu->efer & EFER_LMA))
		return -EINVAL;

	vcpu->cr4 = cr4;
	hw = (cr4 | m->cr4_fixed0) & m->cr4_fixed1;
	vmcs_writel(VMCS_GUEST_CR4, hw);
	vmcs_writel(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_writel(VMCS_CR4_GUEST_HOST_MASK, ~0ul);
	jvmm_fpu_sync_xcr0(&vcpu->fpu, cr4 & X86_CR4_OSXSAVE);
	return 0;
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

/*
 * MOV to CR0, CR3 (only when the CPU forces CR3-load exiting on) or CR4.
 * The PDPTEs are read before anything changes, so that -EAGAIN (their
 * page is not pinned yet) can retry the instruction.
 */
static int mov_to_cr(struct jvmm_vcpu *vcpu, unsigned int cr, unsigned long value)
{
	unsigned long cr0 = vcpu->cr0, cr4 = vcpu->cr4;
	unsigned long cr3 = vmcs_readl(VMCS_GUEST_CR3);
	u64 pdpte[NR_PDPTES];
	bool pdptrs;
	int ret = 0;

	if (!in_64bit_mode())
		value = (u32)value;
	switch (cr) {
	case 0:
		cr0 = value | X86_CR0_ET;
		break;
	case 3:
		cr3 = value;
		break;
	case 4:
		/* PCIDE may be set only with PCID 0 in CR3 (SDM Vol. 3, "MOV-Move to/from Control Registers"). */
		if ((value & ~cr4 & X86_CR4_PCIDE) && (cr3 & CR3_PCID_MASK))
			return -EINVAL;
		cr4 = value;
		break;
	case 8:
		if (value & ~0xful)
			return -EINVAL;
		vcpu->cr8 = value;
		return 0;
	default:
		return -EINVAL;
	}
	pdptrs = needs_pdptrs(cr0, cr4, vcpu->efer);
	if (pdptrs) {
		ret = read_pdptrs(vcpu, cr3, pdpte);
		if (ret)
			return ret == -EAGAIN ? ret : -EINVAL;
	}
	if (cr == 0)
		ret = jvmm_set_cr0(vcpu, value);
	else if (cr == 4)
		ret = jvmm_set_cr4(vcpu, value);
	else
		vmcs_writel(VMCS_GUEST_CR3, value);
	if (!ret && pdptrs)
		jvmm_write_pdptrs(pdpte);
	return ret;
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
		if (ret == -EAGAIN)
			return JVMM_EXIT_SLOW;
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
		return JVMM_EXIT_RESUME;
	}
	jvmm_vcpu_skip_instruction(vcpu);
	return JVMM_EXIT_RESUME;
}
