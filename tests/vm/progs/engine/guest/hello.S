/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: "Hello" to the debug port, byte by byte, then HLT. */
#include "layout.h"
	.text
	.code16
	.globl start
start:
	mov	$msg, %si
	mov	$5, %cx
1:	lodsb
	out	%al, $PORT_OUT
	loop	1b
	hlt
msg:	.ascii	"Hello"
