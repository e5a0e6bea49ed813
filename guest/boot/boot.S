/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boot.S - the boot sector.  jlaunch has already copied the kernel to its
 * physical addresses, so unlike a PC boot sector this one reads no disk: it
 * only leaves real mode.  Entered at 0000:7000 with every segment 0, no
 * stack and whatever RFLAGS.IF the launcher chose; it must fit 512 bytes
 * with the 0x55 0xAA signature (the rule in guest.mk checks both).
 */
#include <hypercall.h>

#define KERNEL_ENTRY	GUEST_HIGH_MEM_START	/* entry.S: boot_entry */
#define SEL_CODE32	0x08
#define SEL_DATA32	0x10
#define CR0_PE		0x1

	.code16
	.section .text
	.globl	boot_start
boot_start:
	/* Nothing here can take an interrupt: there is no IDT and no stack. */
	cli
	cld
	/* DS is 0 on entry; lgdt's operand is DS-relative. */
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdt	boot_gdt_desc
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	/* The far jump is what makes CS a 32-bit protected-mode segment. */
	ljmpl	$SEL_CODE32, $protected_mode

	.code32
protected_mode:
	movw	$SEL_DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	/* Absolute, so the jump does not depend on where this sector ends up. */
	movl	$KERNEL_ENTRY, %eax
	jmp	*%eax

	/*
	 * Flat 4 GiB code and data segments.  The accessed bit is preset so
	 * that loading a selector never makes the CPU write to this table.
	 */
	.p2align 3
boot_gdt:
	.quad	0				/* the null descriptor */
	.quad	0x00cf9b000000ffff		/* 0x08: code, 32-bit, ring 0 */
	.quad	0x00cf93000000ffff		/* 0x10: data, 32-bit, ring 0 */
boot_gdt_end:

boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	/* Pad to the signature; .org fails the build if the code grew too big. */
	.org	BOOT_SIGNATURE_OFFSET
	.byte	0x55, 0xaa
