/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit: report every GPR the host set with KVM_SET_REGS, and RFLAGS,
 * as two 32-bit OUTs each (low half first), in kvm_regs order.
 */
#include "layout.h"
	.text
	.code64
	.globl start
	.macro	report reg
	mov	\reg, %rax
	out	%eax, $PORT_OUT
	shr	$32, %rax
	out	%eax, $PORT_OUT
	.endm
start:
	mov	%rax, GUEST_DATA
	pushfq
	popq	GUEST_DATA + 8
	report	GUEST_DATA
	report	%rbx
	report	%rcx
	report	%rdx
	report	%rsi
	report	%rdi
	report	%rsp
	report	%rbp
	report	%r8
	report	%r9
	report	%r10
	report	%r11
	report	%r12
	report	%r13
	report	%r14
	report	%r15
	report	GUEST_DATA + 8
	hlt
