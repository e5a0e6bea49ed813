/* SPDX-License-Identifier: GPL-2.0 */
/* triple - an empty IDT, then an exception: #GP, #DF, shutdown. */
	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$msg, %esi
	call	serial_puts
	lidt	empty_idt
	int3
	jmp	.

	.p2align 3
empty_idt:
	.word	0
	.long	0
msg:	.asciz	"about to triple-fault\n"
