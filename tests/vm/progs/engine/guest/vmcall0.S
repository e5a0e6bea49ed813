/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit, CPL 0: VMCALL with nr in RAX and six arguments, then the return
 * value in RAX goes out to PORT_OUT in two halves.
 */
#include "layout.h"
	.text
	.code64
	.globl start
start:
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
	hlt
