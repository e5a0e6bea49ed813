/* SPDX-License-Identifier: GPL-2.0 */
/* hello - prints, touches an unknown port both ways, powers off. */
#define UNKNOWN_PORT 0x80

	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$greeting, %esi
	call	serial_puts
	mov	$port_msg, %esi
	call	serial_puts
	xor	%eax, %eax
	in	$UNKNOWN_PORT, %al
	call	serial_puthex
	out	%al, $UNKNOWN_PORT
	mov	$newline, %esi
	call	serial_puts
	call	power_off

greeting:	.asciz	"hello from the test kernel\n"
port_msg:	.asciz	"port 0x80 reads "
newline:	.asciz	"\n"
