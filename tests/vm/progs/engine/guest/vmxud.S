/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode: VMX instructions raise #UD in a guest that has
 * not entered VMX operation (jvmm never nests; KVM's nested VMX says the
 * same while the guest's CR4.VMXE is clear).  A #UD handler counts in ESI,
 * reports the faulting opcode's third byte to PORT_OUT and steps over the
 * 3-byte instruction; at the end the count goes to PORT_SYNC, then HLT.
 */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	mov	$ud_handler, %eax
	mov	$(GUEST_IDT + 6 * 8), %edi
	mov	%ax, (%edi)
	movw	$SEL_CODE32, 2(%edi)
	movw	$0x8e00, 4(%edi)	/* present, DPL 0, 32-bit interrupt gate */
	shr	$16, %eax
	mov	%ax, 6(%edi)
	lidt	idt_desc
	xor	%esi, %esi
	vmxoff				/* 0f 01 c4 */
	vmlaunch			/* 0f 01 c2 */
	vmresume			/* 0f 01 c3 */
	mov	%esi, %eax
	out	%eax, $PORT_SYNC
	hlt

/* The CPU pushed EIP, CS, EFLAGS: report the opcode's last byte, skip it. */
ud_handler:
	inc	%esi
	mov	(%esp), %ebx
	movzbl	2(%ebx), %eax
	out	%eax, $PORT_OUT
	addl	$3, (%esp)
	iret

	.balign	8
idt_desc:
	.word	256 * 8 - 1
	.long	GUEST_IDT
