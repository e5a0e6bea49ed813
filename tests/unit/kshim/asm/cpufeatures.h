/* SPDX-License-Identifier: GPL-2.0 */
/* Unit-test stand-in for <asm/cpufeatures.h>: compat.h only tests for names. */
#ifndef KSHIM_ASM_CPUFEATURES_H
#define KSHIM_ASM_CPUFEATURES_H
#endif
