/* SPDX-License-Identifier: GPL-2.0 */
/* outs - string port output, which jvmm does not emulate (internal error). */
	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$0x3F8, %dx
	mov	$msg, %esi
	mov	$3, %ecx
	cld
	rep outsb
	call	power_off
msg:	.ascii	"abc"
