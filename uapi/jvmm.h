/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * jvmm.h - the userspace ABI of /dev/jvmm.
 *
 * /dev/jvmm speaks a strict subset of KVM's ABI: the ioctl numbers and
 * structures are those of <linux/kvm.h>, so a KVM program runs unchanged
 * when it opens /dev/jvmm instead of /dev/kvm.  Documentation/uapi.md
 * lists what is implemented.  This header adds only what jvmm has and KVM
 * does not; so far that is nothing but the device's name.
 */
#ifndef _UAPI_JVMM_H
#define _UAPI_JVMM_H

#include <linux/kvm.h>

#define JVMM_DEVICE_PATH	"/dev/jvmm"

#endif /* _UAPI_JVMM_H */
