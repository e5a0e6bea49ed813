/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trapentry.S - one stub per vector, so that trap_dispatch() learns the
 * vector number, and a common path that saves the general registers into a
 * struct trapframe (trap.h).  The kernel uses no SSE/x87, so there is no
 * other state to save.  Everything runs at CPL 0 on the kernel stack: no
 * TSS stack switch is needed.
 */
#include "layout.h"

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

.macro trap_stub vec
	.p2align 4
trap_stub_\vec:
	.if HAS_ERROR_CODE(\vec) == 0
	pushq	$0		/* keeps the trapframe layout uniform */
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.text
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31, \
		32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	trap_stub \v
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* The SysV ABI wants DF clear; 22 pushed qwords keep RSP 16-aligned. */
	cld
	movq	%rsp, %rdi
	movabsq	$trap_dispatch, %rax
	call	*%rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp	/* vector and error code */
	iretq

	/* Stub addresses for trap_init(), indexed by vector. */
	.section .rodata
	.p2align 3
	.globl	trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31, \
		32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad	trap_stub_\v
	.endr
