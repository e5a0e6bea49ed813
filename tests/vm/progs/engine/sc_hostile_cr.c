// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_cr.c - hostile corpus: MOV to CR0, CR3, CR4 and CR8 with
 * reserved bits and the VMXE/SMXE/PKE/CET bits; MOV DR with bits 63:32,
 * breakpoints on the guest's own code and data, general detect; XSETBV
 * with every invalid and every unswitched XCR0 bit.  One fresh VM each.
 */
#include "engine.h"

#define CR0_PE			(1ull << 0)
#define CR0_ET			(1ull << 4)
#define CR0_PG			(1ull << 31)
#define CR4_DE			(1ull << 3)
#define CR4_VMXE		(1ull << 13)
#define CR4_SMXE		(1ull << 14)
#define CR4_OSXSAVE		(1ull << 18)
#define CR4_PKE			(1ull << 22)
#define CR4_CET			(1ull << 23)
#define CR3_BIT63		(1ull << 63)	/* no-flush with PCIDE, else reserved */
#define CR3_BIT52		(1ull << 52)	/* above every MAXPHYADDR */
#define CR3_PWT_PCD		0x18ull
#define DR6_INIT		0xffff0ff0ull
#define DR7_INIT		0x400ull
#define DR7_GD			(1ull << 13)
#define DR7_L0_EXEC		0x401ull	/* L0, R/W0 = 00 (execute), LEN0 = 00 */
#define DR7_L1_WRITE4		0x00d00404ull	/* L1, R/W1 = 01 (write), LEN1 = 11 (4 bytes) */
#define MSR_S_CET		0x6a2
#define XCR0_X87_SSE		0x3ull
#define XCR0_X87_SSE_AVX	0x7ull
#define XCR0_MPX		0x18ull		/* BNDREGS | BNDCSR */
#define XCR0_AVX512		0xe0ull		/* opmask | ZMM_Hi256 | Hi16_ZMM */
#define XCR0_AMX		0x60000ull	/* XTILECFG | XTILEDATA */
#define LOW_32_BITS		0xffffffffull
#define HIGH_32_BITS		0xffffffff00000000ull

/* MOV to CR0: each bit but PE and PG flipped from the guest's value (bits 63:32 #GP). */
void scn_h_cr0_bits(void)
{
	const struct hop ops[] = {
		OP(H_OP_CR_SCAN, 0, ~(CR0_PE | CR0_PG), H_CR0_BASE, SH_RAX, NULL),
		RDCR(0, "80010033"),
		WRCR(0, H_CR0_BASE & ~CR0_PE, "GP:0"),		/* PG without PE */
		WRCR(0, H_CR0_BASE & ~CR0_ET, NULL),		/* ET is hardwired */
		RDCR(0, NULL),
		WRCR(0, H_CR0_BASE | (1ull << 32), "GP:0"),
		RDCR(0, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_cr3_reserved(void)
{
	const struct hop ops[] = {
		WRCR(3, GUEST_PML4 | CR3_BIT63, "GP:0"),
		WRCR(3, GUEST_PML4 | CR3_BIT52, "GP:0"),
		WRCR(3, GUEST_PML4 | CR3_PWT_PCD, "ok"),
		RDCR(3, "9018"),
		WRCR(3, GUEST_PML4, "ok"),
		RDCR(3, "9000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* MOV to CR4: every bit flipped from the guest's value, each on its own. */
void scn_h_cr4_bits(void)
{
	const struct hop ops[] = {
		OP(H_OP_CR_SCAN, 4, ~0ull, H_CR4_BASE, SH_RAX, NULL),
		RDCR(4, "620"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* One CR4 bit the guest's CPUID does not offer, then an instruction it would allow. */
static void cr4_bit(uint64_t bit, struct hop then)
{
	const struct hop ops[] = {
		WRCR(4, H_CR4_BASE | bit, "GP:0"),
		RDCR(4, "620"),
		then,
		RDCR(4, "620"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_cr4_vmxe(void) { cr4_bit(CR4_VMXE, (struct hop)INSN(H_I_VMXON, 0, 0, SH_OK, "UD")); }
void scn_h_cr4_smxe(void) { cr4_bit(CR4_SMXE, (struct hop)INSN(H_I_GETSEC, 0, 0, SH_OK, "UD")); }
void scn_h_cr4_pke(void) { cr4_bit(CR4_PKE, (struct hop)RDMSR(0x6e1, SH_OK, NULL)); /* IA32_PKRS */ }
void scn_h_cr4_cet(void) { cr4_bit(CR4_CET, (struct hop)RDMSR(MSR_S_CET, SH_OK, "GP:0")); }

void scn_h_cr8(void)
{
	const struct hop ops[] = {
		WRCR(8, 15, "ok"),
		RDCR(8, "f"),
		WRCR(8, 16, "GP:0"),
		WRCR(8, 1ull << 63, NULL),	/* kvm_intel in Bochs took it, and CR8 read 0 */
		RDCR(8, NULL),
		WRCR(8, 0, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * DR7 and DR6: bits 63:32 must #GP (SDM Vol. 3, 18.2.4; issue 11, item 8:
 * jvmm accepted them in DR7).  GD is left out of the scan: it would turn
 * the scan's own next MOV DR into a #DB.
 */
void scn_h_dr_bits(void)
{
	const struct hop ops[] = {
		OP(H_OP_DR_SCAN, 7, ~DR7_GD, DR7_INIT, SH_RAX, "ffffdfff"),
		RDDR(7, "400"),
		OP(H_OP_DR_SCAN, 6, ~0ull, DR6_INIT, SH_RAX, "ffffffff"),
		WRDR(7, DR7_INIT | (1ull << 32), "GP:0"),
		WRDR(7, DR7_INIT | (1ull << 63), "GP:0"),
		RDDR(7, "400"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * Breakpoints on the guest itself: an instruction breakpoint on the landing
 * stub it jumps to, a data breakpoint on a word it writes, general detect
 * on its next MOV DR; DR4 as DR6 with CR4.DE clear, #UD with it set.
 */
void scn_h_dr_breakpoints(void)
{
	const struct hop ops[] = {
		WRDR(0, H_LANDING_ALT, "ok"),
		WRDR(7, DR7_L0_EXEC, "ok"),
		OP(H_OP_JMP, H_LANDING_ALT, 0, 0, SH_OK, "DB"),
		RDDR(6, "ffff0ff1"),
		WRDR(6, DR6_INIT, "ok"),
		WRDR(1, H_WATCHED, "ok"),
		WRDR(7, DR7_L1_WRITE4, "ok"),
		OP(H_OP_WRITE, H_WATCHED, 1, 0, SH_OK, "DB"),
		RDDR(6, "ffff0ff2"),
		OP(H_OP_READ, H_WATCHED, 0, 0, SH_RAX, "1"),
		WRDR(7, DR7_INIT, "ok"),
		WRDR(6, DR6_INIT, "ok"),
		WRDR(7, DR7_INIT | DR7_GD, "ok"),
		INSN(H_I_MOV_DR_AFTER_GD, DR7_INIT, 0, SH_OK, "DB"),
		RDDR(6, "ffff2ff0"),
		RDDR(7, "400"),
		RDDR(4, "ffff2ff0"),
		WRCR(4, H_CR4_BASE | CR4_DE, "ok"),
		RDDR(4, "UD"),
		WRCR(4, H_CR4_BASE, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* XSETBV/XGETBV before CR4.OSXSAVE (#UD), then invalid values and indices. */
void scn_h_xsetbv_basic(void)
{
	const struct hop ops[] = {
		XSETBV(0, XCR0_X87_SSE, "UD"),
		XGETBV(0, "UD"),
		WRCR(4, H_CR4_BASE | CR4_OSXSAVE, "ok"),
		XGETBV(0, "1"),				/* the reset value: x87 */
		XSETBV(0, 0, "GP:0"),			/* x87 must be set */
		XSETBV(0, 2, "GP:0"),
		XSETBV(0, 1, "ok"),
		XSETBV(0, 5, "GP:0"),			/* AVX without SSE */
		XSETBV(0, XCR0_X87_SSE, "ok"),
		XSETBV(0, XCR0_X87_SSE_AVX, NULL),	/* as the host's CPUID says */
		XGETBV(0, NULL),
		XSETBV(1, 1, "GP:0"),			/* XCR1 is read-only */
		XSETBV(0xffffffff, 1, "GP:0"),
		XGETBV(1, NULL),
		XSETBV(0, XCR0_X87_SSE | XCR0_MPX, NULL),
		XSETBV(0, XCR0_X87_SSE_AVX | XCR0_AVX512, "GP:0"),	/* clearcpuid=avx512f */
		XSETBV(0, XCR0_X87_SSE_AVX | XCR0_AMX, "GP:0"),
		XGETBV(0, NULL),
		XSETBV(0, XCR0_X87_SSE, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* Each XCR0 bit 2..31 on its own on top of x87|SSE: which ones does XSETBV take? */
void scn_h_xsetbv_low_bits(void)
{
	const struct hop ops[] = {
		WRCR(4, H_CR4_BASE | CR4_OSXSAVE, "ok"),
		XSETBV(0, XCR0_X87_SSE, "ok"),
		OP(H_OP_XSETBV_SCAN, XCR0_X87_SSE, LOW_32_BITS & ~XCR0_X87_SSE, 0, SH_RAX, NULL),
		OP(H_OP_XSETBV_SCAN, XCR0_X87_SSE_AVX, LOW_32_BITS & ~XCR0_X87_SSE_AVX, 0, SH_RAX, NULL),
		XGETBV(0, "3"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* Bits 32..63: none is defined for XCR0 that a guest could be given. */
void scn_h_xsetbv_high_bits(void)
{
	const struct hop ops[] = {
		WRCR(4, H_CR4_BASE | CR4_OSXSAVE, "ok"),
		XSETBV(0, XCR0_X87_SSE, "ok"),
		OP(H_OP_XSETBV_SCAN, XCR0_X87_SSE, HIGH_32_BITS, 0, SH_RAX, "0"),
		XGETBV(0, "3"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}
