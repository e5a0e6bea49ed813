/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: one OUT, then spin forever without exits (run it with IF = 1: engine.h). */
#include "layout.h"
	.text
	.code16
	.globl start
start:
	mov	$0x5a, %al
	out	%al, $PORT_OUT
spin:
	jmp	spin
