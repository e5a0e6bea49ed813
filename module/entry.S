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
 * failed (VMfail: the VM-instruction error field says why).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <linux/objtool.h>
#include <asm/unwind_hints.h>

#define REG(n)		((n) * 8)
#define RAX		REG(0)
#define RCX		REG(1)
#define RDX		REG(2)
#define RBX		REG(3)
#define RBP		REG(5)
#define RSI		REG(6)
#define RDI		REG(7)
#define R8		REG(8)
#define R9		REG(9)
#define R10		REG(10)
#define R11		REG(11)
#define R12		REG(12)
#define R13		REG(13)
#define R14		REG(14)
#define R15		REG(15)

#define VMCS_HOST_RSP	0x6c14

	.text

/* int jvmm_vmx_enter(struct jvmm_guest_regs *regs, bool launched) */
SYM_FUNC_START(jvmm_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* found again at (%rsp) after the exit */

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lvmfail_early

	test	%sil, %sil		/* MOVs below leave ZF alone */
	mov	RAX(%rdi), %rax
	mov	RCX(%rdi), %rcx
	mov	RDX(%rdi), %rdx
	mov	RBX(%rdi), %rbx
	mov	RBP(%rdi), %rbp
	mov	RSI(%rdi), %rsi
	mov	R8(%rdi), %r8
	mov	R9(%rdi), %r9
	mov	R10(%rdi), %r10
	mov	R11(%rdi), %r11
	mov	R12(%rdi), %r12
	mov	R13(%rdi), %r13
	mov	R14(%rdi), %r14
	mov	R15(%rdi), %r15
	mov	RDI(%rdi), %rdi

	/* The exit lands on jvmm_vmx_exit with the stack as it is here. */
	UNWIND_HINT_SAVE
	jnz	.Lresume
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
	xchg	%rax, (%rsp)		/* RAX = regs, the slot holds the guest's RAX */
	mov	%rcx, RCX(%rax)
	mov	%rdx, RDX(%rax)
	mov	%rbx, RBX(%rax)
	mov	%rbp, RBP(%rax)
	mov	%rsi, RSI(%rax)
	mov	%rdi, RDI(%rax)
	mov	%r8, R8(%rax)
	mov	%r9, R9(%rax)
	mov	%r10, R10(%rax)
	mov	%r11, R11(%rax)
	mov	%r12, R12(%rax)
	mov	%r13, R13(%rax)
	mov	%r14, R14(%rax)
	mov	%r15, R15(%rax)
	pop	%rcx
	mov	%rcx, RAX(%rax)
	push	%rax			/* keep the stack as .Lout expects it */

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
	add	$8, %rsp		/* the regs pointer */
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(jvmm_vmx_enter)
