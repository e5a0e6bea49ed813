/* SPDX-License-Identifier: GPL-2.0 */
/* 32-bit protected mode (set up by KVM_SET_SREGS): a counting loop writing to a port. */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	mov	$4, %ecx
	mov	$0x11111111, %eax
1:	out	%eax, $PORT_OUT
	add	$0x11111111, %eax
	loop	1b
	mov	%eax, 0x500
	mov	%esp, %eax
	out	%eax, $PORT_OUT
	push	$0x12345678
	pop	%ebx
	mov	%ebx, %eax
	out	%eax, $PORT_OUT
	hlt
