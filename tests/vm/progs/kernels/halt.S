/* SPDX-License-Identifier: GPL-2.0 */
/* halt - what a guest's panic looks like: a message, then halt for good. */
	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$msg, %esi
	call	serial_puts
	cli
	hlt
	call	power_off
msg:	.asciz	"halting with interrupts off\n"
