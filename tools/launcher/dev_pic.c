// SPDX-License-Identifier: GPL-2.0
/*
 * dev_pic.c - the two 8259A interrupt controllers (master 0x20/0x21,
 * slave 0xA0/0xA1).  The guest programs them at init (ICW1-4, then masks
 * through OCW1) and sends EOIs.  Nothing is delivered through them: a timer
 * is injected with KVM_INTERRUPT at the vector the guest chose, which is
 * why the vector base and masks are recorded.  Reads are what a real 8259A
 * gives: the mask from the data port, IRR or ISR (both empty) from the
 * command port.
 */
#include "ports.h"

#include <stdbool.h>

#define ICW1_INIT	0x10	/* a command-port write with bit 4 starts init */
#define ICW1_NEED_ICW4	0x01
#define ICW1_SINGLE	0x02	/* no cascade: no ICW3 */

enum init_step { INIT_DONE, INIT_WANT_ICW2, INIT_WANT_ICW3, INIT_WANT_ICW4 };

struct pic {
	enum init_step step;
	bool single, need_icw4;
	uint8_t imr, vector_base;
};

static struct pic pics[2];

void pic_init(void)
{
	/* Power-on: everything masked, the BIOS's conventional vectors. */
	pics[0] = (struct pic){ .imr = 0xFF, .vector_base = 0x08 };
	pics[1] = (struct pic){ .imr = 0xFF, .vector_base = 0x70 };
}

static struct pic *pic_for(uint16_t port)
{
	return &pics[port >= 0xA0];
}

uint8_t pic_vector_base(int slave)
{
	return pics[slave ? 1 : 0].vector_base;
}

int pic_irq_masked(unsigned int irq)
{
	if (irq > 15)
		return 1;
	return (pics[irq >> 3].imr >> (irq & 7)) & 1;
}

uint8_t pic_in(uint16_t port)
{
	/* Command port: IRR or ISR, both empty since nothing is pending. */
	if (!(port & 1))
		return 0;
	return pic_for(port)->imr;
}

static void data_write(struct pic *pic, uint8_t value)
{
	switch (pic->step) {
	case INIT_WANT_ICW2:
		pic->vector_base = value & 0xF8;
		pic->step = !pic->single ? INIT_WANT_ICW3 :
			    pic->need_icw4 ? INIT_WANT_ICW4 : INIT_DONE;
		return;
	case INIT_WANT_ICW3:	/* cascade wiring: fixed on a PC */
		pic->step = pic->need_icw4 ? INIT_WANT_ICW4 : INIT_DONE;
		return;
	case INIT_WANT_ICW4:	/* 8086 mode, auto-EOI...: nothing to model */
		pic->step = INIT_DONE;
		return;
	case INIT_DONE:
		pic->imr = value;	/* OCW1 */
		return;
	}
}

void pic_out(uint16_t port, uint8_t value)
{
	struct pic *pic = pic_for(port);

	if (port & 1) {
		data_write(pic, value);
		return;
	}
	if (value & ICW1_INIT) {
		/* ICW1 clears the mask, as the 8259A datasheet says. */
		pic->imr = 0;
		pic->single = value & ICW1_SINGLE;
		pic->need_icw4 = value & ICW1_NEED_ICW4;
		pic->step = INIT_WANT_ICW2;
	}
	/* OCW2 (EOI) and OCW3 (register select, poll): nothing is pending. */
}
