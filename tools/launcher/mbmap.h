/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbmap.h - the MBMAP hypercall's payload: a multiboot_info at gpa 0x6000
 * and three memory-map entries right after it, laid out exactly as the JOS
 * guest contract says (guest/include/hypercall.h has the offsets).
 */
#ifndef JLAUNCH_MBMAP_H
#define JLAUNCH_MBMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The smallest guest RAM the map makes sense for: the high-memory entry
 * must not be empty.  (jlaunch's --mem check is in whole MiB, so >= 2 MiB.)
 */
#define MBMAP_MIN_RAM_SIZE ((size_t)0x100000 + 1)

/*
 * Write the multiboot information and memory map into guest RAM.
 * Returns the gpa for the guest's RBX (0x6000), or 0 (nothing written) if
 * ram_size is below MBMAP_MIN_RAM_SIZE.
 */
uint64_t mbmap_write(uint8_t *ram, size_t ram_size);

/* Upper memory in KiB as multiboot's mem_upper (and CMOS 0x17/0x18 before capping). */
uint64_t mbmap_upper_kib(size_t ram_size);

#endif /* JLAUNCH_MBMAP_H */
