/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From real mode at GUEST_CODE to 64-bit mode by itself: GDT, CR0.PE, far
 * jump to 32-bit code, page tables, CR4.PAE, EFER.LME via RDMSR/WRMSR,
 * CR0.PG, far jump to 64-bit code.  Reports 16, 32, 64 and EFER on PORT_OUT.
 */
#include "layout.h"
	.text
	.code16
	.globl start
start:
	cli
	mov	$16, %eax
	out	%eax, $PORT_OUT
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $pm32

	.code32
pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$GUEST_STACK, %esp
	mov	$32, %eax
	out	%eax, $PORT_OUT
	/* Identity map the first 2 MiB: PML4 -> PDPT -> PD with one 2 MiB page. */
	movl	$(GUEST_PDPT | 3), GUEST_PML4
	movl	$0, GUEST_PML4 + 4
	movl	$(GUEST_PD | 3), GUEST_PDPT
	movl	$0, GUEST_PDPT + 4
	movl	$0x83, GUEST_PD
	movl	$0, GUEST_PD + 4
	mov	$GUEST_PML4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	or	$0x100, %eax		/* LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80000000, %eax	/* PG */
	mov	%eax, %cr0
	ljmp	$0x18, $lm64

	.code64
lm64:
	mov	$64, %eax
	out	%eax, $PORT_OUT
	mov	$0xc0000080, %ecx
	rdmsr
	out	%eax, $PORT_OUT
	movabs	$0x0123456789abcdef, %rbx
	hlt

	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf93000000ffff	/* 0x10: data */
	.quad	0x00af9b000000ffff	/* 0x18: 64-bit code */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
