/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode: dirty GUEST_TOUCH_PAGES pages (so that the
 * hypervisor maps and pins them), tell the host (PORT_SYNC), spin forever.
 */
#include "layout.h"
	.text
	.code32
	.globl start
start:
	mov	$GUEST_TOUCH_BASE, %edi
	mov	$GUEST_TOUCH_PAGES, %ecx
1:	movl	$0xabcd, (%edi)
	add	$0x1000, %edi
	loop	1b
	mov	$1, %eax
	out	%eax, $PORT_SYNC
2:	jmp	2b
