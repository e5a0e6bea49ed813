/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - the world switch: load the guest's general-purpose registers,
 * VMLAUNCH or VMRESUME, and on VM exit save them back.
 *
 * VMX switches RIP, RSP, RFLAGS, the control registers and segments, but
 * not the general-purpose registers (SDM Vol. 3, "Host-State Area"), so
 * they go through struct jvmm_guest_regs, indexed like the x86 register
 * numbers (RAX = 0 ... R15 = 15; the RSP slot is unused: RSP lives in the
 * VMCS).  The host's callee-saved registers are pushed before entry; on
 * exit the CPU lands on jvmm_vmx_exit with RSP as it was at entry, where
 * the pointer to the register block waits on top of the stack.
 *
 * jvmm_vmx_enter() returns 0 after a VM exit and 1 if VMLAUNCH/VMRESUME
 * failed (VMfail: the VM-instruction error field says why).  Its flags
 * (JVMM_RUN_*, spec.h) say VMRESUME or VMLAUNCH, and which of the
 * speculative-execution defences spec.c chose run here, where no host
 * code may come between them and the world switch.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/cpufeatures.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <linux/objtool.h>
#include <asm/unwind_hints.h>

#include "spec.h"

#define REG(n)		((n) * 8)
#define GUEST_RAX		REG(0)
#define GUEST_RCX		REG(1)
#define GUEST_RDX		REG(2)
#define GUEST_RBX		REG(3)
#define GUEST_RBP		REG(5)
#define GUEST_RSI		REG(6)
#define GUEST_RDI		REG(7)
#define GUEST_R8		REG(8)
#define GUEST_R9		REG(9)
#define GUEST_R10		REG(10)
#define GUEST_R11		REG(11)
#define GUEST_R12		REG(12)
#define GUEST_R13		REG(13)
#define GUEST_R14		REG(14)
#define GUEST_R15		REG(15)

#define VMCS_HOST_RSP	0x6c14

	.text

/*
 * int jvmm_vmx_enter(struct jvmm_guest_regs *regs, unsigned long flags,
 *		      u64 host_spec_ctrl)
 */
SYM_FUNC_START(jvmm_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx			/* 16(%rsp) after the exit: host SPEC_CTRL */
	push	%rsi			/*  8(%rsp): flags */
	push	%rdi			/*   (%rsp): regs */

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lvmfail_early

	/*
	 * ZF: no VERW; CF: VMRESUME.  BT leaves ZF alone, and neither MOV
	 * below nor VERW touches CF.
	 */
	test	$JVMM_RUN_VERW, %esi
	bt	$JVMM_RUN_RESUME_BIT, %esi
	mov	GUEST_RAX(%rdi), %rax
	mov	GUEST_RCX(%rdi), %rcx
	mov	GUEST_RDX(%rdi), %rdx
	mov	GUEST_RBX(%rdi), %rbx
	mov	GUEST_RBP(%rdi), %rbp
	mov	GUEST_RSI(%rdi), %rsi
	mov	GUEST_R8(%rdi), %r8
	mov	GUEST_R9(%rdi), %r9
	mov	GUEST_R10(%rdi), %r10
	mov	GUEST_R11(%rdi), %r11
	mov	GUEST_R12(%rdi), %r12
	mov	GUEST_R13(%rdi), %r13
	mov	GUEST_R14(%rdi), %r14
	mov	GUEST_R15(%rdi), %r15
	mov	GUEST_RDI(%rdi), %rdi

	/*
	 * The CPU's buffers may hold host data (MDS, TAA, RFDS): the
	 * memory form of VERW clears them, after the last host load.
	 */
	jz	.Lno_verw
	verw	jvmm_verw_sel(%rip)
.Lno_verw:
	/* The exit lands on jvmm_vmx_exit with the stack as it is here. */
	UNWIND_HINT_SAVE
	jc	.Lresume
.Lvmlaunch:
	vmlaunch
	jmp	.Lvmfail
.Lresume:
	vmresume
	/*
	 * A fault here would mean this CPU is not in VMX operation (a bug in
	 * the VMX section code): report it as a failed entry, not an oops.
	 */
	_ASM_EXTABLE(.Lvmlaunch, .Lvmfail)
	_ASM_EXTABLE(.Lresume, .Lvmfail)
.Lvmfail:
	/* Still the host, with guest values in registers: callee-saved ones come back below. */
	mov	$1, %eax
	jmp	.Lout

.Lvmfail_early:
	mov	$1, %eax
	jmp	.Lout

SYM_INNER_LABEL(jvmm_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	xchg	%rax, (%rsp)		/* GUEST_RAX = regs, the slot holds the guest's GUEST_RAX */
	mov	%rcx, GUEST_RCX(%rax)
	mov	%rdx, GUEST_RDX(%rax)
	mov	%rbx, GUEST_RBX(%rax)
	mov	%rbp, GUEST_RBP(%rax)
	mov	%rsi, GUEST_RSI(%rax)
	mov	%rdi, GUEST_RDI(%rax)
	mov	%r8, GUEST_R8(%rax)
	mov	%r9, GUEST_R9(%rax)
	mov	%r10, GUEST_R10(%rax)
	mov	%r11, GUEST_R11(%rax)
	mov	%r12, GUEST_R12(%rax)
	mov	%r13, GUEST_R13(%rax)
	mov	%r14, GUEST_R14(%rax)
	mov	%r15, GUEST_R15(%rax)
	pop	%rcx
	mov	%rcx, GUEST_RAX(%rax)
	push	%rax			/* keep the stack as .Lout expects it */

	/*
	 * Before the first RET after the exit: return predictions the guest
	 * left must not steer the host.  The return-stack buffer is refilled
	 * where the kernel says this CPU needs it (its own feature bits,
	 * patched at load), and with legacy IBRS the host's SPEC_CTRL is
	 * written again, which is what makes IBRS take effect after a switch
	 * from the guest.
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, X86_FEATURE_RSB_VMEXIT_LITE
	testl	$JVMM_RUN_SPEC_CTRL, 8(%rsp)
	jz	.Lspec_ctrl_done
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	mov	16(%rsp), %eax
	mov	20(%rsp), %edx
	wrmsr
.Lspec_ctrl_done:
	/* Branch history the guest wrote (BHI): overwritten by our loop. */
	testl	$JVMM_RUN_CLEAR_BHB, 8(%rsp)
	jz	.Lbhb_done
	call	jvmm_clear_bhb_loop
.Lbhb_done:

	/* Leave no guest value in a register the host might use speculatively. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%eax, %eax

.Lout:
	add	$24, %rsp		/* regs, flags, host SPEC_CTRL */
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(jvmm_vmx_enter)

/*
 * Overwrite the branch history the guest left (Branch History Injection),
 * with the sequence Intel publishes for it ("Branch History Injection and
 * Intra-mode Branch Target Injection", the "clear BHB" software sequence):
 * 5 x 5 taken branches, each through its own call, 64-byte aligned.  The
 * kernel has the same loop, but exports it to KVM only.
 */
SYM_FUNC_START_LOCAL(jvmm_clear_bhb_loop)
	push	%rbp
	mov	%rsp, %rbp
	movl	$5, %ecx
	ANNOTATE_INTRA_FUNCTION_CALL
	call	1f
	jmp	5f
	.align	64, 0xcc
	ANNOTATE_INTRA_FUNCTION_CALL
1:	call	2f
	RET
	.align	64, 0xcc
2:	movl	$5, %eax
3:	jmp	4f
	nop
4:	sub	$1, %eax
	jnz	3b
	sub	$1, %ecx
	jnz	1b
	RET
5:	lfence
	pop	%rbp
	RET
SYM_FUNC_END(jvmm_clear_bhb_loop)
/* Its calls return from inside the loop: not a frame objtool can follow. */
STACK_FRAME_NON_STANDARD jvmm_clear_bhb_loop

	.pushsection .rodata
/* VERW's memory operand: any valid selector; the kernel's data segment. */
SYM_DATA_START_LOCAL(jvmm_verw_sel)
	.word	__KERNEL_DS
SYM_DATA_END(jvmm_verw_sel)
	.popsection
