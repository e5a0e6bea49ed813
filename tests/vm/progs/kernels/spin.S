/* SPDX-License-Identifier: GPL-2.0 */
/* spin - says so, then busy forever without a single exit (signal tests). */
	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$msg, %esi
	call	serial_puts
1:	jmp	1b
msg:	.asciz	"spinning\n"
