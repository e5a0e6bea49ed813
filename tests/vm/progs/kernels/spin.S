/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spin - says so, then busy forever without a single exit (signal tests).
 * Interrupts are on while it spins (none ever comes: no --timer): Bochs
 * stops delivering the host's own interrupts to a nested guest spinning
 * with IF=0, which starves the whole test VM (Documentation/testing.md).
 */
	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$msg, %esi
	call	serial_puts
	sti
1:	jmp	1b
msg:	.asciz	"spinning\n"
