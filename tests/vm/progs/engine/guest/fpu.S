/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit with CR4.OSFXSR: load guest values into XMM0-15, MXCSR and the
 * x87 control word, exit (PORT_SYNC) so that the host can check its own
 * registers, then report some guest values back: the host's registers
 * must not leak into the guest either.  If CPUID offers XSAVE, the guest
 * also sets CR4.OSXSAVE and XCR0 = x87|SSE with XSETBV (the host's XCR0
 * must not change) and reports XGETBV last (0 without XSAVE).
 */
#include "layout.h"
	.text
	.code64
	.globl start
start:
	xor	%r15d, %r15d		/* XCR0 to report */
	mov	$1, %eax
	cpuid
	bt	$26, %ecx		/* CPUID.1:ECX.XSAVE */
	jnc	1f
	mov	%cr4, %rax
	bts	$18, %rax		/* CR4.OSXSAVE */
	mov	%rax, %cr4
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$3, %eax		/* x87 | SSE */
	xsetbv
	xor	%ecx, %ecx
	xgetbv
	mov	%eax, %r15d
1:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movabs	$(0x0101010101010101 * (\n + 1)), %rax
	movq	%rax, %xmm\n
	punpcklqdq %xmm\n, %xmm\n
	.endr
	ldmxcsr	mxcsr(%rip)
	fninit
	fldcw	fcw(%rip)
	mov	$1, %eax
	out	%eax, $PORT_SYNC
	movq	%xmm5, %rax
	out	%eax, $PORT_OUT
	pshufd	$0x4e, %xmm15, %xmm0
	movq	%xmm0, %rax
	out	%eax, $PORT_OUT
	stmxcsr	GUEST_DATA
	mov	GUEST_DATA, %eax
	out	%eax, $PORT_OUT
	fnstcw	GUEST_DATA
	movzwl	GUEST_DATA, %eax
	out	%eax, $PORT_OUT
	mov	%r15d, %eax
	out	%eax, $PORT_OUT
	hlt

mxcsr:	.long	GUEST_MXCSR
fcw:	.word	GUEST_FCW
