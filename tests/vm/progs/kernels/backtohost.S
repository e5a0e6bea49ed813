/* SPDX-License-Identifier: GPL-2.0 */
/* backtohost - what ESC at a course guest's keyboard does: hypercall 5. */
#include "hypercall.h"

	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp
	mov	$msg, %esi
	call	serial_puts
	mov	$HC_BACKTOHOST, %eax
	vmcall
	/* jlaunch stops here; coming back would be a failure. */
	cli
1:	hlt
	jmp	1b
msg:	.asciz	"asking to go back to the host\n"
