/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layout.h - where the kernel lives, for C, assembly and the linker script
 * alike (plain #defines only).
 *
 * Physical                     Virtual
 * 0x6000    MBMAP info + map   KERNBASE + 0x6000 (and identity)
 * 0x7000    boot sector        -
 * 0x100000  32-bit bootstrap   0x100000 (identity; runs before paging)
 * 0x200000  64-bit kernel      KERNBASE + 0x200000
 *
 * The bootstrap maps the first GiB twice with 2 MiB pages: at 0 (so the
 * instruction that turns paging on keeps running) and at KERNBASE, where
 * the kernel is linked.  Everything after boot uses the KERNBASE alias.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* The course's kernel base: PML4 slot 1, 64 MiB into it (not GiB-aligned). */
#define KERNBASE		0x8004000000
#define BOOT_PHYS		0x100000	/* entry.S's 32-bit code */
#define KERNEL_PHYS		0x200000	/* the 64-bit kernel image */

#define PAGE_SIZE		4096
#define LARGE_PAGE_SIZE		0x200000
#define DIRECT_MAP_SIZE		0x40000000	/* 1 GiB, both aliases */

#define KERNEL_STACK_SIZE	(16 * 1024)

/* Selectors of the 64-bit GDT (entry.S). */
#define SEL_KERNEL_CODE		0x08
#define SEL_KERNEL_DATA		0x10

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Physical address -> pointer through the KERNBASE alias. */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + KERNBASE);
}

/* From kernel.ld: the physical end of the image, page aligned. */
extern char kernel_phys_end[];

static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - KERNBASE;
}
#endif

#endif /* GUEST_LAYOUT_H */
