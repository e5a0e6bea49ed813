/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * jvmm.h - the userspace ABI of /dev/jvmm.
 *
 * /dev/jvmm speaks a strict subset of KVM's ABI: the ioctl numbers and
 * structures are those of <linux/kvm.h>, so a KVM program runs unchanged
 * when it opens /dev/jvmm instead of /dev/kvm.  Documentation/uapi.md
 * lists what is implemented.  This header adds only what jvmm has and KVM
 * does not.
 */
#ifndef _UAPI_JVMM_H
#define _UAPI_JVMM_H

#include <linux/kvm.h>

#define JVMM_DEVICE_PATH	"/dev/jvmm"

/*
 * KVM_EXIT_HYPERCALL is a jvmm extension: KVM answers VMCALL in the kernel,
 * jvmm hands every VMCALL, from any privilege level, to userspace
 * (Documentation/hypercalls.md).  The 64-bit word at
 * &run->hypercall.longmode (KVM's "flags" in newer headers, "longmode"
 * and "pad" in older ones) carries:
 *   bit 0       the guest was in 64-bit mode (KVM's KVM_EXIT_HYPERCALL_LONG_MODE)
 *   bits 33:32  the CPL the VMCALL came from
 */
#define JVMM_HYPERCALL_FLAG_LONG_MODE	(1ULL << 0)
#define JVMM_HYPERCALL_CPL_SHIFT	32
#define JVMM_HYPERCALL_FLAGS_CPL(cpl)	((unsigned long long)(cpl) << JVMM_HYPERCALL_CPL_SHIFT)
#define JVMM_HYPERCALL_CPL(flags)	(((flags) >> JVMM_HYPERCALL_CPL_SHIFT) & 3)

#endif /* _UAPI_JVMM_H */
