// SPDX-License-Identifier: GPL-2.0
/*
 * test-mbmap - unit tests of tools/launcher/mbmap.c: the multiboot
 * information and memory map MBMAP writes at 0x6000, checked byte for byte
 * against the JOS guest contract (../shared/docs/jos-guest-abi.md), and
 * nothing written outside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypercall.h"
#include "mbmap.h"
#include "check.h"


/* Independent of mbmap.c's writer: little-endian from the bytes. */
static uint32_t le32(const uint8_t *ram, uint64_t gpa)
{
	const uint8_t *p = ram + gpa;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int untouched(const uint8_t *ram, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (ram[i] != 0xCC)
			return 0;
	return 1;
}

static void check_entry(const uint8_t *ram, int n, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t e = 0x6034 + 24 * (uint64_t)n;

	CHECK(le32(ram, e) == 20, "entry %d size field is 20 (got %u)", n, le32(ram, e));
	CHECK(le32(ram, e + 4) == (uint32_t)base && le32(ram, e + 8) == (uint32_t)(base >> 32),
	      "entry %d base 0x%llx", n, (unsigned long long)base);
	CHECK(le32(ram, e + 12) == (uint32_t)len && le32(ram, e + 16) == (uint32_t)(len >> 32),
	      "entry %d length 0x%llx (got hi 0x%x lo 0x%x)", n, (unsigned long long)len,
	      le32(ram, e + 16), le32(ram, e + 12));
	CHECK(le32(ram, e + 20) == type, "entry %d type %u", n, type);
}

static void check_layout(const uint8_t *ram, uint64_t ram_size)
{
	uint64_t upper = (ram_size - 0x100000) / 1024;
	int i;

	CHECK(le32(ram, 0x6000) == 0x40, "flags 0x40 (got 0x%x)", le32(ram, 0x6000));
	CHECK(le32(ram, 0x6004) == 640, "mem_lower 640 KiB");
	CHECK(le32(ram, 0x6008) == (upper > UINT32_MAX ? UINT32_MAX : upper),
	      "mem_upper %llu KiB (got %u)", (unsigned long long)upper, le32(ram, 0x6008));
	for (i = 12; i < 44; i += 4)
		CHECK(le32(ram, 0x6000 + i) == 0, "unused field @%d is 0", i);
	CHECK(le32(ram, 0x6000 + 44) == 72, "mmap_length 72");
	CHECK(le32(ram, 0x6000 + 48) == 0x6034, "mmap_addr 0x6034");
	check_entry(ram, 0, 0, 640 * 1024, 1);
	check_entry(ram, 1, 640 * 1024, 384 * 1024, 2);
	check_entry(ram, 2, 0x100000, ram_size - 0x100000, 1);
	CHECK(untouched(ram, 0, 0x6000), "nothing written below 0x6000");
	CHECK(untouched(ram, 0x6034 + 72, 0x8000), "nothing written after the map (0x607c)");
}

int main(void)
{
	size_t ram_size = 16 << 20;
	uint8_t *ram = malloc(ram_size);
	struct multiboot_info info;
	struct mbmap_entry entry;

	if (!ram)
		return 2;

	/* The course's 16 MiB. */
	memset(ram, 0xCC, ram_size);
	CHECK(mbmap_write(ram, ram_size) == 0x6000, "16 MiB: returns gpa 0x6000 for RBX");
	check_layout(ram, ram_size);
	CHECK(le32(ram, 0x6008) == 15360, "16 MiB: mem_upper 15360 KiB");
	CHECK(untouched(ram, 0x8000, ram_size), "16 MiB: rest of RAM untouched");

	/* The shared header's structs read the same bytes (host is little-endian). */
	memcpy(&info, ram + MBMAP_INFO_GPA, sizeof(info));
	memcpy(&entry, ram + info.mmap_addr + 2 * sizeof(entry), sizeof(entry));
	CHECK(info.flags == MB_INFO_FLAG_MMAP && info.mmap_length == MBMAP_MMAP_LENGTH &&
	      info.mmap_addr == MBMAP_MMAP_GPA, "hypercall.h struct multiboot_info matches");
	CHECK(entry.base_lo == 0x100000 && entry.len_lo == 15 << 20 &&
	      entry.type == MMAP_TYPE_USABLE, "hypercall.h struct mbmap_entry matches");

	/*
	 * Beyond 4 GiB the length needs len_hi.  mbmap_write touches only
	 * [0x6000, 0x607c), so a 16 MiB buffer stands in for 6 GiB of RAM.
	 */
	memset(ram, 0xCC, ram_size);
	CHECK(mbmap_write(ram, (size_t)6 << 30) == 0x6000, "6 GiB: written");
	check_layout(ram, (uint64_t)6 << 30);

	/* 2 MiB: the smallest whole-MiB size. */
	memset(ram, 0xCC, ram_size);
	CHECK(mbmap_write(ram, 2 << 20) == 0x6000, "2 MiB: written");
	check_layout(ram, 2 << 20);
	CHECK(le32(ram, 0x6008) == 1024, "2 MiB: mem_upper 1024 KiB");

	/* Too small for a high-memory entry: refused, nothing written. */
	memset(ram, 0xCC, ram_size);
	CHECK(mbmap_write(ram, 1 << 20) == 0, "1 MiB: refused (no memory above 1 MiB)");
	CHECK(untouched(ram, 0, 1 << 20), "1 MiB: nothing written");

	free(ram);
	printf("%s: test-mbmap, %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
