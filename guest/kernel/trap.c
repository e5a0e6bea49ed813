// SPDX-License-Identifier: GPL-2.0
/*
 * trap.c - the IDT and what each vector does.
 *
 * Exceptions are fatal: the kernel has no user mode and no demand paging,
 * so any fault is a bug; it is reported and the vCPU halted with interrupts
 * off, which jlaunch reports as a failed guest.  The timer (TIMER_VECTOR,
 * injected by jlaunch --timer) is counted and acknowledged with the
 * LAPICEOI hypercall, as the course's guest does; the 8259 needs no EOI
 * because pic.c programs it for automatic EOI.
 */
#include <hypercall.h>

#include "compiler.h"
#include "layout.h"
#include "printf.h"
#include "trap.h"
#include "vmcall.h"
#include "x86.h"

#define IDT_ENTRIES		256
#define GATE_INTERRUPT		0x8e	/* present, DPL 0, 64-bit interrupt gate */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

static struct idt_gate idt[IDT_ENTRIES] __aligned(16);
static volatile uint64_t ticks;
static volatile uint64_t spurious_irqs;

static const char *const exception_names[NUM_EXCEPTIONS] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication", "security", "reserved",
};

static void set_gate(unsigned int vector, uint64_t handler)
{
	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = SEL_KERNEL_CODE,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void trap_init(void)
{
	struct idt_pointer p = { .limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt };
	unsigned int v;

	/* Vectors past the stubs stay not-present: hitting one is a #GP (fatal). */
	for (v = 0; v < NUM_TRAP_STUBS; v++)
		set_gate(v, trap_stubs[v]);
	lidt(&p);
}

uint64_t timer_ticks(void)
{
	return ticks;
}

static __noreturn void fatal_exception(const struct trapframe *tf)
{
	kprintf("panic: trap %lu (%s) err=0x%lx rip=0x%lx cr2=0x%lx\n", tf->vector,
		exception_names[tf->vector], tf->error, tf->rip, read_cr2());
	halt_forever();
}

/* Called from trapentry.S with interrupts off (all gates are interrupt gates). */
void trap_dispatch(struct trapframe *tf);
void trap_dispatch(struct trapframe *tf)
{
	if (tf->vector < NUM_EXCEPTIONS)
		fatal_exception(tf);

	if (tf->vector == TIMER_VECTOR) {
		ticks++;
		vmcall0(HC_LAPICEOI);
		return;
	}
	/* Other IRQs are masked; one arriving anyway (a spurious IRQ7) is ignored. */
	spurious_irqs++;
}
