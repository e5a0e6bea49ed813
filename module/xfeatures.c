// SPDX-License-Identifier: GPL-2.0
/*
 * xfeatures.c - the processor state components a guest may enable.
 *
 * jvmm saves and restores a guest's x87, SSE, AVX and AVX-512 state
 * (fpu.c), as far as the host's XCR0 has them.  It does not switch PKRU
 * (protection keys) or the AMX tile state, so a guest may not enable
 * them: XSETBV with their bits is the #GP a CPU without them gives, and
 * CPUID does not offer them (nor AVX or AVX-512 where the host's XCR0
 * lacks them).  Without XSAVE in the host, guests get x87 and SSE through
 * FXSAVE, and no XSAVE at all.
 *
 * The decision reads no hardware but CPUID's size leaves, so the unit
 * tests drive it with hosts Bochs cannot be (PKU, AMX, AVX-512).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <asm/page.h>
#include <asm/fpu/types.h>

#include "compat.h"
#include "xfeatures.h"

#define XFEATURE_MASK_AVX512	(XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | \
				 XFEATURE_MASK_Hi16_ZMM)
/* The state components jvmm saves and restores for a guest. */
#define JVMM_XFEATURES		(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512)

/* The legacy region and header of an XSAVE area, SDM Vol. 1, "XSAVE Area". */
#define XSAVE_LEGACY_AND_HEADER_SIZE	576
#define XFEATURE_FIRST_EXTENDED		2
#define CPUID_LEAF_XSAVE		0xd

/* CPUID bits that name state jvmm does not give a guest. */
#define CPUID_1_ECX_FMA		BIT(12)
#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_1_ECX_AVX		BIT(28)
#define CPUID_1_ECX_F16C	BIT(29)
#define CPUID_7_EBX_AVX2	BIT(5)
/* AVX512F, DQ, IFMA, PF, ER, CD, BW, VL */
#define CPUID_7_EBX_AVX512	(BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | \
				 BIT(28) | BIT(30) | BIT(31))
/* AVX512_VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ */
#define CPUID_7_ECX_AVX512	(BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14))
#define CPUID_7_ECX_PKU_OSPKE	(BIT(3) | BIT(4))
/* AVX512_4VNNIW, 4FMAPS, VP2INTERSECT, FP16 */
#define CPUID_7_EDX_AVX512	(BIT(2) | BIT(3) | BIT(8) | BIT(23))
/* AMX_BF16, AMX_TILE, AMX_INT8 */
#define CPUID_7_EDX_AMX		(BIT(22) | BIT(24) | BIT(25))
#define CPUID_7_1_EAX_AVX512_BF16 BIT(5)
/* XSAVES/XRSTORS (the VM-execution control is not used) and XFD */
#define CPUID_D_1_EAX_XSAVES_XFD (BIT(3) | BIT(4))
#define CPUID_LEAF_AMX_TILE	0x1d
#define CPUID_LEAF_AMX_TMUL	0x1e

static bool use_xsave;
static u64 host_xcr0;
static u64 guest_mask;		/* the XCR0 bits a guest may set */

bool jvmm_xfeatures_xsave(void)
{
	return use_xsave;
}

u64 jvmm_xfeatures_host_xcr0(void)
{
	return host_xcr0;
}

u64 jvmm_xfeatures_guest_mask(void)
{
	return guest_mask;
}

/* Bytes of a standard-format XSAVE area holding @xfeatures. */
u32 jvmm_xfeatures_area_size(u64 xfeatures)
{
	u32 size = XSAVE_LEGACY_AND_HEADER_SIZE;
	u32 eax, ebx, ecx, edx;
	int i;

	for (i = XFEATURE_FIRST_EXTENDED; i < 64; i++) {
		if (!(xfeatures & BIT_ULL(i)))
			continue;
		/*
		 * Sub-leaf i: EAX size, EBX offset (SDM Vol. 1,
		 * "Enumeration of CPU Support for XSAVE Instructions").
		 */
		cpuid_count(CPUID_LEAF_XSAVE, i, &eax, &ebx, &ecx, &edx);
		size = max(size, ebx + eax);
	}
	return size;
}

/*
 * Decide, once at load: @xsave is the host's XSAVE (CPUID and CR4.OSXSAVE),
 * @xcr0 its XCR0.  -EOPNOTSUPP, with one line, if the state would not fit
 * the page fpu.c gives each guest.
 */
int jvmm_xfeatures_init(bool xsave, u64 xcr0)
{
	use_xsave = xsave;
	host_xcr0 = xsave ? xcr0 : 0;
	guest_mask = host_xcr0 & JVMM_XFEATURES;
	/* AVX-512 is all three components or none (SDM Vol. 1, "XSETBV"). */
	if ((guest_mask & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512)
		guest_mask &= ~XFEATURE_MASK_AVX512;
	if (!(guest_mask & XFEATURE_MASK_YMM))
		guest_mask &= ~XFEATURE_MASK_AVX512;
	if (use_xsave && jvmm_xfeatures_area_size(guest_mask) > PAGE_SIZE) {
		pr_err("cannot load: the XSAVE area for XCR0 0x%llx exceeds a page\n",
		       guest_mask);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The XCR0 values a guest may load: x87 always, SSE with AVX, AVX-512
 * whole and with AVX, and only components jvmm switches.  SDM Vol. 1,
 * "Extended Control Register (XCR0)", and the XSETBV reference.
 */
bool jvmm_xcr0_valid(u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~guest_mask))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	return true;
}

static void adjust_leaf_7(u32 index, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	bool avx = guest_mask & XFEATURE_MASK_YMM;
	bool avx512 = guest_mask & XFEATURE_MASK_AVX512;

	if (index == 1) {
		if (!avx512)
			*eax &= ~CPUID_7_1_EAX_AVX512_BF16;
		return;
	}
	if (index)
		return;
	*ecx &= ~CPUID_7_ECX_PKU_OSPKE;
	*edx &= ~CPUID_7_EDX_AMX;
	if (!avx)
		*ebx &= ~CPUID_7_EBX_AVX2;
	if (!avx512) {
		*ebx &= ~CPUID_7_EBX_AVX512;
		*ecx &= ~CPUID_7_ECX_AVX512;
		*edx &= ~CPUID_7_EDX_AVX512;
	}
}

static void adjust_leaf_d(u64 guest_xcr0, u32 index, u32 *eax, u32 *ebx,
			  u32 *ecx, u32 *edx)
{
	if (!use_xsave) {
		*eax = *ebx = *ecx = *edx = 0;
	} else if (index == 0) {
		*eax = lower_32_bits(guest_mask);
		*edx = upper_32_bits(guest_mask);
		*ebx = jvmm_xfeatures_area_size(guest_xcr0 & guest_mask);
		*ecx = jvmm_xfeatures_area_size(guest_mask);
	} else if (index == 1) {
		*eax &= ~CPUID_D_1_EAX_XSAVES_XFD;
		*ecx = *edx = 0;
	} else if (index >= 64 || !(guest_mask & BIT_ULL(index))) {
		*eax = *ebx = *ecx = *edx = 0;
	}
}

/* CPUID as a guest of jvmm sees it: no state jvmm does not switch. */
void jvmm_xfeatures_adjust_cpuid(u64 guest_xcr0, u32 function, u32 index,
				 u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	switch (function) {
	case 1:
		if (!use_xsave)
			*ecx &= ~CPUID_1_ECX_XSAVE;
		if (!(guest_mask & XFEATURE_MASK_YMM))
			*ecx &= ~(CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C);
		break;
	case 7:
		adjust_leaf_7(index, eax, ebx, ecx, edx);
		break;
	case CPUID_LEAF_XSAVE:
		adjust_leaf_d(guest_xcr0, index, eax, ebx, ecx, edx);
		break;
	case CPUID_LEAF_AMX_TILE:
	case CPUID_LEAF_AMX_TMUL:
		*eax = *ebx = *ecx = *edx = 0;
		break;
	}
}
