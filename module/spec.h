/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spec.h - the flags of jvmm_vmx_enter() (entry.S), and spec.c's
 * defences against speculative-execution attacks from a guest.
 * Included by assembly: #defines only outside __ASSEMBLY__.
 */
#ifndef JVMM_SPEC_H
#define JVMM_SPEC_H

#include <linux/bits.h>

#define JVMM_RUN_RESUME_BIT	0
#define JVMM_RUN_RESUME		BIT(JVMM_RUN_RESUME_BIT)	/* VMRESUME, not VMLAUNCH */
#define JVMM_RUN_VERW		BIT(1)	/* clear CPU buffers before entry */
#define JVMM_RUN_SPEC_CTRL	BIT(2)	/* write the host's SPEC_CTRL after exit */
#define JVMM_RUN_CLEAR_BHB	BIT(3)	/* clear branch history after exit */

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct jvmm_vcpu;

int jvmm_spec_init(void);
void jvmm_spec_log(void);
void jvmm_spec_exit(void);
void jvmm_spec_section_open(struct jvmm_vcpu *vcpu, int cpu);
unsigned long jvmm_spec_before_entry(struct jvmm_vcpu *vcpu, u64 *host_spec_ctrl);
void jvmm_spec_return_to_user(void);
void jvmm_spec_adjust_cpuid(u32 function, u32 index, u32 *eax, u32 *ebx,
			    u32 *ecx, u32 *edx);
#endif

#endif
