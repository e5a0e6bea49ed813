/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.S - what every test kernel shares.  Each is entered by jvmm's boot
 * sector in 32-bit protected mode with flat segments, interrupts off and
 * no stack, at its ELF entry point.  They print on COM1 and switch the
 * guest off through the power-off port, as guest/ documents.
 */
#include "hypercall.h"

#define COM1_THR	0x3F8
#define COM1_LSR	0x3FD
#define LSR_THRE	0x20

	.code32
	.text

/* al: one character to COM1, once the transmitter is ready. */
	.globl	serial_putc
serial_putc:
	push	%edx
	push	%eax
	mov	$COM1_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%eax
	mov	$COM1_THR, %dx
	out	%al, %dx
	pop	%edx
	ret

/* esi: a NUL-terminated string to COM1. */
	.globl	serial_puts
serial_puts:
	push	%eax
	push	%esi
1:	lodsb
	test	%al, %al
	jz	2f
	call	serial_putc
	jmp	1b
2:	pop	%esi
	pop	%eax
	ret

/* eax: printed as 8 hex digits. */
	.globl	serial_puthex
serial_puthex:
	push	%eax
	push	%ebx
	push	%ecx
	mov	%eax, %ebx
	mov	$8, %ecx
1:	rol	$4, %ebx
	mov	%ebx, %eax
	and	$0xF, %eax
	movb	hex_digits(%eax), %al
	call	serial_putc
	loop	1b
	pop	%ecx
	pop	%ebx
	pop	%eax
	ret

	.globl	power_off
power_off:
	mov	$POWEROFF_PORT, %dx
	mov	$POWEROFF_VALUE, %ax
	outw	%ax, %dx
	/* Not reached under jlaunch; a halt with interrupts off is a failure. */
	cli
1:	hlt
	jmp	1b

hex_digits:
	.ascii	"0123456789abcdef"
