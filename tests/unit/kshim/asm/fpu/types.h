/* SPDX-License-Identifier: GPL-2.0 */
/* The XSAVE state components, numbered as in the SDM (and the kernel). */
#include "../../kshim.h"
#define XFEATURE_MASK_FP		(1 << 0)
#define XFEATURE_MASK_SSE		(1 << 1)
#define XFEATURE_MASK_YMM		(1 << 2)
#define XFEATURE_MASK_BNDREGS		(1 << 3)
#define XFEATURE_MASK_BNDCSR		(1 << 4)
#define XFEATURE_MASK_OPMASK		(1 << 5)
#define XFEATURE_MASK_ZMM_Hi256		(1 << 6)
#define XFEATURE_MASK_Hi16_ZMM		(1 << 7)
#define XFEATURE_MASK_PKRU		(1 << 9)
#define XFEATURE_MASK_XTILE_CFG		(1 << 17)
#define XFEATURE_MASK_XTILE_DATA	(1 << 18)
