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
 * The SYSCALL MSRs, KERNEL_GS_BASE and TSC_AUX are not switched by VMX.
 * The guest's values live in the vCPU (reset values: 0) and are in the CPU
 * only during a run section (run.c), with interrupts off: KERNEL_GS_BASE
 * always (the guest's SWAPGS would otherwise swap the host's value), the
 * SYSCALL MSRs whenever the guest can execute SYSCALL (EFER.SCE: without
 * it SYSCALL raises #UD and never reads them), TSC_AUX when the guest's
 * differs from this CPU's (RDTSCP and RDPID read it without an exit).
 * The host never runs with a guest value outside a section, and the guest
 * never sees a host value: not even a guest that never wrote them.
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

/* IA32_MISC_ENABLE bits a guest may not change: PEBS and BTS are unavailable. */
#define MISC_ENABLE_READ_ONLY	(MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL | MSR_IA32_MISC_ENABLE_BTS_UNAVAIL)
/* IA32_PAT memory types (SDM Vol. 3, "Programming the PAT"). */
#define PAT_TYPE_RESERVED_2	2
#define PAT_TYPE_RESERVED_3	3
#define PAT_TYPE_UC_MINUS	7
/* IA32_APIC_BASE: BSP (8), x2APIC enable (10), enable (11), base from bit 12. */
#define APIC_BASE_LOW_RESERVED	0x2ffull
#define APIC_BASE_ENABLE	BIT_ULL(11)
/* IA32_DEBUGCTL bits KVM drops rather than refuses (it has no LBR or BTF for a guest). */
#define DEBUGCTL_DROPPED	(DEBUGCTLMSR_LBR | DEBUGCTLMSR_BTF)

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
		*value = rdtsc() + vmcs_read64(VMCS_TSC_OFFSET);
		break;
	case MSR_IA32_DEBUGCTLMSR:
		*value = vmcs_read64(VMCS_GUEST_IA32_DEBUGCTL);
		break;
	case MSR_IA32_APICBASE:
		*value = vcpu->apic_base;
		break;
	case MSR_IA32_MISC_ENABLE:
		*value = vcpu->misc_enable;
		break;
	case MSR_IA32_FEAT_CTL:
		*value = vcpu->feature_control;
		break;
	case MSR_IA32_TSC_ADJUST:
		*value = vcpu->tsc_adjust;
		break;
	case MSR_TSC_AUX:
		if (!jvmm_msr_have_tsc_aux())
			return -EINVAL;
		*value = vcpu->tsc_aux;
		break;
	default:
		if (jvmm_mtrr_msr(index))
			return jvmm_mtrr_get(vcpu, index, value);
		return -EINVAL;
	}
	return 0;
}

/* The kernel keeps its CPU number in TSC_AUX where RDTSCP or RDPID reads it. */
bool jvmm_msr_have_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID);
}

static bool is_canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

/*
 * IA32_APIC_BASE with KVM's rules (its kvm_apic_set_base()): nothing
 * beyond the physical-address width or in the reserved bits, x2APIC only
 * where the guest's CPUID offers it, never x2APIC without the enable; and
 * the guest itself may not go from x2APIC back to xAPIC, nor from
 * disabled straight to x2APIC (SDM Vol. 3, "x2APIC State Transitions").
 */
static int set_apic_base(struct jvmm_vcpu *vcpu, u64 value, bool host)
{
	u64 reserved = APIC_BASE_LOW_RESERVED | GENMASK_ULL(63, boot_cpu_data.x86_phys_bits);
	u64 mode = value & (APIC_BASE_ENABLE | X2APIC_ENABLE);
	u64 old = vcpu->apic_base & (APIC_BASE_ENABLE | X2APIC_ENABLE);

	if (!vcpu->guest_x2apic)
		reserved |= X2APIC_ENABLE;
	if ((value & reserved) || mode == X2APIC_ENABLE)
		return -EINVAL;
	if (!host && ((old == (APIC_BASE_ENABLE | X2APIC_ENABLE) && mode == APIC_BASE_ENABLE) ||
		      (!old && mode == (APIC_BASE_ENABLE | X2APIC_ENABLE))))
		return -EINVAL;
	vcpu->apic_base = value;
	return 0;
}

/*
 * Each PAT entry is a memory type: UC, WC, WT, WP, WB or UC-; 2, 3 and
 * 8-255 are reserved and a #GP (SDM Vol. 3, "IA32_PAT MSR"), and VM
 * entry would refuse them in the guest-state area.
 */
static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > PAT_TYPE_UC_MINUS || type == PAT_TYPE_RESERVED_2 ||
		    type == PAT_TYPE_RESERVED_3)
			return false;
	}
	return true;
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

/* In a run section: RDTSCP and RDPID read the guest's TSC_AUX. */
static void sync_guest_tsc_aux(struct jvmm_vcpu *vcpu)
{
	struct jvmm_host_state *h = &vcpu->host;

	if (!h->msrs_loaded || !jvmm_msr_have_tsc_aux())
		return;
	if (vcpu->tsc_aux != h->tsc_aux || h->tsc_aux_loaded) {
		wrmsrq(MSR_TSC_AUX, vcpu->tsc_aux);
		h->tsc_aux_loaded = true;
	}
}

/* In a run section: the SYSCALL MSRs the guest can reach are its own. */
static void sync_guest_syscall_msrs(struct jvmm_vcpu *vcpu)
{
	if (vcpu->host.msrs_loaded && (vcpu->efer & EFER_SCE))
		load_guest_syscall_msrs(vcpu);
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
		if (jvmm_set_efer(vcpu, value))
			return -EINVAL;
		sync_guest_syscall_msrs(vcpu);
		return 0;
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
	/* Intel CPUs #GP on a non-canonical one, and VM entry would refuse it. */
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!is_canonical(value))
			return -EINVAL;
		vmcs_writel(index == MSR_IA32_SYSENTER_ESP ? VMCS_GUEST_SYSENTER_ESP :
			    VMCS_GUEST_SYSENTER_EIP, value);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(value))
			return -EINVAL;
		vmcs_write64(VMCS_GUEST_IA32_PAT, value);
		return 0;
	case MSR_IA32_APICBASE:
		return set_apic_base(vcpu, value, host);
	case MSR_IA32_TSC:
		/*
		 * The guest's TSC is the host's plus the offset VMX adds to
		 * RDTSC; the guest's own write moves its TSC_ADJUST too.
		 */
		if (!host)
			vcpu->tsc_adjust += value - (rdtsc() + vmcs_read64(VMCS_TSC_OFFSET));
		vmcs_write64(VMCS_TSC_OFFSET, value - rdtsc());
		return 0;
	case MSR_IA32_TSC_ADJUST:
		vmcs_write64(VMCS_TSC_OFFSET, vmcs_read64(VMCS_TSC_OFFSET) + value - vcpu->tsc_adjust);
		vcpu->tsc_adjust = value;
		return 0;
	case MSR_IA32_FEAT_CTL:
		/* Only the lock bit (no VMX or SGX for a guest); locked, it is read-only. */
		if ((value & ~FEAT_CTL_LOCKED) ||
		    (!host && (vcpu->feature_control & FEAT_CTL_LOCKED)))
			return -EINVAL;
		vcpu->feature_control = value;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		/* As KVM: BTS/PEBS unavailable are read-only, EMON writes are ignored. */
		if (!host) {
			if ((value ^ vcpu->misc_enable) & MISC_ENABLE_READ_ONLY)
				return -EINVAL;
			value = (value & ~MSR_IA32_MISC_ENABLE_EMON) |
				(vcpu->misc_enable & MSR_IA32_MISC_ENABLE_EMON);
		}
		vcpu->misc_enable = value;
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		/* No branch tracing or LBRs for a guest: dropped, as KVM does; the rest #GP. */
		if (value & ~DEBUGCTL_DROPPED)
			return -EINVAL;
		return 0;
	case MSR_TSC_AUX:
		if (!jvmm_msr_have_tsc_aux() || upper_32_bits(value))
			return -EINVAL;
		vcpu->tsc_aux = value;
		sync_guest_tsc_aux(vcpu);
		return 0;
	default:
		if (jvmm_mtrr_msr(index))
			return jvmm_mtrr_set(vcpu, index, value);
		return -EINVAL;
	}
	/* The guest runs on in this section with its new value. */
	if (index == MSR_STAR || index == MSR_LSTAR || index == MSR_CSTAR ||
	    index == MSR_SYSCALL_MASK)
		sync_guest_syscall_msrs(vcpu);
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
	sync_guest_syscall_msrs(vcpu);
	sync_guest_tsc_aux(vcpu);
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
	if (h->tsc_aux_loaded) {
		wrmsrq(MSR_TSC_AUX, vcpu->host.tsc_aux);
		h->tsc_aux_loaded = false;
	}
	h->msrs_loaded = false;
}
