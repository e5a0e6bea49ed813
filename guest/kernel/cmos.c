// SPDX-License-Identifier: GPL-2.0
/*
 * cmos.c - memory sizes from the MC146818 CMOS RAM.  The MBMAP memory map
 * is what the kernel trusts, but the contract says a JOS guest always reads
 * these registers too (a launcher must answer them), so this guest does
 * and reports whether the two views agree.
 */
#include "cmos.h"
#include "x86.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71

#define CMOS_BASE_KIB	0x15	/* 16-bit, low byte first */
#define CMOS_EXT_KIB	0x17	/* above 1 MiB; 0xffff if it does not fit */
#define CMOS_EXT16_64K	0x34	/* above 16 MiB, in 64 KiB units */
#define CMOS_EXT_SATURATED 0xffff

#define KIB_1M_TO_16M	(15 * 1024)

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static uint16_t cmos_read16(uint8_t reg)
{
	return cmos_read(reg) | (uint16_t)cmos_read(reg + 1) << 8;
}

void cmos_read_memory(struct cmos_memory *mem)
{
	mem->base_kib = cmos_read16(CMOS_BASE_KIB);
	mem->extended_kib = cmos_read16(CMOS_EXT_KIB);
	mem->above_16m = false;
	/* A saturated count means "ask the register that counts past 16 MiB". */
	if (mem->extended_kib == CMOS_EXT_SATURATED) {
		mem->extended_kib = KIB_1M_TO_16M + 64 * (uint32_t)cmos_read16(CMOS_EXT16_64K);
		mem->above_16m = true;
	}
}
