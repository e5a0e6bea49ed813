// SPDX-License-Identifier: GPL-2.0
/*
 * dev_lpt.c - LPT1 at 0x378 (data), 0x379 (status), 0x37A (control): a
 * printer that is always ready.  The guest copies every console character
 * here too and waits for status bit 7 (not busy) up to 12,800 times per
 * character first, so that bit must always be set.  What it prints is not
 * shown: the same characters already reach the console through COM1.
 */
#include "ports.h"

#define LPT_DATA	0x378
#define LPT_STATUS	0x379
/*
 * Not busy (7), no acknowledge pulse (6, active low), paper present (5 = 0),
 * selected (4), no error (3, active low), reserved bits read 1.
 */
#define LPT_STATUS_READY	0xDF
#define LPT_CTRL_STROBE		0x01
#define LPT_CTRL_READ_ONES	0xE0	/* bits 5-7 are not latched */

static uint8_t data, control;
static uint64_t strobed;

void lpt_init(void)
{
	data = 0;
	control = 0x0C;		/* /INIT high, select in: idle */
	strobed = 0;
}

uint64_t lpt_bytes_strobed(void)
{
	return strobed;
}

uint8_t lpt_in(uint16_t port)
{
	if (port == LPT_DATA)
		return data;
	if (port == LPT_STATUS)
		return LPT_STATUS_READY;
	return LPT_CTRL_READ_ONES | (control & 0x1F);
}

void lpt_out(uint16_t port, uint8_t value)
{
	if (port == LPT_DATA) {
		data = value;
	} else if (port != LPT_STATUS) {
		/* A character is printed on the strobe's rising edge. */
		if ((value & LPT_CTRL_STROBE) && !(control & LPT_CTRL_STROBE))
			strobed++;
		control = value;
	}
}
