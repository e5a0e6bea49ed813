/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit: WRMSR junk to STAR, LSTAR, CSTAR, SFMASK and KERNEL_GS_BASE,
 * read each back to PORT_OUT (low, high), HLT; then the same again.
 */
#include "layout.h"
	.text
	.code64
	.globl start

	.macro	wr msr, val
	mov	$\msr, %ecx
	mov	$((\val) & 0xffffffff), %eax
	mov	$((\val) >> 32), %edx
	wrmsr
	.endm

	.macro	rd msr
	mov	$\msr, %ecx
	rdmsr
	out	%eax, $PORT_OUT
	mov	%edx, %eax
	out	%eax, $PORT_OUT
	.endm
start:
	wr	0xc0000081, JUNK_STAR
	wr	0xc0000082, JUNK_LSTAR
	wr	0xc0000083, JUNK_CSTAR
	wr	0xc0000084, JUNK_SFMASK
	wr	0xc0000102, JUNK_KERNEL_GS_BASE
	rd	0xc0000081
	rd	0xc0000082
	rd	0xc0000083
	rd	0xc0000084
	rd	0xc0000102
	hlt
	jmp	start
