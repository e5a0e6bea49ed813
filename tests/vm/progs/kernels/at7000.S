/* SPDX-License-Identifier: GPL-2.0 */
/* at7000 - linked over the boot sector: jlaunch must refuse to load it. */
	.code32
	.globl	_start
_start:
	call	power_off
