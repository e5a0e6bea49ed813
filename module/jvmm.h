/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jvmm.h - what the files of jvmm.ko offer each other, grouped by file.
 *
 * Each group below is the interface of one source file; a reader looking
 * for a function finds its file here.
 */
#ifndef JVMM_H
#define JVMM_H

#include <linux/types.h>

#include "caps.h"
#include "vmx_arch.h"

/* vmxon.c: VMX operation on every online CPU */
int jvmm_vmx_enable_all(void);
void jvmm_vmx_disable_all(void);

/* dev.c: /dev/jvmm */
int jvmm_dev_register(umode_t mode);
void jvmm_dev_unregister(void);

#endif /* JVMM_H */
