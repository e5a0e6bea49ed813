/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfeatures.h - which processor state components (XCR0 bits) a guest of
 * jvmm may enable, and what CPUID tells it about them.
 *
 * fpu.c switches the state; xfeatures.c decides, from the host's XCR0
 * alone, what may be switched, so the unit tests can drive the decision
 * with any host (tests/unit/test-xfeatures.c).
 */
#ifndef JVMM_XFEATURES_H
#define JVMM_XFEATURES_H

#include <linux/types.h>

/* xfeatures.c */
int jvmm_xfeatures_init(bool xsave, u64 host_xcr0);
bool jvmm_xfeatures_xsave(void);
u64 jvmm_xfeatures_host_xcr0(void);
u64 jvmm_xfeatures_guest_mask(void);
u32 jvmm_xfeatures_area_size(u64 xfeatures);
bool jvmm_xcr0_valid(u64 xcr0);
void jvmm_xfeatures_adjust_cpuid(u64 guest_xcr0, u32 function, u32 index,
				 u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

#endif /* JVMM_XFEATURES_H */
