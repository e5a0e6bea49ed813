/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode, two slots.  Phase 1 (until the first HLT): write
 * and read back slot 1, read a value the host put there.  Phase 2 (after
 * the host deleted slot 1): the same addresses are no memory any more.
 */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	mov	$SLOT1_GPA, %ebx
	movl	$0xcafe0001, 0x10(%ebx)
	mov	0x10(%ebx), %eax
	out	%eax, $PORT_OUT
	mov	0x20(%ebx), %eax
	out	%eax, $PORT_OUT
	movl	$0x5107, 0x800		/* slot 0 still fine */
	hlt
	/* phase 2 */
	movl	$0x11223344, 0x30(%ebx)
	mov	0x40(%ebx), %eax
	out	%eax, $PORT_OUT
	hlt
