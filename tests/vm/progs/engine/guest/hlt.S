/* SPDX-License-Identifier: GPL-2.0 */
/* Just HLT (any mode). */
	.text
	.globl start
start:
	hlt
	hlt
