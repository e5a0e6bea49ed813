/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: store 42 at gpa 0x400, then HLT. */
#include "layout.h"
	.text
	.code16
	.globl start
start:
	movb	$42, 0x400
	hlt
