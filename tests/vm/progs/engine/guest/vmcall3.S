/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit: IRETQ from CPL 0 to a CPL 3 code segment (IOPL 3, so that OUT
 * works there), then the VMCALL of vmcall0.S from ring 3.  No HLT at CPL
 * 3 (#GP): the guest spins after its last OUT; the host stops there.
 */
#include "layout.h"
	.text
	.code64
	.globl start
start:
	pushq	$(SEL_USER_DATA | 3)
	pushq	$GUEST_USER_STACK
	pushq	$0x3002
	pushq	$(SEL_USER_CODE64 | 3)
	lea	user(%rip), %rax
	push	%rax
	iretq
user:
	mov	%cs, %eax
	out	%eax, $PORT_OUT
	movabs	$0x1122334455667788, %rax
	mov	$0x11, %ebx
	mov	$0x22, %ecx
	mov	$0x33, %edx
	mov	$0x44, %esi
	mov	$0x55, %edi
	mov	$0x66, %r8d
	vmcall
	out	%eax, $PORT_OUT
	shr	$32, %rax
	out	%eax, $PORT_OUT
1:	jmp	1b
