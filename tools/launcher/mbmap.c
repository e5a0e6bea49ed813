// SPDX-License-Identifier: GPL-2.0
/*
 * mbmap.c - the multiboot information the MBMAP hypercall hands the guest.
 *
 * Written byte by byte, little-endian, at the contract's offsets: the guest
 * reads it as packed u32 fields, and the host must not depend on its own
 * compiler's struct layout or endianness to match.
 */
#include "mbmap.h"

#include <string.h>

#include "hypercall.h"

static void put32(uint8_t *p, uint32_t value)
{
	p[0] = (uint8_t)value;
	p[1] = (uint8_t)(value >> 8);
	p[2] = (uint8_t)(value >> 16);
	p[3] = (uint8_t)(value >> 24);
}

static void put_entry(uint8_t *entry, uint64_t base, uint64_t len, uint32_t type)
{
	put32(entry + MMAP_OFF_SIZE, MMAP_ENTRY_SIZE_FIELD);
	put32(entry + MMAP_OFF_BASE_LO, (uint32_t)base);
	put32(entry + MMAP_OFF_BASE_HI, (uint32_t)(base >> 32));
	put32(entry + MMAP_OFF_LEN_LO, (uint32_t)len);
	put32(entry + MMAP_OFF_LEN_HI, (uint32_t)(len >> 32));
	put32(entry + MMAP_OFF_TYPE, type);
}

uint64_t mbmap_upper_kib(size_t ram_size)
{
	return ram_size > GUEST_HIGH_MEM_START ? (ram_size - GUEST_HIGH_MEM_START) / 1024 : 0;
}

uint64_t mbmap_write(uint8_t *ram, size_t ram_size)
{
	uint8_t *info = ram + MBMAP_INFO_GPA;
	uint8_t *map = ram + MBMAP_MMAP_GPA;
	uint64_t upper_kib = mbmap_upper_kib(ram_size);

	if (ram_size < MBMAP_MIN_RAM_SIZE)
		return 0;

	/* Zero first: boot_device, cmdline, mods and syms stay 0 (unused, flag clear). */
	memset(info, 0, MBMAP_INFO_SIZE);
	put32(info + MB_INFO_OFF_FLAGS, MB_INFO_FLAG_MMAP);
	/*
	 * mem_lower/mem_upper (KiB below 640 KiB and above 1 MiB) are filled in
	 * as multiboot defines them although flag bit 0 stays clear, as in the
	 * course: the guest reads only the map; a guest that looked anyway
	 * would see the truth rather than zero.
	 */
	put32(info + MB_INFO_OFF_MEM_LOWER, GUEST_LOW_MEM_END / 1024);
	put32(info + MB_INFO_OFF_MEM_UPPER, upper_kib > UINT32_MAX ? UINT32_MAX : (uint32_t)upper_kib);
	put32(info + MB_INFO_OFF_MMAP_LENGTH, MBMAP_MMAP_LENGTH);
	put32(info + MB_INFO_OFF_MMAP_ADDR, MBMAP_MMAP_GPA);

	put_entry(map, 0, GUEST_LOW_MEM_END, MMAP_TYPE_USABLE);
	put_entry(map + MBMAP_ENTRY_SIZE, GUEST_LOW_MEM_END,
		  GUEST_HIGH_MEM_START - GUEST_LOW_MEM_END, MMAP_TYPE_RESERVED);
	put_entry(map + 2 * MBMAP_ENTRY_SIZE, GUEST_HIGH_MEM_START,
		  (uint64_t)ram_size - GUEST_HIGH_MEM_START, MMAP_TYPE_USABLE);
	return MBMAP_INFO_GPA;
}
