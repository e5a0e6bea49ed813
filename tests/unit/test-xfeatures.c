// SPDX-License-Identifier: GPL-2.0
/*
 * test-xfeatures - unit tests of module/xfeatures.c: which XCR0 values a
 * guest's XSETBV may load and what CPUID tells the guest, for hosts the
 * test VM cannot be (Bochs has neither PKU nor AMX, and the VM runs with
 * AVX-512 off): a PKU+AMX+AVX-512 host, an AVX-only host, a host without
 * XSAVE.  PKRU and the AMX tile state are never a guest's: jvmm does not
 * switch them.
 *
 * xfeatures.c is compiled here unchanged, against the shims in kshim/.
 */
#include "kshim.h"

#include "xfeatures.c"
#include "kshim_log.h"

int fake_rdmsr(u32 index, u64 *val)
{
	(void)index;
	*val = 0;
	return -EIO;
}

u32 fake_cpuid_ecx(u32 leaf)
{
	(void)leaf;
	return 0;
}

/* CPUID.(EAX=0xD, ECX=i): size and offset of each component, as on Intel. */
static const struct { u32 size, offset; } xsave_layout[] = {
	[2] = { 256, 576 },	/* AVX */
	[5] = { 64, 1088 },	/* opmask */
	[6] = { 512, 1152 },	/* ZMM_Hi256 */
	[7] = { 1024, 1664 },	/* Hi16_ZMM */
	[9] = { 8, 2688 },	/* PKRU */
	[17] = { 64, 2752 },	/* XTILECFG */
	[18] = { 8192, 2816 },	/* XTILEDATA */
};

void fake_cpuid_count(u32 leaf, u32 subleaf, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	*eax = *ebx = *ecx = *edx = 0;
	if (leaf == 0xd && subleaf < ARRAY_SIZE(xsave_layout)) {
		*eax = xsave_layout[subleaf].size;
		*ebx = xsave_layout[subleaf].offset;
	}
}

static int failures, checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#define X87	XFEATURE_MASK_FP
#define SSE	XFEATURE_MASK_SSE
#define YMM	XFEATURE_MASK_YMM
#define AVX512	(XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | XFEATURE_MASK_Hi16_ZMM)
#define PKRU	XFEATURE_MASK_PKRU
#define AMX	(XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA)

/* Every bit set, so that the test sees which ones the guest loses. */
struct leaf {
	u32 eax, ebx, ecx, edx;
};

static struct leaf guest_cpuid(u64 guest_xcr0, u32 function, u32 index)
{
	struct leaf l = { ~0u, ~0u, ~0u, ~0u };

	if (function == 0xd)
		fake_cpuid_count(function, index, &l.eax, &l.ebx, &l.ecx, &l.edx);
	jvmm_xfeatures_adjust_cpuid(guest_xcr0, function, index, &l.eax, &l.ebx,
				    &l.ecx, &l.edx);
	return l;
}

/* A server with AVX-512, PKU and AMX: the guest gets x87 to AVX-512. */
static void test_full_host(void)
{
	struct leaf l;

	CHECK(jvmm_xfeatures_init(true, X87 | SSE | YMM | AVX512 | PKRU | AMX) == 0,
	      "init refused");
	CHECK(jvmm_xfeatures_guest_mask() == (X87 | SSE | YMM | AVX512),
	      "guest mask 0x%llx, want 0x%llx", jvmm_xfeatures_guest_mask(),
	      (u64)(X87 | SSE | YMM | AVX512));

	CHECK(jvmm_xcr0_valid(X87), "x87 only refused");
	CHECK(jvmm_xcr0_valid(X87 | SSE | YMM), "AVX refused");
	CHECK(jvmm_xcr0_valid(X87 | SSE | YMM | AVX512), "AVX-512 refused");
	CHECK(!jvmm_xcr0_valid(0), "XCR0 0 (no x87) accepted");
	CHECK(!jvmm_xcr0_valid(SSE), "x87 missing: accepted");
	CHECK(!jvmm_xcr0_valid(X87 | YMM), "AVX without SSE accepted");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | PKRU), "PKRU accepted");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | XFEATURE_MASK_XTILE_CFG), "XTILECFG accepted");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | YMM | AVX512 | AMX), "AMX accepted");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | YMM | XFEATURE_MASK_OPMASK), "part of AVX-512 accepted");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | AVX512), "AVX-512 without AVX accepted");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR),
	      "MPX accepted");

	l = guest_cpuid(X87, 7, 0);
	CHECK(!(l.ecx & (BIT(3) | BIT(4))), "CPUID.7.0:ECX offers PKU/OSPKE (0x%x)", l.ecx);
	CHECK(!(l.edx & (BIT(22) | BIT(24) | BIT(25))), "CPUID.7.0:EDX offers AMX (0x%x)", l.edx);
	CHECK(l.ebx & BIT(16), "CPUID.7.0:EBX lost AVX512F on an AVX-512 host");
	l = guest_cpuid(X87, 0xd, 0);
	CHECK(l.eax == (X87 | SSE | YMM | AVX512) && l.edx == 0,
	      "CPUID.0xD.0 offers XCR0 0x%x:%x", l.edx, l.eax);
	CHECK(l.ebx == 576, "CPUID.0xD.0:EBX %u for XCR0=x87, want 576", l.ebx);
	CHECK(l.ecx == 2688, "CPUID.0xD.0:ECX %u, want 2688 (up to Hi16_ZMM)", l.ecx);
	l = guest_cpuid(X87 | SSE | YMM, 0xd, 0);
	CHECK(l.ebx == 832, "CPUID.0xD.0:EBX %u for XCR0=AVX, want 832", l.ebx);
	l = guest_cpuid(X87, 0xd, 9);
	CHECK(!l.eax && !l.ebx, "CPUID.0xD.9 describes PKRU");
	l = guest_cpuid(X87, 0xd, 18);
	CHECK(!l.eax && !l.ebx, "CPUID.0xD.18 describes XTILEDATA");
	l = guest_cpuid(X87, 0xd, 1);
	CHECK(!(l.eax & (BIT(3) | BIT(4))), "CPUID.0xD.1 offers XSAVES/XFD (0x%x)", l.eax);
	l = guest_cpuid(X87, 0x1d, 0);
	CHECK(!l.eax && !l.ebx && !l.ecx && !l.edx, "CPUID.0x1D (AMX tiles) not empty");
}

/* AVX but no AVX-512 in XCR0 (the test VM: clearcpuid=avx512f). */
static void test_avx_host(void)
{
	struct leaf l;

	CHECK(jvmm_xfeatures_init(true, X87 | SSE | YMM) == 0, "init refused");
	CHECK(!jvmm_xcr0_valid(X87 | SSE | YMM | AVX512), "AVX-512 accepted without it in the host");
	CHECK(jvmm_xcr0_valid(X87 | SSE | YMM), "AVX refused");
	l = guest_cpuid(X87, 7, 0);
	CHECK(!(l.ebx & BIT(16)) && !(l.ebx & BIT(30)), "AVX-512 offered (EBX 0x%x)", l.ebx);
	CHECK(l.ebx & BIT(5), "AVX2 lost");
	l = guest_cpuid(X87, 0xd, 6);
	CHECK(!l.eax, "CPUID.0xD.6 describes ZMM_Hi256");
	/* A partial AVX-512 host XCR0 gives the guest none of it. */
	CHECK(jvmm_xfeatures_init(true, X87 | SSE | YMM | XFEATURE_MASK_OPMASK) == 0, "init");
	CHECK(jvmm_xfeatures_guest_mask() == (X87 | SSE | YMM), "partial AVX-512 kept: 0x%llx",
	      jvmm_xfeatures_guest_mask());
}

/* No XSAVE in the host ("noxsave"): FXSAVE only, no XSAVE, no AVX for the guest. */
static void test_no_xsave(void)
{
	struct leaf l;

	CHECK(jvmm_xfeatures_init(false, X87 | SSE | YMM) == 0, "init refused");
	CHECK(!jvmm_xfeatures_xsave(), "XSAVE used");
	CHECK(jvmm_xfeatures_host_xcr0() == 0, "host XCR0 0x%llx, want 0", jvmm_xfeatures_host_xcr0());
	CHECK(!jvmm_xcr0_valid(X87), "XSETBV accepted without XSAVE");
	l = guest_cpuid(X87, 1, 0);
	CHECK(!(l.ecx & (BIT(26) | BIT(28))), "CPUID.1:ECX offers XSAVE or AVX (0x%x)", l.ecx);
	l = guest_cpuid(X87, 0xd, 0);
	CHECK(!l.eax && !l.ebx && !l.ecx && !l.edx, "CPUID.0xD.0 not empty");
}

int main(void)
{
	test_full_host();
	test_avx_host();
	test_no_xsave();
	printf("test-xfeatures: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
