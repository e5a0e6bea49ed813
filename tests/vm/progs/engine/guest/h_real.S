/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode, with an IVT the host wrote and the guest has not touched:
 * BX (set by the host) picks the fault (H_REAL_* in hostile.h).  Every IVT
 * entry points at the handler at GUEST_CODE + H_REAL_HANDLER_OFF, which
 * reports the return IP to PORT_OUT, sets H_FINISHED and HLTs.  Issue 11, item 6: the #GP
 * of a word read at DS:0xFFFF, delivered through an IVT page that has not
 * been touched, killed jvmm's VM on the next entry.
 */
#include "layout.h"
#include "hostile.h"
	.text
	.code16
	.globl start
start:
	xor	%ax, %ax
	mov	%ax, %ds
	cmp	$H_REAL_UD, %bx
	je	do_ud
	cmp	$H_REAL_TOUCH_IVT, %bx
	jne	do_gp
	mov	0, %ax			/* touch the IVT page first */
do_gp:
	mov	0xffff, %ax		/* crosses DS's 64 KiB limit: #GP */
	jmp	not_faulted
do_ud:
	ud2
not_faulted:
	mov	$0xbad, %ax
	out	%ax, $PORT_SYNC
	movw	$1, H_FINISHED
	hlt

	.org	H_REAL_HANDLER_OFF
handler:
	mov	%sp, %bp
	mov	(%bp), %ax		/* the IP the exception pushed */
	out	%ax, $PORT_OUT
	movw	$1, H_FINISHED		/* the host's run loop stops at this HLT */
1:	hlt
	jmp	1b
