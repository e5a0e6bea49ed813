/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - from the boot sector's 32-bit protected mode to kernel_main()
 * in 64-bit mode at the KERNBASE alias, in the order the JOS guest
 * contract lists (../../../shared/docs/jos-guest-abi.md, "What the kernel
 * then does"): MBMAP hypercall, long-mode check, page tables, CR4, CR3,
 * EFER, CR0, GDT, lret.  A hypervisor's handling of each step is what this
 * exercises, so no step is merged or reordered.
 *
 * The bootstrap is linked and run at its physical address (0x100000, no
 * paging yet); only the last jump goes to the high, KERNBASE-linked part.
 */
#include <hypercall.h>
#include "layout.h"

#define EFLAGS_ID	(1 << 21)
#define CPUID_EXT_BASE	0x80000000
#define CPUID_EXT_LM	(1 << 29)	/* 0x80000001 EDX: long mode */
#define CR0_PE		(1 << 0)
#define CR0_MP		(1 << 1)
#define CR0_WP		(1 << 16)
#define CR0_AM		(1 << 18)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_VMXE	(1 << 13)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080	/* in a PD entry: a 2 MiB page */
#define PTE_TABLE	(PTE_P | PTE_W)
#define PTE_LARGE	(PTE_P | PTE_W | PTE_PS)
#define PT_ENTRIES	512

#define KERN_PML4_INDEX	((KERNBASE >> 39) & 511)
#define KERN_PDPT_INDEX	((KERNBASE >> 30) & 511)
#define KERN_PD_INDEX	((KERNBASE >> 21) & 511)

/*
 * KERNBASE is not GiB-aligned, so its 1 GiB alias straddles two page
 * directories (boot_pd_high is two pages, used as one 1024-entry table).
 */
#if (KERNBASE & (LARGE_PAGE_SIZE - 1)) || KERN_PDPT_INDEX >= 511 || KERN_PML4_INDEX == 0
#error "the boot page tables assume a 2 MiB-aligned KERNBASE away from the identity slot"
#endif

	.section .boot.text, "ax"
	.code32
	.globl	boot_entry
boot_entry:
	/* The contract's first step: ask for the memory map (RBX = its gpa). */
	movl	$HC_MBMAP, %eax
	vmcall
	movl	%ebx, %ebp		/* CPUID below clobbers EBX */
	movl	$boot_stack32_top, %esp

	/* CPUID exists iff EFLAGS.ID can be toggled. */
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$EFLAGS_ID, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	cmpl	%eax, %ecx
	je	no_long_mode

	xorl	%eax, %eax
	cpuid
	cmpl	$1, %eax
	jb	no_long_mode
	movl	$CPUID_EXT_BASE, %eax
	cpuid
	cmpl	$CPUID_EXT_BASE + 1, %eax
	jb	no_long_mode
	movl	$CPUID_EXT_BASE + 1, %eax
	cpuid
	testl	$CPUID_EXT_LM, %edx
	jz	no_long_mode

	/* The tables are NOBITS; zero them rather than trust the loader. */
	cld
	movl	$boot_tables, %edi
	movl	$(boot_tables_end - boot_tables) / 4, %ecx
	xorl	%eax, %eax
	rep stosl

	/* 512 x 2 MiB = 1 GiB, at 0 and at KERNBASE. */
	xorl	%esi, %esi
	movl	$PTE_LARGE, %eax
1:	movl	%eax, boot_pd_low(%esi)
	movl	%eax, boot_pd_high + KERN_PD_INDEX * 8(%esi)
	addl	$LARGE_PAGE_SIZE, %eax
	addl	$8, %esi
	cmpl	$PT_ENTRIES * 8, %esi
	jb	1b

	movl	$boot_pdpt_low + PTE_TABLE, boot_pml4
	movl	$boot_pdpt_high + PTE_TABLE, boot_pml4 + KERN_PML4_INDEX * 8
	movl	$boot_pd_low + PTE_TABLE, boot_pdpt_low
	movl	$boot_pd_high + PTE_TABLE, boot_pdpt_high + KERN_PDPT_INDEX * 8
	movl	$boot_pd_high + PAGE_SIZE + PTE_TABLE, boot_pdpt_high + (KERN_PDPT_INDEX + 1) * 8

	/*
	 * VMXE as the course's guest sets it: the hypervisor must let the
	 * guest own the bit (and read it back) even with VMX hidden in CPUID.
	 */
	movl	$CR4_PAE | CR4_VMXE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	/* Read-modify-write: both EFER accesses exit and must be emulated. */
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	/* PG with EFER.LME set activates IA-32e mode (compatibility mode here). */
	movl	%cr0, %eax
	orl	$CR0_PE | CR0_MP | CR0_WP | CR0_AM | CR0_PG, %eax
	movl	%eax, %cr0

	lgdt	boot_gdt64_desc
	/* Only a far transfer loads a 64-bit CS. */
	pushl	$SEL_KERNEL_CODE
	pushl	$long_mode_entry
	lret

no_long_mode:
	/* No console yet, so nothing to say: stop where a debugger can see it. */
	cli
	hlt
	jmp	no_long_mode

	.code64
long_mode_entry:
	movw	$SEL_KERNEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	/* Leave the identity mapping for the addresses the kernel is linked at. */
	movabsq	$high_entry, %rax
	jmp	*%rax

	/* Accessed bits preset so that no selector load writes to this table. */
	.p2align 3
boot_gdt64:
	.quad	0				/* null */
	.quad	0x00af9b000000ffff		/* SEL_KERNEL_CODE: 64-bit code */
	.quad	0x00cf93000000ffff		/* SEL_KERNEL_DATA */
boot_gdt64_end:

boot_gdt64_desc:
	.word	boot_gdt64_end - boot_gdt64 - 1
	.long	boot_gdt64	/* physical; stays mapped by the identity map */

	.section .boot.bss, "aw", @nobits
	.p2align 12
boot_tables:
boot_pml4:	.skip	PAGE_SIZE
boot_pdpt_low:	.skip	PAGE_SIZE
boot_pdpt_high:	.skip	PAGE_SIZE
boot_pd_low:	.skip	PAGE_SIZE
boot_pd_high:	.skip	2 * PAGE_SIZE
boot_tables_end:
	/* Enough for the EFLAGS.ID test's pushes. */
	.skip	256
boot_stack32_top:

	.text
high_entry:
	movl	%ebp, %r12d		/* multiboot info, physical */
	movabsq	$kernel_stack_top, %rsp
	/* The stack lives in the BSS: clear it before the first push. */
	movabsq	$__bss_start, %rdi
	movabsq	$__bss_end, %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	xorl	%ebp, %ebp		/* ends frame-pointer walks */
	movl	%r12d, %edi
	movabsq	$kernel_main, %rax
	call	*%rax
	/* kernel_main does not return; if it did, stop quietly. */
1:	cli
	hlt
	jmp	1b

	.bss
	.p2align 4
kernel_stack:
	.skip	KERNEL_STACK_SIZE
kernel_stack_top:
