/* SPDX-License-Identifier: GPL-2.0 */
/* 64-bit mode (set up by KVM_SET_SREGS): a 64-bit constant in RBX and RCX, out in halves. */
#include "layout.h"
	.text
	.code64
	.globl start
start:
	movabs	$0x123456789abcdef0, %rbx
	mov	%rbx, %rax
	out	%eax, $PORT_OUT
	shr	$32, %rax
	out	%eax, $PORT_OUT
	mov	%rbx, 0x600
	lea	start(%rip), %rax
	out	%eax, $PORT_OUT
	push	%rbx
	pop	%rcx
	hlt
