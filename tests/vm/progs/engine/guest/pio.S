/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode port I/O of every size.  8- and 16-bit IN merge into EAX,
 * 32-bit IN replaces it; each result goes back out to PORT_OUT as 32 bits.
 * Then OUT of each size to a DX port, and an IN through DX.
 */
#include "layout.h"
	.text
	.code16
	.globl start
start:
	mov	$0xaabbccdd, %eax
	in	$PORT_IN8, %al
	out	%eax, $PORT_OUT
	mov	$0x11223344, %eax
	in	$PORT_IN16, %ax
	out	%eax, $PORT_OUT
	in	$PORT_IN32, %eax
	out	%eax, $PORT_OUT
	mov	$0x1234, %dx
	mov	$0x9abcdef0, %eax
	outb	%al, %dx
	outw	%ax, %dx
	outl	%eax, %dx
	mov	$PORT_IN8, %dx
	mov	$0x55667788, %eax
	inb	%dx, %al
	out	%eax, $PORT_OUT
	hlt
