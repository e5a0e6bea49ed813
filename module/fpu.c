// SPDX-License-Identifier: GPL-2.0
/*
 * fpu.c - the guest's x87, SSE and AVX state, kept in jvmm's own XSAVE
 * area and loaded into the CPU only inside a VMX section.
 *
 * The kernel offers hypervisors a way to make a guest's FPU state the
 * thread's own for a whole KVM_RUN (fpu_swap_kvm_fpstate()), but exports
 * it to KVM only.  jvmm uses the interface every kernel module has
 * instead: kernel_fpu_begin_mask() saves the calling thread's FPU state
 * (it comes back when the thread returns to userspace), then the guest's
 * state is loaded with XRSTOR; at the end of the section XSAVE puts it
 * back in our area and kernel_fpu_end() hands the FPU back.  Sections
 * run with interrupts off, so nothing else uses the FPU in between.
 *
 * XCR0 is switched with the state: the guest's value while it runs, the
 * host's otherwise.  Which components a guest may have is xfeatures.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/processor-flags.h>

#include "jvmm.h"
#include "vmx_ops.h"

/* The legacy region of an FXSAVE/XSAVE image, SDM Vol. 1, "FXSAVE". */
#define FXSAVE_FCW_OFFSET	0
#define FXSAVE_MXCSR_OFFSET	24
#define FCW_RESET		0x37f	/* all x87 exceptions masked, 64-bit precision */
#define MXCSR_RESET		0x1f80	/* all SSE exceptions masked */

/* Read the host's XSAVE setup once; without XSAVE, FXSAVE/FXRSTOR. */
int jvmm_fpu_init(void)
{
	bool xsave = boot_cpu_has(X86_FEATURE_XSAVE) &&
		     (jvmm_read_cr4() & X86_CR4_OSXSAVE);

	return jvmm_xfeatures_init(xsave, xsave ? xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0);
}

/* The state after RESET: x87 and SSE control words set, everything else initial. */
static void reset_area(void *area)
{
	memset(area, 0, PAGE_SIZE);
	*(u16 *)(area + FXSAVE_FCW_OFFSET) = FCW_RESET;
	*(u32 *)(area + FXSAVE_MXCSR_OFFSET) = MXCSR_RESET;
	/* XSTATE_BV 0: every other component starts in its initial state. */
}

int jvmm_fpu_alloc(struct jvmm_guest_fpu *fpu)
{
	fpu->area = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!fpu->area)
		return -ENOMEM;
	reset_area(fpu->area);
	fpu->xcr0 = XFEATURE_MASK_FP;
	fpu->loaded = false;
	return 0;
}

void jvmm_fpu_free(struct jvmm_guest_fpu *fpu)
{
	free_page((unsigned long)fpu->area);
	fpu->area = NULL;
}

struct fpu_page {
	u8 bytes[PAGE_SIZE];
};

/* XRSTOR or FXRSTOR, with a fault (a corrupt image) returned, not an oops. */
static int restore_area(void *area)
{
	u64 mask = jvmm_xfeatures_guest_mask();
	u32 lo = lower_32_bits(mask), hi = upper_32_bits(mask);

	if (jvmm_xfeatures_xsave()) {
		asm goto("1: xrstor64 %[area]\n\t"
			 _ASM_EXTABLE(1b, %l[fault])
			 : : [area] "m"(*(struct fpu_page *)area), "a"(lo), "d"(hi)
			 : "memory" : fault);
	} else {
		asm goto("1: fxrstor64 %[area]\n\t"
			 _ASM_EXTABLE(1b, %l[fault])
			 : : [area] "m"(*(struct fpu_page *)area) : "memory" : fault);
	}
	return 0;
fault:
	return -EFAULT;
}

static void save_area(void *area)
{
	u64 mask = jvmm_xfeatures_guest_mask();
	u32 lo = lower_32_bits(mask), hi = upper_32_bits(mask);

	if (jvmm_xfeatures_xsave())
		asm volatile("xsave64 %[area]"
			     : [area] "+m"(*(struct fpu_page *)area)
			     : "a"(lo), "d"(hi) : "memory");
	else
		asm volatile("fxsave64 %[area]"
			     : [area] "+m"(*(struct fpu_page *)area) : : "memory");
}

/*
 * XCR0 for the guest: its own value once it has set CR4.OSXSAVE, else the
 * host's (without OSXSAVE the guest cannot reach XCR0 or the state it
 * governs).  Called with the state loaded, whenever either changes.
 */
void jvmm_fpu_sync_xcr0(struct jvmm_guest_fpu *fpu, bool osxsave)
{
	u64 want = osxsave ? fpu->xcr0 : jvmm_xfeatures_host_xcr0();

	if (!jvmm_xfeatures_xsave() || !fpu->loaded || want == fpu->hw_xcr0)
		return;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, want);
	fpu->hw_xcr0 = want;
}

/*
 * Load the guest's state into the CPU: in a VMX section (interrupts off),
 * before the first entry that needs it.
 */
void jvmm_fpu_load(struct jvmm_guest_fpu *fpu, bool osxsave)
{
	kernel_fpu_begin_mask(0);
	if (restore_area(fpu->area)) {
		pr_warn_ratelimited("guest FPU image refused by the CPU; resetting it\n");
		reset_area(fpu->area);
		restore_area(fpu->area);
	}
	fpu->loaded = true;
	fpu->hw_xcr0 = jvmm_xfeatures_host_xcr0();
	jvmm_fpu_sync_xcr0(fpu, osxsave);
}

/* Save the guest's state and give the FPU back to the host.  Interrupts off. */
void jvmm_fpu_put(struct jvmm_guest_fpu *fpu)
{
	if (!fpu->loaded)
		return;
	if (jvmm_xfeatures_xsave() && fpu->hw_xcr0 != jvmm_xfeatures_host_xcr0())
		xsetbv(XCR_XFEATURE_ENABLED_MASK, jvmm_xfeatures_host_xcr0());
	save_area(fpu->area);
	fpu->loaded = false;
	kernel_fpu_end();
}
