// SPDX-License-Identifier: GPL-2.0
/*
 * pic.c - remap the 8259A pair away from the CPU exception vectors
 * (the power-on IRQ0-7 at 8-15 would look like double faults and #GPs).
 *
 * Under jlaunch nothing is actually delivered through the PICs: a timer is
 * injected at the vector programmed here, so the master's ICW2 is where
 * the launcher learns the timer vector, and its mask says whether IRQ0 is
 * wanted.  The master runs in automatic-EOI mode so the timer handler owes
 * the PIC nothing (it acknowledges with the LAPICEOI hypercall instead).
 */
#include <hypercall.h>

#include "pic.h"
#include "printf.h"
#include "trap.h"
#include "x86.h"

#define PIC_MASTER_CMD	0x20
#define PIC_MASTER_DATA	0x21
#define PIC_SLAVE_CMD	0xa0
#define PIC_SLAVE_DATA	0xa1

#define ICW1_INIT	0x10
#define ICW1_ICW4	0x01	/* an ICW4 follows */
#define ICW3_MASTER	0x04	/* the slave hangs off IRQ2 */
#define ICW3_SLAVE	0x02	/* ...which is its cascade identity */
#define ICW4_8086	0x01
#define ICW4_AUTO_EOI	0x02

#define IRQ_TIMER	0
#define MASK_ALL	0xff

_Static_assert(IRQ_BASE == TIMER_VECTOR, "IRQ0 must arrive at the contract's timer vector");

void pic_init(void)
{
	/* Nothing may be raised while the controllers are half programmed. */
	outb(PIC_MASTER_DATA, MASK_ALL);
	outb(PIC_SLAVE_DATA, MASK_ALL);

	outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_MASTER_DATA, IRQ_BASE);
	outb(PIC_MASTER_DATA, ICW3_MASTER);
	outb(PIC_MASTER_DATA, ICW4_8086 | ICW4_AUTO_EOI);

	outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC_SLAVE_DATA, IRQ_BASE + 8);
	outb(PIC_SLAVE_DATA, ICW3_SLAVE);
	outb(PIC_SLAVE_DATA, ICW4_8086);

	/* ICW1 unmasked everything; only the timer is wanted. */
	outb(PIC_MASTER_DATA, (uint8_t)~(1 << IRQ_TIMER));
	outb(PIC_SLAVE_DATA, MASK_ALL);

	kprintf("pic: IRQ0-15 at vectors %d-%d, IRQ0 (timer) unmasked\n", IRQ_BASE,
		IRQ_BASE + NUM_IRQS - 1);
}
