/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory.h - the physical memory map and the page allocator.
 */
#ifndef GUEST_MEMORY_H
#define GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmos.h"

struct mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type;		/* MMAP_TYPE_* from <hypercall.h> */
};

#define MAX_MEM_REGIONS	16

struct memory_info {
	bool from_mbmap;	/* false: the map was made up from CMOS */
	uint64_t mbinfo_phys;
	size_t nregions;
	size_t nregions_ignored;	/* past MAX_MEM_REGIONS */
	struct mem_region regions[MAX_MEM_REGIONS];
	struct cmos_memory cmos;
};

/* Reads the map (MBMAP info at mbinfo_phys) and CMOS; fills the allocator. */
void memory_init(uint64_t mbinfo_phys);
const struct memory_info *memory_info(void);

/* A zeroed 4 KiB page's physical address, or 0 when none is left. */
uint64_t page_alloc(void);
void page_free(uint64_t pa);
size_t pages_free(void);
/* Page frames from 0 to the end of usable memory, free or not. */
size_t pages_total(void);

#endif /* GUEST_MEMORY_H */
