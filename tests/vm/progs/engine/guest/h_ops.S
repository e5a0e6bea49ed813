/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostile corpus' interpreter (64-bit, entered through KVM_SET_SREGS
 * with the host's page tables): runs the operations at H_PROG and writes
 * one result record per operation to H_RES (hostile.h).
 *
 * Registers while it runs: r13 the current operation, r15 its result
 * record, r14 where every exception handler resumes (the next operation,
 * or the next round of a storm), r8/r9/r10 the operation's a/b/c.  Every
 * operation starts from a fresh stack, SS and RFLAGS (IF = 1: see
 * vcpu_set_if() for why a spinning guest keeps IF set under Bochs).
 */
#include "layout.h"
#include "hostile.h"

#define GATE_PRESENT_BYTE	5	/* byte of a 64-bit IDT gate with the P bit */
#define IDT_GATE_SIZE		16
#define STUB_SIZE		32
#define INTR_GATE		0x8e00	/* present, DPL 0, 64-bit interrupt gate */
#define MSR_GS_BASE		0xc0000101

	.text
	.code64
	.globl start
start:
	cli
	mov	$H_STACK, %rsp
	/* The IDT: vectors < H_NR_STUBS and 255 get their own stub. */
	xor	%ecx, %ecx
1:	lea	stub_other(%rip), %rax
	cmp	$255, %ecx
	jne	2f
	lea	stub_255(%rip), %rax
2:	cmp	$H_NR_STUBS, %ecx
	jae	3f
	mov	%ecx, %eax
	shl	$5, %eax			/* STUB_SIZE */
	lea	stubs(%rip), %rdx
	add	%rdx, %rax
3:	mov	%ecx, %edi
	shl	$4, %edi			/* IDT_GATE_SIZE */
	add	$GUEST_IDT, %rdi
	mov	%ax, (%rdi)
	movw	$SEL_CODE64, 2(%rdi)
	movw	$INTR_GATE, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	inc	%ecx
	cmp	$256, %ecx
	jb	1b
	lidt	idt_desc(%rip)
	/* The SYSCALL/SYSENTER landing stub, at 0 and at H_LANDING_ALT. */
	lea	landing(%rip), %rsi
	mov	$H_LANDING, %edi
	mov	$(landing_end - landing), %ecx
	rep movsb
	lea	landing(%rip), %rsi
	mov	$H_LANDING_ALT, %edi
	mov	$(landing_end - landing), %ecx
	rep movsb
	mov	$H_PROG, %r13
	mov	$H_RES, %r15

op_loop:
	mov	$SEL_DATA, %eax
	mov	%eax, %ss
	mov	$H_STACK, %rsp
	cld
	sti
	lea	op_next(%rip), %r14
	mov	(%r13), %rax
	cmp	$H_NR_OPS, %rax
	jae	op_end
	mov	8(%r13), %r8
	mov	16(%r13), %r9
	mov	24(%r13), %r10
	jmp	*optable(, %rax, 8)
op_next:
	mov	%rax, H_R_RAX(%r15)
	mov	%rdx, H_R_RDX(%r15)
	mov	%rcx, H_R_RCX(%r15)
	incq	H_DONE
	add	$H_OP_SIZE, %r13
	add	$H_RES_SIZE, %r15
	cmp	$(H_PROG + H_MAX_OPS * H_OP_SIZE), %r13
	jb	op_loop
op_end:
	movq	$1, H_FINISHED
1:	hlt
	jmp	1b

	.balign	8
optable:
	.quad	op_end, op_wrmsr, op_rdmsr, op_wrcr, op_rdcr, op_wrdr, op_rddr
	.quad	op_xsetbv, op_xgetbv, op_insn, op_out, op_in, op_portscan, op_string
	.quad	op_mmio, op_jmp, op_storm, op_idt_clear, op_sync, op_sti_sync
	.quad	op_set_flags, op_rsp_insn, op_write, op_read, op_xsetbv_scan
	.quad	op_cr_scan, op_dr_scan, op_rdmsr_range

op_wrmsr:
	mov	%r8d, %ecx
	mov	%r9, %rax
	mov	%r9, %rdx
	shr	$32, %rdx
	wrmsr
	jmp	*%r14

op_rdmsr:
	mov	%r8d, %ecx
	rdmsr
	jmp	*%r14

op_wrcr:
	cmp	$0, %r8
	je	1f
	cmp	$3, %r8
	je	3f
	cmp	$4, %r8
	je	4f
	mov	%r9, %cr8
	jmp	*%r14
1:	mov	%r9, %cr0
	jmp	*%r14
3:	mov	%r9, %cr3
	jmp	*%r14
4:	mov	%r9, %cr4
	jmp	*%r14

op_rdcr:
	cmp	$0, %r8
	je	1f
	cmp	$2, %r8
	je	2f
	cmp	$3, %r8
	je	3f
	cmp	$4, %r8
	je	4f
	mov	%cr8, %rax
	jmp	*%r14
1:	mov	%cr0, %rax
	jmp	*%r14
2:	mov	%cr2, %rax
	jmp	*%r14
3:	mov	%cr3, %rax
	jmp	*%r14
4:	mov	%cr4, %rax
	jmp	*%r14

op_wrdr:
	and	$7, %r8
	jmp	*wrdr_table(, %r8, 8)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
wrdr\n:	mov	%r9, %dr\n
	jmp	*%r14
	.endr
op_rddr:
	and	$7, %r8
	jmp	*rddr_table(, %r8, 8)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
rddr\n:	mov	%dr\n, %rax
	jmp	*%r14
	.endr
	.balign	8
wrdr_table:
	.quad	wrdr0, wrdr1, wrdr2, wrdr3, wrdr4, wrdr5, wrdr6, wrdr7
rddr_table:
	.quad	rddr0, rddr1, rddr2, rddr3, rddr4, rddr5, rddr6, rddr7

op_xsetbv:
	mov	%r8d, %ecx
	mov	%r9, %rax
	mov	%r9, %rdx
	shr	$32, %rdx
	xsetbv
	jmp	*%r14

op_xgetbv:
	mov	%r8d, %ecx
	xgetbv
	jmp	*%r14

op_insn:
	cmp	$H_NR_INSNS, %r8
	jae	op_end
	mov	%r9, %rax
	mov	%r10, %rcx
	jmp	*insntable(, %r8, 8)

op_out:
	mov	%r8d, %edx
	mov	%r10, %rax
	cmp	$1, %r9
	je	1f
	cmp	$2, %r9
	je	2f
	out	%eax, %dx
	jmp	*%r14
1:	out	%al, %dx
	jmp	*%r14
2:	out	%ax, %dx
	jmp	*%r14

op_in:
	mov	%r8d, %edx
	xor	%eax, %eax
	cmp	$1, %r9
	je	1f
	cmp	$2, %r9
	je	2f
	in	%dx, %eax
	jmp	*%r14
1:	in	%dx, %al
	jmp	*%r14
2:	in	%dx, %ax
	jmp	*%r14

/* Ports r8 .. r9 step r10: OUT the port number at each width, IN each;
 * RAX = a checksum of what came in, RCX = ports done. */
op_portscan:
	xor	%ebx, %ebx
	xor	%r12d, %r12d
	mov	%r8, %rsi
1:	mov	%esi, %edx
	mov	%esi, %eax
	out	%al, %dx
	out	%ax, %dx
	out	%eax, %dx
	xor	%eax, %eax
	in	%dx, %al
	rol	$5, %rbx
	xor	%rax, %rbx
	in	%dx, %ax
	rol	$5, %rbx
	xor	%rax, %rbx
	in	%dx, %eax
	rol	$5, %rbx
	xor	%rax, %rbx
	inc	%r12
	add	%r10, %rsi
	cmp	%r9, %rsi
	jbe	1b
	mov	%rbx, %rax
	mov	%r12, %rcx
	jmp	*%r14

op_string:
	cmp	$H_NR_STRINGS, %r8
	jae	op_end
	lea	string_done(%rip), %r14
	mov	$H_PORT_STRING, %edx
	mov	%r9, %rcx
	mov	%r10, %rsi
	mov	%r10, %rdi
	jmp	*stringtable(, %r8, 8)
/* Also where a fault in the middle of the string resumes: RCX, RSI, RDI tell. */
string_done:
	cld
	mov	%rsi, %rax
	mov	%rdi, %rdx
	jmp	op_next

op_mmio:
	cmp	$H_NR_MMIOS, %r8
	jae	op_end
	mov	%r9, %rdi
	mov	%r10, %rax
	mov	%r9, %r11			/* H_M_LOAD_REX_R8 */
	jmp	*mmiotable(, %r8, 8)

op_jmp:
	jmp	*%r8

op_storm:
	cmp	$H_NR_STORMS, %r8
	jae	op_end
	mov	%r9, %r12
	test	%r12, %r12
	jz	2f
1:	lea	storm_next(%rip), %r14
	mov	$H_STACK, %rsp
	jmp	*stormtable(, %r8, 8)
storm_next:
	dec	%r12
	jnz	1b
2:	lea	op_next(%rip), %r14
	xor	%eax, %eax
	jmp	*%r14

op_idt_clear:
	mov	%r8, %rax
	shl	$4, %rax
	andb	$0x7f, (GUEST_IDT + GATE_PRESENT_BYTE)(%rax)
	jmp	*%r14

op_sync:
	mov	%r8d, %eax
	out	%eax, $PORT_SYNC
	jmp	*%r14

op_sti_sync:
	sti
	nop
	mov	%r8d, %eax
	out	%eax, $PORT_SYNC
	.rept	16
	nop
	.endr
	cli
	xor	%eax, %eax
	jmp	*%r14

op_set_flags:
	mov	%r8, H_FLAGS
	jmp	*%r14

op_rsp_insn:
	cmp	$H_NR_INSNS, %r9
	jae	op_end
	mov	%r8, %rsp
	jmp	*insntable(, %r9, 8)

op_write:
	mov	%r9, (%r8)
	jmp	*%r14

op_read:
	mov	(%r8), %rax
	jmp	*%r14

/* XCR0 = r8 | bit for each bit of r9; back to r8 after each success. */
op_xsetbv_scan:
	xor	%r12d, %r12d			/* accepted */
	xor	%ebx, %ebx			/* bit */
1:	bt	%rbx, %r9
	jnc	2f
	lea	2f(%rip), %r14
	mov	%r8, %rax
	bts	%rbx, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	xor	%ecx, %ecx
	xsetbv
	bts	%rbx, %r12
	mov	%r8, %rax
	mov	%r8, %rdx
	shr	$32, %rdx
	xsetbv
2:	inc	%ebx
	cmp	$64, %ebx
	jb	1b
	mov	%r12, %rax
	lea	op_next(%rip), %r14
	jmp	*%r14

/* CR(r8) = r10 ^ bit for each bit of r9; back to r10 after each success. */
op_cr_scan:
	xor	%r12d, %r12d
	xor	%ebx, %ebx
1:	bt	%rbx, %r9
	jnc	2f
	lea	2f(%rip), %r14
	mov	%r10, %rax
	btc	%rbx, %rax
	cmp	$0, %r8
	jne	4f
	mov	%rax, %cr0
	bts	%rbx, %r12
	mov	%r10, %cr0
	jmp	2f
4:	mov	%rax, %cr4
	bts	%rbx, %r12
	mov	%r10, %cr4
2:	inc	%ebx
	cmp	$64, %ebx
	jb	1b
	mov	%r12, %rax
	lea	op_next(%rip), %r14
	jmp	*%r14

/* DR(r8: 6 or 7) = r10 | bit for each bit of r9; back to r10 after each success. */
op_dr_scan:
	xor	%r12d, %r12d
	xor	%ebx, %ebx
1:	bt	%rbx, %r9
	jnc	2f
	lea	2f(%rip), %r14
	mov	%r10, %rax
	bts	%rbx, %rax
	cmp	$6, %r8
	jne	4f
	mov	%rax, %dr6
	bts	%rbx, %r12
	mov	%r10, %dr6
	jmp	2f
4:	mov	%rax, %dr7
	bts	%rbx, %r12
	mov	%r10, %dr7
2:	inc	%ebx
	cmp	$64, %ebx
	jb	1b
	mov	%r12, %rax
	lea	op_next(%rip), %r14
	jmp	*%r14

/* RDMSR r8 .. r8 + r9 - 1: RAX = mask of those that did not fault. */
op_rdmsr_range:
	xor	%r12d, %r12d
	xor	%ebx, %ebx
1:	cmp	%r9, %rbx
	jae	3f
	lea	2f(%rip), %r14
	lea	(%r8, %rbx), %rcx
	rdmsr
	bts	%rbx, %r12
2:	inc	%rbx
	cmp	$64, %rbx
	jb	1b
3:	mov	%r12, %rax
	lea	op_next(%rip), %r14
	jmp	*%r14

/* --- single instructions (H_I_*) ------------------------------------------ */

	.balign	8
insntable:
	.quad	i_vmxon, i_vmxoff, i_vmclear, i_vmptrld, i_vmptrst, i_vmread, i_vmwrite
	.quad	i_vmlaunch, i_vmresume, i_invept, i_invvpid, i_vmcall, i_vmfunc, i_invd
	.quad	i_wbinvd, i_invlpg, i_invpcid, i_syscall, i_sysenter, i_rdtscp, i_hlt
	.quad	i_cli_hlt, i_ud2, i_rdpmc, i_monitor, i_mwait, i_getsec, i_wbinvd_loop
	.quad	i_swapgs, i_encls, i_mov_dr_after_gd

i_vmxon:	vmxon	H_VMXPTR
		jmp	*%r14
i_vmxoff:	vmxoff
		jmp	*%r14
i_vmclear:	vmclear	H_VMXPTR
		jmp	*%r14
i_vmptrld:	vmptrld	H_VMXPTR
		jmp	*%r14
i_vmptrst:	vmptrst	H_VMXPTR
		jmp	*%r14
i_vmread:	vmread	%rcx, %rax
		jmp	*%r14
i_vmwrite:	vmwrite	%rax, %rcx
		jmp	*%r14
i_vmlaunch:	vmlaunch
		jmp	*%r14
i_vmresume:	vmresume
		jmp	*%r14
i_invept:	invept	H_DESC, %rax
		jmp	*%r14
i_invvpid:	invvpid	H_DESC, %rax
		jmp	*%r14
i_vmcall:	vmcall
		jmp	*%r14
i_vmfunc:	vmfunc
		jmp	*%r14
i_invd:		invd
		jmp	*%r14
i_wbinvd:	wbinvd
		jmp	*%r14
i_invlpg:	invlpg	(%rax)
		jmp	*%r14
i_invpcid:	invpcid	H_DESC, %rax
		jmp	*%r14
i_syscall:	syscall
		jmp	*%r14
i_sysenter:	sysenter
		jmp	*%r14
i_rdtscp:	rdtscp
		jmp	*%r14
i_hlt:		hlt
		jmp	*%r14
i_cli_hlt:	cli
		hlt
		jmp	*%r14
i_ud2:		ud2
		jmp	*%r14
i_rdpmc:	rdpmc
		jmp	*%r14
i_monitor:	xor	%ecx, %ecx
		xor	%edx, %edx
		monitor
		jmp	*%r14
i_mwait:	xor	%eax, %eax
		xor	%ecx, %ecx
		mwait
		jmp	*%r14
i_getsec:	xor	%eax, %eax		/* GETSEC[CAPABILITIES] */
		getsec
		jmp	*%r14
i_wbinvd_loop:	wbinvd
		loop	i_wbinvd_loop
		jmp	*%r14
i_swapgs:	swapgs
		mov	$MSR_GS_BASE, %ecx
		rdmsr
		swapgs
		jmp	*%r14
i_encls:	xor	%eax, %eax
		encls
		jmp	*%r14
i_mov_dr_after_gd:
		mov	%rax, %dr7
		jmp	*%r14

/* --- string I/O (H_S_*), DX = H_PORT_STRING ------------------------------- */

	.balign	8
stringtable:
	.quad	s_outsb, s_outsw, s_outsl, s_insb, s_insw, s_insl, s_outsb_a32
	.quad	s_insb_down, s_outsb_norep

s_outsb:	rep outsb
		jmp	*%r14
s_outsw:	rep outsw
		jmp	*%r14
s_outsl:	rep outsl
		jmp	*%r14
s_insb:		rep insb
		jmp	*%r14
s_insw:		rep insw
		jmp	*%r14
s_insl:		rep insl
		jmp	*%r14
s_outsb_a32:	addr32 rep outsb
		jmp	*%r14
s_insb_down:	std
		rep insb
		cld
		jmp	*%r14
s_outsb_norep:	outsb
		jmp	*%r14

/* --- MMIO accesses (H_M_*) at [RDI] --------------------------------------- */

	.balign	8
mmiotable:
	.quad	m_load8, m_load16, m_load32, m_load64, m_load_zx8, m_load_sx16
	.quad	m_load_a32, m_load_seg, m_load_rep, m_load_rex_r8, m_store8, m_store16
	.quad	m_store32, m_store64, m_store_imm32, m_store_66_rex, m_lock_mov, m_xchg
	.quad	m_add, m_movs, m_cmpxchg, m_movnti, m_sse_load

m_load8:	mov	(%rdi), %al
		jmp	*%r14
m_load16:	mov	(%rdi), %ax
		jmp	*%r14
m_load32:	mov	(%rdi), %eax
		jmp	*%r14
m_load64:	mov	(%rdi), %rax
		jmp	*%r14
m_load_zx8:	movzbl	(%rdi), %eax
		jmp	*%r14
m_load_sx16:	movswq	(%rdi), %rax
		jmp	*%r14
m_load_a32:	addr32 mov (%edi), %eax
		jmp	*%r14
		/* cs ds es fs gs: the last one (GS, base 0) wins */
m_load_seg:	.byte	0x2e, 0x3e, 0x26, 0x64, 0x65
		mov	(%rdi), %eax
		jmp	*%r14
m_load_rep:	.byte	0xf3, 0xf2
		mov	(%rdi), %eax
		jmp	*%r14
m_load_rex_r8:	mov	(%r11), %r9d
		mov	%r9, %rax
		jmp	*%r14
m_store8:	mov	%al, (%rdi)
		jmp	*%r14
m_store16:	mov	%ax, (%rdi)
		jmp	*%r14
m_store32:	mov	%eax, (%rdi)
		jmp	*%r14
m_store64:	mov	%rax, (%rdi)
		jmp	*%r14
m_store_imm32:	movl	$0x89abcdef, 8(%rdi)
		jmp	*%r14
m_store_66_rex:	.byte	0x66
		mov	%rax, (%rdi)
		jmp	*%r14
m_lock_mov:	.byte	0xf0
		mov	%eax, (%rdi)
		jmp	*%r14
m_xchg:		xchg	%eax, (%rdi)
		jmp	*%r14
m_add:		add	%eax, (%rdi)
		jmp	*%r14
m_movs:		mov	%rdi, %rsi
		mov	$GUEST_USER_STACK, %edi
		movsq
		mov	GUEST_USER_STACK, %rax
		jmp	*%r14
m_cmpxchg:	mov	$1, %ecx
		cmpxchg	%ecx, (%rdi)
		jmp	*%r14
m_movnti:	movnti	%eax, (%rdi)
		jmp	*%r14
m_sse_load:	movdqu	(%rdi), %xmm0
		movq	%xmm0, %rax
		jmp	*%r14

/* --- storms (H_ST_*): each faults and resumes at storm_next ---------------- */

	.balign	8
stormtable:
	.quad	st_ud, st_gp_msr, st_pf, st_de, st_bp, st_gp_noncanon

st_ud:		ud2
st_gp_msr:	mov	$0x2ff00000, %ecx	/* no such MSR (a reserved range) */
		rdmsr
		jmp	*%r14
st_pf:		mov	H_UNMAPPED, %rax
		jmp	*%r14
st_de:		xor	%edx, %edx
		xor	%ecx, %ecx
		mov	$1, %eax
		div	%ecx
		jmp	*%r14
st_bp:		int3
		jmp	*%r14
st_gp_noncanon:	movabs	$0x8000000000000000, %rax
		mov	(%rax), %rax
		jmp	*%r14

/* --- exceptions and interrupts ------------------------------------------- */

/* Vectors that push an error code (SDM Vol. 3, Table 6-1). */
#define HAS_EC(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
		   (v) == 29 || (v) == 30)

/*
 * A vector with an error code pushes none of its own when it came from
 * KVM_INTERRUPT (H_FLAG_NO_ERROR_CODE): then the stub pushes 0 for it.
 */
	.macro	stub v
	.balign	STUB_SIZE
	.if	HAS_EC(\v)
	testb	$H_FLAG_NO_ERROR_CODE, H_FLAGS
	jz	1f
	.endif
	push	$0
1:	push	$\v
	jmp	handler
	.endm

	.balign	STUB_SIZE
stubs:
	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23
	stub	\v
	.endr
	.irp	v, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47
	stub	\v
	.endr
stub_255:
	push	$0
	push	$255
	jmp	handler
stub_other:
	push	$0
	push	$0xfff
	jmp	handler

/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
handler:
	push	%rax
	mov	8(%rsp), %rax
	inc	%rax
	mov	%rax, H_R_FAULT(%r15)
	mov	16(%rsp), %rax
	mov	%rax, H_R_EC(%r15)
	mov	24(%rsp), %rax
	mov	%rax, H_R_RIP(%r15)
	mov	%cr2, %rax
	mov	%rax, H_R_CR2(%r15)
	incq	H_R_NFAULTS(%r15)
	incq	H_FAULTS
	cmpq	$H_FAULT_LIMIT, H_FAULTS
	jae	runaway
	/* Resume at r14 with the interpreter's own CS, stack and SS. */
	mov	%r14, 24(%rsp)
	movq	$SEL_CODE64, 32(%rsp)
	movq	$H_STACK, 48(%rsp)
	movq	$SEL_DATA, 56(%rsp)
	pop	%rax
	add	$16, %rsp
	iretq
runaway:
	movq	$2, H_FINISHED
1:	hlt
	jmp	1b

/*
 * Copied to H_LANDING and H_LANDING_ALT: SYSCALL and SYSENTER land here
 * with whatever CS and SS their MSRs gave.  Say so (the host reads the
 * registers at this exit), then back to the interpreter's CS, SS, stack.
 */
landing:
	out	%al, $H_PORT_LANDED
	mov	$SEL_DATA, %eax
	mov	%eax, %ss
	mov	$H_STACK, %rsp
	push	$SEL_CODE64
	push	%r14
	lretq
landing_end:

	.balign	8
idt_desc:
	.word	256 * IDT_GATE_SIZE - 1
	.quad	GUEST_IDT
