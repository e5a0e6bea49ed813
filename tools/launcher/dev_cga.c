// SPDX-License-Identifier: GPL-2.0
/*
 * dev_cga.c - the CGA's 6845 CRT controller at 0x3D4 (index) / 0x3D5
 * (data).  The text itself is guest RAM at 0xB8000; all the guest does
 * here is move the cursor (four writes per character) and, at init, read
 * the cursor position back.  The registers are plain storage, so it reads
 * what it last wrote, starting at position 0: never 0xFFFF, which would
 * send a course JOS guest's console writes far past the screen buffer.
 */
#include "ports.h"

#include <string.h>

#define CGA_INDEX_PORT	0x3D4
#define CRTC_REGS	32	/* the 6845 has 18; the index keeps 5 bits */
#define CRTC_CURSOR_HI	0x0E
#define CRTC_CURSOR_LO	0x0F

static uint8_t crtc[CRTC_REGS];
static uint8_t crtc_index;

void cga_init(void)
{
	memset(crtc, 0, sizeof(crtc));
	crtc_index = 0;
}

uint16_t cga_cursor(void)
{
	return (uint16_t)(crtc[CRTC_CURSOR_HI] << 8 | crtc[CRTC_CURSOR_LO]);
}

uint8_t cga_in(uint16_t port)
{
	if (port == CGA_INDEX_PORT)
		return crtc_index;
	return crtc[crtc_index];
}

void cga_out(uint16_t port, uint8_t value)
{
	if (port == CGA_INDEX_PORT)
		crtc_index = value & (CRTC_REGS - 1);
	else
		crtc[crtc_index] = value;
}
