/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode: build an IDT with an interrupt gate for vector
 * 0x20, then with IF=0 tell the host (PORT_SYNC), STI, and HLT in a loop.
 * The handler counts in ESI and writes the count to PORT_OUT.
 */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	mov	$handler, %eax
	mov	$(GUEST_IDT + 0x20 * 8), %edi
	mov	%ax, (%edi)
	movw	$SEL_CODE32, 2(%edi)
	movw	$0x8e00, 4(%edi)	/* present, DPL 0, 32-bit interrupt gate */
	shr	$16, %eax
	mov	%ax, 6(%edi)
	lidt	idt_desc
	xor	%esi, %esi
	cli
	mov	$1, %eax
	out	%eax, $PORT_SYNC
	sti
	nop
1:	hlt
	jmp	1b

handler:
	inc	%esi
	mov	%esi, %eax
	out	%eax, $PORT_OUT
	iret

	.balign	8
idt_desc:
	.word	256 * 8 - 1
	.long	GUEST_IDT
