/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile.h - the hostile-guest corpus (sc_hostile_*.c): layout, opcodes and
 * result records shared by the interpreter guest (guest/h_ops.S) and the
 * host side.  Only assembler-safe #defines here (included by guest/h_*.S).
 *
 * The corpus is data-driven: one 64-bit guest program interprets a list of
 * operations the host writes into guest memory (H_PROG), one H_OP_SIZE
 * record each: { op, a, b, c }.  For each, it writes a result record to
 * H_RES: whether it faulted (vector + 1), the error code, RIP and CR2 of
 * the fault, and RAX, RDX, RCX after it.  Every exception handler records
 * and resumes at the next operation, so one program can try many things
 * that fault.  Opcode 0 ends the program (HLT with H_FINISHED set).
 */
#ifndef ENGINE_HOSTILE_H
#define ENGINE_HOSTILE_H

/* Guest-physical layout (on top of layout.h's). */
#define H_LANDING		0x0		/* SYSCALL/SYSENTER landing stub (LSTAR = 0 etc.) */
#define H_LANDING_ALT		0x800		/* a second copy, for MSRs set by the guest */
#define H_PT			0xc000		/* 4 KiB page table of the first 2 MiB */
#define H_PROG			0xd000		/* operations */
#define H_RES			0xe000		/* results */
#define H_STATE			0xf000
#define H_FLAGS			(H_STATE + 0x00)	/* H_FLAG_* */
#define H_FAULTS		(H_STATE + 0x08)	/* exceptions taken, all ops */
#define H_DONE			(H_STATE + 0x10)	/* operations completed */
#define H_FINISHED		(H_STATE + 0x18)	/* 1: op END reached; 2: fault limit */
#define H_VMXPTR		0xf800		/* memory operand of VMXON, VMPTRLD, ... */
#define H_DESC			0xf840		/* 128-bit INVEPT/INVVPID/INVPCID descriptor */
#define H_WATCHED		0xf880		/* the data-breakpoint target */
#define H_STACK			GUEST_STACK

#define H_RAM_END		0x100000	/* = GUEST_MEM_SIZE: not present in H_PT (#PF) */
#define H_PAST_RAM		0x101000	/* present in H_PT, no memslot: MMIO */
#define H_PAST_RAM_PAGES	15		/* 0x101000 .. 0x10ffff */
#define H_UNMAPPED		0x1f0000	/* not present in H_PT */
#define H_MMIO			0x200000	/* 2 MiB pages up to 1 GiB, no memslot */

#define H_MAX_OPS		64
#define H_OP_SIZE		32
#define H_RES_SIZE		64
#define H_R_FAULT		0x00		/* 0: none; else vector + 1 (last fault) */
#define H_R_EC			0x08
#define H_R_RIP			0x10
#define H_R_CR2			0x18
#define H_R_RAX			0x20
#define H_R_RDX			0x28
#define H_R_RCX			0x30
#define H_R_NFAULTS		0x38		/* exceptions taken during this op */

#define H_FLAG_NO_ERROR_CODE	1		/* vectors come from KVM_INTERRUPT: no error code */
#define H_FAULT_LIMIT		200000		/* then the guest stops (H_FINISHED = 2) */
#define H_NR_STUBS		48		/* vectors with their own handler stub (+ 255) */

/* Ports. */
#define H_PORT_LANDED		0x12		/* the landing stub says "I am here" */
#define H_PORT_STRING		0x1234		/* string I/O */

/* PORT_SYNC values with a meaning for the host (else just a sync point). */
#define H_TAG_INJECT		0x100		/* | vector: KVM_INTERRUPT it now */
#define H_TAG_GS_2B		0x200		/* load GS selector 0x2b in the host, then run on */
#define H_TAG_MIGRATE		0x300		/* move the vCPU thread to the next CPU */
#define H_TAG_EXITS		0x400		/* note the exit counter (h-wbinvd) */

/* Operations: { op, a, b, c }. */
#define H_OP_END		0
#define H_OP_WRMSR		1	/* a = index, b = value */
#define H_OP_RDMSR		2	/* a = index */
#define H_OP_WRCR		3	/* a = 0, 3, 4 or 8, b = value */
#define H_OP_RDCR		4	/* a = 0, 2, 3, 4 or 8 */
#define H_OP_WRDR		5	/* a = 0..7, b = value */
#define H_OP_RDDR		6	/* a = 0..7 */
#define H_OP_XSETBV		7	/* a = XCR index, b = value */
#define H_OP_XGETBV		8	/* a = XCR index */
#define H_OP_INSN		9	/* a = H_I_*, b -> RAX, c -> RCX */
#define H_OP_OUT		10	/* a = port, b = width, c = value */
#define H_OP_IN			11	/* a = port, b = width */
#define H_OP_PORTSCAN		12	/* ports a..b step c, OUT and IN of 1, 2, 4 bytes */
#define H_OP_STRING		13	/* a = H_S_*, b -> RCX, c -> RSI and RDI; DX = H_PORT_STRING */
#define H_OP_MMIO		14	/* a = H_M_*, b -> RDI (address), c -> RAX */
#define H_OP_JMP		15	/* jump to a; code there returns with jmp *%r14 */
#define H_OP_STORM		16	/* a = H_ST_*, b = count: fault b times */
#define H_OP_IDT_CLEAR		17	/* a = vector: its gate not present */
#define H_OP_SYNC		18	/* OUT a to PORT_SYNC */
#define H_OP_STI_SYNC		19	/* STI, OUT a to PORT_SYNC, some NOPs (interrupt window) */
#define H_OP_SET_FLAGS		20	/* H_FLAGS = a */
#define H_OP_RSP_INSN		21	/* RSP = a, then instruction H_I_* b */
#define H_OP_WRITE		22	/* *(u64 *)a = b */
#define H_OP_READ		23	/* RAX = *(u64 *)a */
#define H_OP_XSETBV_SCAN	24	/* XCR0 = a | bit, each bit of b; RAX: the bits accepted */
#define H_OP_CR_SCAN		25	/* CRa = base c ^ bit, each bit of b; RAX: accepted */
#define H_OP_DR_SCAN		26	/* DRa = base c | bit, each bit of b; RAX: accepted */
#define H_OP_RDMSR_RANGE	27	/* RDMSR a .. a + b - 1 (b <= 64); RAX: those that did not fault */
#define H_NR_OPS		28

/* Single instructions of H_OP_INSN (RAX = b, RCX = c before it). */
#define H_I_VMXON		0	/* [H_VMXPTR] */
#define H_I_VMXOFF		1
#define H_I_VMCLEAR		2
#define H_I_VMPTRLD		3
#define H_I_VMPTRST		4
#define H_I_VMREAD		5	/* field RCX -> RAX */
#define H_I_VMWRITE		6	/* RAX -> field RCX */
#define H_I_VMLAUNCH		7
#define H_I_VMRESUME		8
#define H_I_INVEPT		9	/* type RAX, [H_DESC] */
#define H_I_INVVPID		10
#define H_I_VMCALL		11
#define H_I_VMFUNC		12	/* EAX = function, ECX = index */
#define H_I_INVD		13
#define H_I_WBINVD		14
#define H_I_INVLPG		15	/* [RAX] */
#define H_I_INVPCID		16	/* type RAX, [H_DESC] */
#define H_I_SYSCALL		17
#define H_I_SYSENTER		18
#define H_I_RDTSCP		19
#define H_I_HLT			20
#define H_I_CLI_HLT		21
#define H_I_UD2			22
#define H_I_RDPMC		23	/* counter RCX */
#define H_I_MONITOR		24	/* [RAX] */
#define H_I_MWAIT		25
#define H_I_GETSEC		26
#define H_I_WBINVD_LOOP		27	/* RCX times */
#define H_I_SWAPGS		28	/* SWAPGS, RDMSR GS_BASE, SWAPGS */
#define H_I_ENCLS		29
#define H_I_MOV_DR_AFTER_GD	30	/* MOV DR7, RAX (GD set: #DB before it) */
#define H_NR_INSNS		31

/* String I/O of H_OP_STRING. */
#define H_S_OUTSB		0
#define H_S_OUTSW		1
#define H_S_OUTSL		2
#define H_S_INSB		3
#define H_S_INSW		4
#define H_S_INSL		5
#define H_S_OUTSB_A32		6	/* address size 32: ECX, ESI */
#define H_S_INSB_DOWN		7	/* DF = 1 */
#define H_S_OUTSB_NOREP		8
#define H_NR_STRINGS		9

/* MMIO accesses of H_OP_MMIO at [RDI] (RAX in, RAX out). */
#define H_M_LOAD8		0	/* mov (%rdi), %al */
#define H_M_LOAD16		1	/* 66 */
#define H_M_LOAD32		2
#define H_M_LOAD64		3	/* REX.W */
#define H_M_LOAD_ZX8		4	/* movzbl */
#define H_M_LOAD_SX16		5	/* movswq */
#define H_M_LOAD_A32		6	/* 67: mov (%edi), %eax */
#define H_M_LOAD_SEG		7	/* 2e 3e 26 64 65 overrides */
#define H_M_LOAD_REP		8	/* f3 and f2 on a MOV (ignored) */
#define H_M_LOAD_REX_R8		9	/* 45: mov (%r11), %r9d via REX.RB */
#define H_M_STORE8		10
#define H_M_STORE16		11
#define H_M_STORE32		12
#define H_M_STORE64		13
#define H_M_STORE_IMM32		14	/* movl $imm, disp8(%rdi) */
#define H_M_STORE_66_REX	15	/* 66 48: REX.W wins over 66 */
#define H_M_LOCK_MOV		16	/* lock mov: #UD */
#define H_M_XCHG		17	/* implicitly locked read-modify-write */
#define H_M_ADD		18	/* add %eax, (%rdi): read, then write */
#define H_M_MOVS		19	/* movsq MMIO -> RAM */
#define H_M_CMPXCHG		20
#define H_M_MOVNTI		21
#define H_M_SSE_LOAD		22	/* movdqu (%rdi), %xmm0 */
#define H_NR_MMIOS		23

/* Exception storms of H_OP_STORM. */
#define H_ST_UD			0	/* ud2 */
#define H_ST_GP_MSR		1	/* rdmsr of a non-existent MSR */
#define H_ST_PF			2	/* read of H_UNMAPPED */
#define H_ST_DE			3	/* divide by zero */
#define H_ST_BP			4	/* int3 */
#define H_ST_GP_NONCANON	5	/* read of a non-canonical address */
#define H_NR_STORMS		6

/* Real-mode guest (guest/h_real.S): BX picks what it does; handlers at fixed offsets. */
#define H_REAL_GP_FFFF		0	/* word read at DS:0xFFFF: #GP */
#define H_REAL_UD		1	/* ud2: #UD */
#define H_REAL_TOUCH_IVT	2	/* read the IVT first, then the DS:0xFFFF read */
#define H_REAL_HANDLER_OFF	0x100	/* every IVT entry the host writes points here */

#endif
