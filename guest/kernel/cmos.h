/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmos.h - the PC's memory size as the CMOS RAM records it.
 */
#ifndef GUEST_CMOS_H
#define GUEST_CMOS_H

#include <stdbool.h>
#include <stdint.h>

struct cmos_memory {
	uint32_t base_kib;	/* below 640 KiB */
	uint32_t extended_kib;	/* above 1 MiB */
	bool above_16m;		/* extended_kib came from registers 0x34/0x35 */
};

void cmos_read_memory(struct cmos_memory *mem);

#endif /* GUEST_CMOS_H */
