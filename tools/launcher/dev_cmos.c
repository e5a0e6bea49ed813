// SPDX-License-Identifier: GPL-2.0
/*
 * dev_cmos.c - the MC146818 CMOS RAM at 0x70 (index) / 0x71 (data), as far
 * as the JOS guest uses it: the memory-size registers, which it always
 * reads.  An unmodified course guest breaks if they read 0xFF, so they are
 * computed from the guest's RAM size exactly as the contract says:
 *   0x15/0x16  base memory in KiB: 640
 *   0x17/0x18  extended memory above 1 MiB in KiB, 0xFFFF if it does not fit
 *   0x34/0x35  memory above 16 MiB in 64 KiB units (read when 0x17/0x18
 *              say 0xFFFF, and then it overrides them)
 * The other registers are plain RAM (writes stick, reads give them back);
 * the clock registers read 0, with no update in progress.
 */
#include "ports.h"

#include <string.h>

#define CMOS_SIZE		128
#define CMOS_INDEX_PORT		0x70
#define CMOS_NMI_DISABLE	0x80	/* bit 7 of an index write, not part of it */

#define CMOS_STATUS_D		0x0D
#define CMOS_STATUS_D_VALID	0x80	/* battery good: contents are valid */
#define CMOS_BASE_LO		0x15
#define CMOS_BASE_HI		0x16
#define CMOS_EXT_LO		0x17
#define CMOS_EXT_HI		0x18
#define CMOS_EXT16_LO		0x34
#define CMOS_EXT16_HI		0x35

#define MIB			((uint64_t)1 << 20)

static uint8_t cmos_ram[CMOS_SIZE];
static uint8_t cmos_index;

static void set16(uint8_t lo_reg, uint64_t value)
{
	if (value > 0xFFFF)
		value = 0xFFFF;
	cmos_ram[lo_reg] = (uint8_t)value;
	cmos_ram[lo_reg + 1] = (uint8_t)(value >> 8);
}

void cmos_init(uint64_t ram_size)
{
	uint64_t ext_kib = ram_size > MIB ? (ram_size - MIB) / 1024 : 0;
	uint64_t above16_64k = ram_size > 16 * MIB ? (ram_size - 16 * MIB) / (64 * 1024) : 0;

	memset(cmos_ram, 0, sizeof(cmos_ram));
	cmos_index = 0;
	cmos_ram[CMOS_STATUS_D] = CMOS_STATUS_D_VALID;
	set16(CMOS_BASE_LO, 640);
	set16(CMOS_EXT_LO, ext_kib);	/* saturates at 0xFFFF: the guest's cue */
	set16(CMOS_EXT16_LO, above16_64k);
}

uint8_t cmos_in(uint16_t port)
{
	/* The index register is write-only on the chip; give it back anyway. */
	if (port == CMOS_INDEX_PORT)
		return cmos_index;
	return cmos_ram[cmos_index];
}

void cmos_out(uint16_t port, uint8_t value)
{
	if (port == CMOS_INDEX_PORT) {
		/* JOS ORs in NMI-disable; the register number is the low 7 bits. */
		cmos_index = value & (uint8_t)~CMOS_NMI_DISABLE;
		return;
	}
	cmos_ram[cmos_index] = value;
}
