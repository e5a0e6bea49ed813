/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode: count in EBX, spin EDI iterations (EDI >= 1, set
 * by the host), report the count to PORT_OUT, forever.
 */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	xor	%ebx, %ebx
1:	inc	%ebx
	mov	%edi, %ecx
2:	loop	2b
	mov	%ebx, %eax
	out	%eax, $PORT_OUT
	jmp	1b
