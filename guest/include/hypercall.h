/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall.h - the JOS guest contract in numbers, shared by the launcher
 * (tools/jlaunch) and our own guest (guest/): hypercall numbers, the JOS
 * error codes they return, where the boot sector goes, and the layout of
 * the multiboot information the MBMAP hypercall writes.
 *
 * The source of truth is ../shared/docs/jos-guest-abi.md; an unmodified
 * course JOS guest depends on every value here, so change none of them.
 * Usable from freestanding C and (the #defines) from assembly.
 */
#ifndef JVMM_GUEST_HYPERCALL_H
#define JVMM_GUEST_HYPERCALL_H

/* vmcall: number in RAX, result in RAX. */
#define HC_MBMAP		1	/* RBX = gpa of multiboot_info */
#define HC_IPCSEND		2
#define HC_IPCRECV		3
#define HC_LAPICEOI		4	/* after a timer interrupt: ignored */
#define HC_BACKTOHOST		5	/* ESC from the keyboard */
#define HC_GETDISKIMGNUM	6	/* RAX = N: the guest opens /vmm/fsN.img */
#define HC_ALLOC_CPU		7	/* never sent by the guest */
#define HC_GUEST_YIELD		8	/* never sent by the guest */
#define HC_CPUNUM		9	/* never sent by the guest */

/* JOS error numbers; hypercalls return them negated in RAX. */
#define JOS_E_UNSPECIFIED	1
#define JOS_E_BAD_ENV		2
#define JOS_E_INVAL		3
#define JOS_E_NO_MEM		4
#define JOS_E_NO_FREE_ENV	5
#define JOS_E_FAULT		6
#define JOS_E_NO_SYS		7
#define JOS_E_IPC_NOT_RECV	8
#define JOS_E_EOF		9
#define JOS_E_NO_DISK		10
#define JOS_E_MAX_OPEN		11
#define JOS_E_NOT_FOUND		12
#define JOS_E_BAD_PATH		13
#define JOS_E_FILE_EXISTS	14
#define JOS_E_NOT_EXEC		15
#define JOS_E_NOT_SUPP		16

/*
 * Power-off, a jvmm convention (the course's guest never powers off): a
 * 16-bit OUT of POWEROFF_VALUE to POWEROFF_PORT, the ACPI PM1a control
 * register of QEMU's PIIX4 (SLP_EN, sleep type 0).  jlaunch ends with exit
 * status 0 when the guest does this.
 */
#define POWEROFF_PORT		0x604
#define POWEROFF_VALUE		0x2000

/*
 * IRQ0 from jlaunch --timer arrives as this vector, as in the course; the
 * guest's handler answers with HC_LAPICEOI.
 */
#define TIMER_VECTOR		32

/* The boot sector: a flat binary linked at 0x7000, entered in real mode. */
#define BOOT_SECTOR_GPA		0x7000
#define BOOT_SECTOR_SIZE	512
#define BOOT_SIGNATURE_OFFSET	510	/* 0x55 then 0xAA */

/* Physical memory layout the guest is told about (and CMOS repeats). */
#define GUEST_LOW_MEM_END	0xA0000		/* 640 KiB: end of low memory */
#define GUEST_HIGH_MEM_START	0x100000	/* 1 MiB */

/*
 * MBMAP: a multiboot_info at 0x6000, then the memory map right after it.
 * The offsets are what the guest reads; the host writes bytes at them
 * rather than relying on a compiler's struct layout.
 */
#define MBMAP_INFO_GPA		0x6000
#define MBMAP_INFO_SIZE		52
#define MBMAP_MMAP_GPA		(MBMAP_INFO_GPA + MBMAP_INFO_SIZE)	/* 0x6034 */
#define MBMAP_ENTRY_SIZE	24
#define MBMAP_ENTRY_COUNT	3
#define MBMAP_MMAP_LENGTH	(MBMAP_ENTRY_SIZE * MBMAP_ENTRY_COUNT)	/* 72 */
#define MBMAP_END_GPA		(MBMAP_MMAP_GPA + MBMAP_MMAP_LENGTH)

#define MB_INFO_FLAG_MMAP	0x40	/* the only flag set: mmap_* are valid */

#define MB_INFO_OFF_FLAGS	0
#define MB_INFO_OFF_MEM_LOWER	4
#define MB_INFO_OFF_MEM_UPPER	8
#define MB_INFO_OFF_BOOT_DEVICE	12
#define MB_INFO_OFF_CMDLINE	16
#define MB_INFO_OFF_MODS_COUNT	20
#define MB_INFO_OFF_MODS_ADDR	24
#define MB_INFO_OFF_SYMS	28	/* 16-byte union, unused */
#define MB_INFO_OFF_MMAP_LENGTH	44
#define MB_INFO_OFF_MMAP_ADDR	48

/* Each entry; the guest steps by 24 bytes whatever `size` says. */
#define MMAP_OFF_SIZE		0
#define MMAP_OFF_BASE_LO	4
#define MMAP_OFF_BASE_HI	8
#define MMAP_OFF_LEN_LO		12
#define MMAP_OFF_LEN_HI		16
#define MMAP_OFF_TYPE		20
#define MMAP_ENTRY_SIZE_FIELD	20	/* bytes after `size`, as multiboot counts */

#define MMAP_TYPE_USABLE	1
#define MMAP_TYPE_RESERVED	2

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

/* For the guest's C code; all fields are u32, so there is no padding. */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
};

struct mbmap_entry {
	uint32_t size;
	uint32_t base_lo;
	uint32_t base_hi;
	uint32_t len_lo;
	uint32_t len_hi;
	uint32_t type;
};

_Static_assert(sizeof(struct multiboot_info) == MBMAP_INFO_SIZE, "multiboot_info size");
_Static_assert(offsetof(struct multiboot_info, syms) == MB_INFO_OFF_SYMS, "syms offset");
_Static_assert(offsetof(struct multiboot_info, mmap_length) == MB_INFO_OFF_MMAP_LENGTH,
	       "mmap_length offset");
_Static_assert(offsetof(struct multiboot_info, mmap_addr) == MB_INFO_OFF_MMAP_ADDR,
	       "mmap_addr offset");
_Static_assert(sizeof(struct mbmap_entry) == MBMAP_ENTRY_SIZE, "mbmap_entry size");
_Static_assert(offsetof(struct mbmap_entry, type) == MMAP_OFF_TYPE, "type offset");
#endif

#endif /* JVMM_GUEST_HYPERCALL_H */
