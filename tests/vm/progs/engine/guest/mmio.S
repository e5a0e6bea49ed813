/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode: MMIO writes and reads at MMIO_GPA, outside every
 * slot; what the reads return goes out to PORT_OUT.
 */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	mov	$MMIO_GPA, %ebx
	movl	$0x12345678, (%ebx)
	mov	4(%ebx), %eax
	out	%eax, $PORT_OUT
	movb	$0x77, 8(%ebx)
	movw	0xc(%ebx), %ax
	out	%eax, $PORT_OUT
	hlt
