/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86.h - the instructions C cannot express: port I/O, CPUID, MSRs,
 * control registers, interrupt flag, halt.  Under jvmm every one of the
 * port accesses and CPUIDs here is a VM exit, so callers use them sparingly.
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

#include "compiler.h"

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	asm volatile("inb %w1, %b0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %b0, %w1" : : "a"(value), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t value)
{
	asm volatile("outw %w0, %w1" : : "a"(value), "Nd"(port));
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(0));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

/* The time-stamp counter (jvmm does not trap RDTSC). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t value;

	asm volatile("mov %%cr2, %0" : "=r"(value));
	return value;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

/* Interrupts off first: a halted guest with IF clear stays halted for good. */
static inline __noreturn void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt" : : : "memory");
}

struct idt_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

static inline void lidt(const struct idt_pointer *p)
{
	asm volatile("lidt %0" : : "m"(*p));
}

#endif /* GUEST_X86_H */
