/* SPDX-License-Identifier: GPL-2.0 */
/* INT3 with an empty IDT (any mode): #GP, #DF, triple fault. */
	.text
	.globl start
start:
	int3
	hlt
