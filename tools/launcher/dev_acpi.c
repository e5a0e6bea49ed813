// SPDX-License-Identifier: GPL-2.0
/*
 * dev_acpi.c - power-off: the PM1a control register of QEMU's PIIX4 ACPI
 * block at 0x604, and only as far as turning the machine off.  A guest
 * writes SLP_EN with sleep type 0 (the word 0x2000; POWEROFF_* in
 * guest/include/hypercall.h) and the run loop ends with exit status 0.
 * There are no ACPI tables: a guest has to know the port, as our guest
 * does.  The course's guest never powers off.
 */
#include "ports.h"

#include <stdbool.h>

#include "hypercall.h"

/* The register is 16 bits wide; byte ports split it, so keep both halves. */
#define PM1A_CNT_HI		(POWEROFF_PORT + 1)
#define PM1_CNT_SLP_EN		(1u << 13)
#define PM1_CNT_SLP_TYP_MASK	(7u << 10)
#define SLP_TYP_SOFT_OFF	0	/* S5 is type 0 on QEMU's PIIX4 */

static uint16_t pm1a_cnt;
static bool off_requested;

void acpi_init(void)
{
	pm1a_cnt = 0;
	off_requested = false;
}

bool acpi_poweroff_requested(void)
{
	return off_requested;
}

uint8_t acpi_in(uint16_t port)
{
	/* SLP_EN is write-only and reads as zero. */
	uint16_t value = pm1a_cnt & ~PM1_CNT_SLP_EN;

	return port == PM1A_CNT_HI ? (uint8_t)(value >> 8) : (uint8_t)value;
}

void acpi_out(uint16_t port, uint8_t value)
{
	if (port != PM1A_CNT_HI) {
		pm1a_cnt = (pm1a_cnt & 0xFF00) | value;
		return;
	}
	pm1a_cnt = (uint16_t)((pm1a_cnt & 0x00FF) | (value << 8));
	/* The high byte carries SLP_EN: a word write has finished with it. */
	if ((pm1a_cnt & PM1_CNT_SLP_EN) &&
	    ((pm1a_cnt & PM1_CNT_SLP_TYP_MASK) >> 10) == SLP_TYP_SOFT_OFF)
		off_requested = true;
}
