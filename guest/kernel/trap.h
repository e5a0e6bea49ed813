/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trap.h - the IDT: CPU exceptions (fatal) and the timer interrupt.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdint.h>

/* Vectors with a stub in trapentry.S: exceptions, then the 16 PIC IRQs. */
#define NUM_EXCEPTIONS		32
#define IRQ_BASE		32	/* IRQ0 = TIMER_VECTOR */
#define NUM_IRQS		16
#define NUM_TRAP_STUBS		(IRQ_BASE + NUM_IRQS)

/* What trapentry.S leaves on the stack, lowest address first. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;		/* 0 for vectors without an error code */
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* trapentry.S: the entry stub of each vector. */
extern const uint64_t trap_stubs[NUM_TRAP_STUBS];

void trap_init(void);
/* Timer interrupts seen so far. */
uint64_t timer_ticks(void);

#endif /* GUEST_TRAP_H */
