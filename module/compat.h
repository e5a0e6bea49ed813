/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the differences between the kernels jvmm builds against
 * (Debian's 6.1, 6.12 and 7.x), in one place.
 *
 * Each shim names the kernel version and the change it covers.  The code
 * elsewhere is written against the newest API; a shim maps that API to
 * the older kernels.  Nothing here is a symbol a kernel exports to KVM
 * only: those are not used at all (Documentation/design.md).
 */
#ifndef JVMM_COMPAT_H
#define JVMM_COMPAT_H

#include <linux/kvm.h>
#include <asm/cpufeatures.h>
#include <asm/msr.h>

/*
 * Linux 6.16 renamed the 64-bit MSR accessors rdmsrl(), wrmsrl() and
 * rdmsrl_safe() to rdmsrq(), wrmsrq() and rdmsrq_safe() (commits
 * "x86/msr: Rename 'rdmsrl()' to 'rdmsrq()'" and friends); 7.2 dropped
 * the old names.  rdmsrq() is a macro wherever it exists.
 */
#ifndef rdmsrq
#define rdmsrq(msr, val)	rdmsrl(msr, val)
#define wrmsrq(msr, val)	wrmsrl(msr, val)
#define rdmsrq_safe(msr, p)	rdmsrl_safe(msr, p)
#endif

/*
 * The CPUID helpers (cpuid_count(), cpuid_ecx()) moved to
 * <asm/cpuid/api.h> in the 2025 CPUID header split, and <asm/processor.h>
 * no longer pulls them in (7.x); before, <asm/processor.h> had them.
 */
#if __has_include("asm/cpuid/api.h")
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

/*
 * By Linux 6.12, <uapi/linux/kvm.h> renames, inside the kernel, the
 * kvm_run fields userspace may change at any time to <name>__unsafe
 * (HINT_UNSAFE_IN_KVM()), so that each read of them is a deliberate,
 * single READ_ONCE().  6.1 has the plain names.
 */
#ifdef HINT_UNSAFE_IN_KVM
#define JVMM_KVM_RUN_UNSAFE(field)	HINT_UNSAFE_IN_KVM(field)
#else
#define JVMM_KVM_RUN_UNSAFE(field)	field
#endif

/*
 * Linux 6.18 ("x86/bugs: Rename CLEAR_BHB_LOOP_ON_VMEXIT") renamed the
 * feature that says branch history must be cleared after a VM exit;
 * 6.1 and 6.12 have the old name.
 */
#ifdef X86_FEATURE_CLEAR_BHB_VMEXIT
#define JVMM_FEATURE_CLEAR_BHB_VMEXIT	X86_FEATURE_CLEAR_BHB_VMEXIT
#else
#define JVMM_FEATURE_CLEAR_BHB_VMEXIT	X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT
#endif

#endif /* JVMM_COMPAT_H */
