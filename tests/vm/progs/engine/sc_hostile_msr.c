// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_msr.c - hostile corpus: RDMSR and WRMSR, with good and bad
 * values, of every MSR a host depends on, and of random indices.  The
 * host-state checker (hoststate.c) then proves that none of it reached the
 * host's own MSRs, on any CPU.  One fresh VM each.
 *
 * The guest's CPUID (vcpu_set_cpuid()) has leaves 0, 1, 0xd, 0x80000000,
 * 0x80000001, 0x80000008 only: no leaf 7, so SPEC_CTRL, ARCH_CAPABILITIES,
 * TSC_ADJUST, CET are not the guest's; no VMX, so no VMX capability MSRs.
 */
#include "engine.h"

#define MSR_TSC			0x10
#define MSR_APIC_BASE		0x1b
#define MSR_FEATURE_CONTROL	0x3a
#define MSR_TSC_ADJUST		0x3b
#define MSR_SPEC_CTRL		0x48
#define MSR_PRED_CMD		0x49
#define MSR_MTRRCAP		0xfe
#define MSR_ARCH_CAPABILITIES	0x10a
#define MSR_FLUSH_CMD		0x10b
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_MISC_ENABLE		0x1a0
#define MSR_DEBUGCTL		0x1d9
#define MSR_MTRR_PHYSBASE0	0x200
#define MSR_MTRR_PHYSMASK0	0x201
#define MSR_MTRR_FIX64K		0x250
#define MSR_PAT			0x277
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_VMX_BASIC		0x480
#define NR_VMX_MSRS		18		/* 0x480 .. 0x491 */
#define MSR_CET_FIRST		0x6a0		/* U_CET .. INTERRUPT_SSP_TABLE_ADDR */
#define NR_CET_MSRS		9
#define MSR_XSS			0xda0
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103

#define EFER_SCE		(1ull << 0)
#define EFER_NXE		(1ull << 11)
#define EFER_SVME		(1ull << 12)
#define EFER_LME		(1ull << 8)
#define NONCANONICAL		0x8000000000000000ull
#define NONCANONICAL_LOW	0x0000800000000000ull	/* bit 47 set, 63:48 clear */
#define PAT_RESET		0x0007040600070406ull	/* SDM Vol. 3, 12.12.4 */
#define PAT_ALL_WB		0x0606060606060606ull
#define PAT_TYPE_2		0x0007040600070402ull	/* type 2 is reserved */
#define PAT_TYPE_8		0x0007040600070408ull
#define MTRR_TYPE_WB		6
#define MTRR_DEF_E_WB		0xc06ull	/* E | FE | type WB */
#define MTRR_FIX_ALL_WB		0x0606060606060606ull
#define MTRR_FIX_TYPE_2		0x0606060606060602ull
#define APIC_BASE_RESERVED9	(1ull << 9)
#define APIC_BASE_X2APIC	(1ull << 10)
#define FEATURE_CONTROL_LOCK	1ull
#define FEATURE_CONTROL_VMXON	5ull	/* lock | VMXON outside SMX */
#define TSC_AUX_GUEST		0x1234ull
#define RANDOM_MSRS		30
#define RANDOM_SEED		0x11u		/* issue 11 */

void scn_h_msr_efer(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_EFER, SH_EDX_EAX, "500"),
		WRMSR(MSR_EFER, H_EFER_BASE | EFER_SCE, "ok"),
		WRMSR(MSR_EFER, H_EFER_BASE | EFER_SCE | EFER_NXE, "ok"),
		RDMSR(MSR_EFER, SH_EDX_EAX, "d01"),
		WRMSR(MSR_EFER, H_EFER_BASE | (1ull << 1), "GP:0"),	/* reserved */
		WRMSR(MSR_EFER, H_EFER_BASE | EFER_SVME, "GP:0"),	/* AMD only */
		WRMSR(MSR_EFER, H_EFER_BASE | (1ull << 63), "GP:0"),
		WRMSR(MSR_EFER, H_EFER_BASE & ~EFER_LME, "GP:0"),	/* LME off with paging on */
		RDMSR(MSR_EFER, SH_EDX_EAX, "d01"),
		WRMSR(MSR_EFER, H_EFER_BASE, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* The SYSCALL MSRs: reset values 0 (not the host's), junk, non-canonical. */
void scn_h_msr_syscall(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_STAR, SH_EDX_EAX, "0"),
		RDMSR(MSR_LSTAR, SH_EDX_EAX, "0"),
		RDMSR(MSR_CSTAR, SH_EDX_EAX, "0"),
		RDMSR(MSR_SFMASK, SH_EDX_EAX, "0"),
		WRMSR(MSR_STAR, JUNK_STAR, "ok"),
		WRMSR(MSR_LSTAR, JUNK_LSTAR, "ok"),
		WRMSR(MSR_CSTAR, JUNK_CSTAR, "ok"),
		WRMSR(MSR_SFMASK, JUNK_SFMASK, "ok"),
		WRMSR(MSR_LSTAR, NONCANONICAL, "GP:0"),
		WRMSR(MSR_CSTAR, NONCANONICAL_LOW, "GP:0"),
		RDMSR(MSR_STAR, SH_EDX_EAX, "230010deadbeef"),
		RDMSR(MSR_LSTAR, SH_EDX_EAX, "ffffffffdeadb000"),
		RDMSR(MSR_CSTAR, SH_EDX_EAX, "7fffcafe0000"),
		RDMSR(MSR_SFMASK, SH_EDX_EAX, "477d5"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* Issue 11, item 8: a non-canonical SYSENTER_EIP/ESP gave KVM_EXIT_FAIL_ENTRY on jvmm. */
void scn_h_msr_sysenter(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_SYSENTER_CS, SH_EDX_EAX, "0"),
		RDMSR(MSR_SYSENTER_ESP, SH_EDX_EAX, "0"),
		RDMSR(MSR_SYSENTER_EIP, SH_EDX_EAX, "0"),
		WRMSR(MSR_SYSENTER_CS, SEL_CODE64, "ok"),
		WRMSR(MSR_SYSENTER_ESP, 0xffff888012345000ull, "ok"),
		WRMSR(MSR_SYSENTER_EIP, 0xffffffff81234560ull, "ok"),
		WRMSR(MSR_SYSENTER_ESP, NONCANONICAL, "GP:0"),
		WRMSR(MSR_SYSENTER_EIP, NONCANONICAL_LOW, "GP:0"),
		RDMSR(MSR_SYSENTER_CS, SH_EDX_EAX, "18"),
		RDMSR(MSR_SYSENTER_ESP, SH_EDX_EAX, "ffff888012345000"),
		RDMSR(MSR_SYSENTER_EIP, SH_EDX_EAX, "ffffffff81234560"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_msr_segbase(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_FS_BASE, SH_EDX_EAX, "0"),
		RDMSR(MSR_GS_BASE, SH_EDX_EAX, "0"),
		RDMSR(MSR_KERNEL_GS_BASE, SH_EDX_EAX, "0"),
		WRMSR(MSR_FS_BASE, 0x00007f0000001000ull, "ok"),
		WRMSR(MSR_GS_BASE, 0xffff880000002000ull, "ok"),
		WRMSR(MSR_KERNEL_GS_BASE, 0x0000111133334444ull, "ok"),
		WRMSR(MSR_FS_BASE, NONCANONICAL, "GP:0"),
		WRMSR(MSR_GS_BASE, NONCANONICAL_LOW, "GP:0"),
		WRMSR(MSR_KERNEL_GS_BASE, NONCANONICAL, "GP:0"),
		RDMSR(MSR_FS_BASE, SH_EDX_EAX, "7f0000001000"),
		RDMSR(MSR_GS_BASE, SH_EDX_EAX, "ffff880000002000"),
		RDMSR(MSR_KERNEL_GS_BASE, SH_EDX_EAX, "111133334444"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* Issue 11, item 8: an invalid PAT type gave KVM_EXIT_FAIL_ENTRY on jvmm. */
void scn_h_msr_pat(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_PAT, SH_EDX_EAX, "7040600070406"),
		WRMSR(MSR_PAT, PAT_ALL_WB, "ok"),
		RDMSR(MSR_PAT, SH_EDX_EAX, "606060606060606"),
		WRMSR(MSR_PAT, PAT_TYPE_2, "GP:0"),
		WRMSR(MSR_PAT, PAT_TYPE_8, "GP:0"),
		WRMSR(MSR_PAT, ~0ull, "GP:0"),
		RDMSR(MSR_PAT, SH_EDX_EAX, "606060606060606"),
		WRMSR(MSR_PAT, PAT_RESET, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* DEBUGCTL: 0, and reserved bits.  Not BTF/LBR: KVM logs a line for those. */
void scn_h_msr_debugctl(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_DEBUGCTL, SH_EDX_EAX, "0"),
		WRMSR(MSR_DEBUGCTL, 0, "ok"),
		WRMSR(MSR_DEBUGCTL, 1ull << 63, "GP:0"),
		WRMSR(MSR_DEBUGCTL, 1ull << 31, "GP:0"),
		RDMSR(MSR_DEBUGCTL, SH_EDX_EAX, "0"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* The speculation-control MSRs a guest without CPUID leaf 7 does not have. */
void scn_h_msr_spec_ctrl(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_SPEC_CTRL, SH_EDX_EAX, NULL),
		WRMSR(MSR_SPEC_CTRL, 1, NULL),		/* IBRS */
		WRMSR(MSR_SPEC_CTRL, 1ull << 40, "GP:0"),
		RDMSR(MSR_SPEC_CTRL, SH_EDX_EAX, NULL),
		WRMSR(MSR_PRED_CMD, 1, NULL),		/* IBPB */
		WRMSR(MSR_PRED_CMD, 2, "GP:0"),
		RDMSR(MSR_PRED_CMD, SH_OK, "GP:0"),	/* write-only */
		WRMSR(MSR_FLUSH_CMD, 1, NULL),		/* L1D flush */
		WRMSR(MSR_FLUSH_CMD, 2, "GP:0"),
		RDMSR(MSR_FLUSH_CMD, SH_OK, "GP:0"),
		RDMSR(MSR_ARCH_CAPABILITIES, SH_OK, NULL),
		WRMSR(MSR_ARCH_CAPABILITIES, 0, "GP:0"),	/* read-only */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_msr_feature_control(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_FEATURE_CONTROL, SH_EDX_EAX, NULL),
		WRMSR(MSR_FEATURE_CONTROL, FEATURE_CONTROL_VMXON, "GP:0"),	/* no VMX */
		WRMSR(MSR_FEATURE_CONTROL, 1ull << 63, "GP:0"),
		WRMSR(MSR_FEATURE_CONTROL, FEATURE_CONTROL_LOCK, NULL),
		WRMSR(MSR_FEATURE_CONTROL, 0, NULL),		/* after the lock */
		RDMSR(MSR_FEATURE_CONTROL, SH_EDX_EAX, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_msr_misc_enable(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_MISC_ENABLE, SH_EDX_EAX, NULL),
		WRMSR(MSR_MISC_ENABLE, 0, NULL),
		WRMSR(MSR_MISC_ENABLE, 1ull << 18, NULL),	/* ENABLE_MONITOR */
		WRMSR(MSR_MISC_ENABLE, 1ull << 22, NULL),	/* LIMIT_CPUID */
		WRMSR(MSR_MISC_ENABLE, ~0ull, NULL),
		RDMSR(MSR_MISC_ENABLE, SH_EDX_EAX, NULL),
		OP(H_OP_INSN, H_I_RDTSCP, 0, 0, SH_OK, NULL),	/* still runs */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_msr_apic_base(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_APIC_BASE, SH_EDX_EAX, "fee00900"),
		WRMSR(MSR_APIC_BASE, 0xfee00900ull | APIC_BASE_RESERVED9, "GP:0"),
		WRMSR(MSR_APIC_BASE, 0xfee00900ull | (1ull << 52), "GP:0"),	/* beyond MAXPHYADDR */
		WRMSR(MSR_APIC_BASE, 0xfee00900ull | APIC_BASE_X2APIC, NULL),
		RDMSR(MSR_APIC_BASE, SH_EDX_EAX, NULL),
		WRMSR(MSR_APIC_BASE, 0xfed00900ull, NULL),		/* relocated */
		RDMSR(MSR_APIC_BASE, SH_EDX_EAX, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_msr_mtrr(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_MTRRCAP, SH_EDX_EAX, NULL),
		WRMSR(MSR_MTRRCAP, 0, "GP:0"),			/* read-only */
		RDMSR(MSR_MTRR_DEF_TYPE, SH_EDX_EAX, NULL),
		WRMSR(MSR_MTRR_DEF_TYPE, MTRR_DEF_E_WB, "ok"),
		WRMSR(MSR_MTRR_DEF_TYPE, 0xc02, "GP:0"),		/* type 2 */
		WRMSR(MSR_MTRR_DEF_TYPE, 1ull << 20, "GP:0"),
		WRMSR(MSR_MTRR_PHYSBASE0, MTRR_TYPE_WB, NULL),
		WRMSR(MSR_MTRR_PHYSBASE0, 2, NULL),			/* type 2 */
		WRMSR(MSR_MTRR_PHYSMASK0, 1ull << 11, NULL),		/* valid, mask 0 */
		WRMSR(MSR_MTRR_FIX64K, MTRR_FIX_ALL_WB, NULL),
		WRMSR(MSR_MTRR_FIX64K, MTRR_FIX_TYPE_2, NULL),
		RDMSR(MSR_MTRR_DEF_TYPE, SH_EDX_EAX, NULL),
		RDMSR(MSR_MTRR_PHYSBASE0, SH_EDX_EAX, NULL),
		RDMSR(MSR_MTRR_FIX64K, SH_EDX_EAX, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* TSC and TSC_ADJUST: the guest's TSC moves, the host's (and its TSC_ADJUST) must not. */
void scn_h_msr_tsc(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_TSC, SH_NONZERO, "nonzero"),
		WRMSR(MSR_TSC, 0x1000, "ok"),
		RDMSR(MSR_TSC, SH_BELOW_2_40, "small"),
		RDMSR(MSR_TSC_ADJUST, SH_OK, NULL),
		WRMSR(MSR_TSC_ADJUST, 1ull << 50, NULL),
		RDMSR(MSR_TSC, SH_OK, "ok"),
		WRMSR(MSR_TSC, 0x100000000000ull, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* Issue 11, item 8: jvmm's RDTSCP returned the host's TSC_AUX. */
void scn_h_msr_tsc_aux(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_TSC_AUX, SH_EDX_EAX, "0"),
		INSN(H_I_RDTSCP, 0, 0, SH_RCX, "0"),
		WRMSR(MSR_TSC_AUX, TSC_AUX_GUEST, "ok"),
		WRMSR(MSR_TSC_AUX, 1ull << 32, "GP:0"),
		INSN(H_I_RDTSCP, 0, 0, SH_RCX, "1234"),
		RDMSR(MSR_TSC_AUX, SH_EDX_EAX, "1234"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* XSS and the CET MSRs (0x6a0-0x6a8): none offered, none may reach the host. */
void scn_h_msr_xss_cet(void)
{
	const struct hop ops[] = {
		RDMSR(MSR_XSS, SH_OK, "GP:0"),
		WRMSR(MSR_XSS, 0, "GP:0"),
		WRMSR(MSR_XSS, 1ull << 11, "GP:0"),	/* CET_U */
		OP(H_OP_RDMSR_RANGE, MSR_CET_FIRST, NR_CET_MSRS, 0, SH_RAX, "0"),
		WRMSR(0x6a0, 0, "GP:0"),		/* U_CET */
		WRMSR(0x6a2, 1, "GP:0"),		/* S_CET: SH_STK_EN */
		WRMSR(0x6a4, 0x7000, "GP:0"),		/* PL0_SSP */
		WRMSR(0x6a8, 0x7000, "GP:0"),		/* INTERRUPT_SSP_TABLE_ADDR */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* The VMX capability MSRs: a guest without VMX cannot read (or write) them. */
void scn_h_msr_vmx_caps(void)
{
	const struct hop ops[] = {
		OP(H_OP_RDMSR_RANGE, MSR_VMX_BASIC, NR_VMX_MSRS, 0, SH_RAX, "0"),
		RDMSR(MSR_VMX_BASIC, SH_OK, "GP:0"),
		WRMSR(MSR_VMX_BASIC, 0, "GP:0"),
		WRMSR(MSR_VMX_BASIC + 0x11, 0, "GP:0"),	/* VMFUNC */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * Random indices (a fixed seed: the same on both devices): RDMSR of each,
 * and WRMSR of 0 to indices in no documented range.  Only "faulted or not"
 * goes into the result.
 */
void scn_h_msr_random(void)
{
	static struct hop ops[RANDOM_MSRS];
	uint32_t x = RANDOM_SEED;
	size_t i;

	for (i = 0; i < RANDOM_MSRS; i++) {
		uint32_t idx;

		x = x * 1103515245u + 12345u;		/* a fixed LCG */
		switch (i % 3) {
		case 0: idx = (x >> 8) & 0x1fff; break;			/* architectural */
		case 1: idx = 0xc0000000u | ((x >> 8) & 0x1fff); break;	/* x86-64 */
		default: idx = x | 0x20000000u; break;			/* anything */
		}
		/* Leave out KVM's paravirtual MSRs (0x11, 0x12, 0x4b564dxx): KVM gives them to every guest. */
		if (idx == 0x11 || idx == 0x12 || (idx & 0xffffff00u) == 0x4b564d00u)
			idx = 0x2ff00000u + i;
		if (i % 3 == 2)
			ops[i] = (struct hop)WRMSR(idx, 0, "GP:0");
		else
			ops[i] = (struct hop)RDMSR(idx, SH_OK, NULL);
	}
	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}
