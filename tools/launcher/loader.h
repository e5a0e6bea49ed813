/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loader.h - put the boot sector and the kernel's PT_LOAD segments into a
 * guest-RAM buffer, as the JOS guest contract says.  Nothing here trusts
 * its input: every failure is its own code plus a message
 * "FILE: problem; what to do" for the caller to print after "jlaunch: ".
 * The library never exits and never prints.
 */
#ifndef JLAUNCH_LOADER_H
#define JLAUNCH_LOADER_H

#include <stddef.h>
#include <stdint.h>

enum loader_status {
	LOADER_OK = 0,
	LOADER_ERR_OPEN,		/* missing or unopenable file */
	LOADER_ERR_READ,		/* read error, or not a regular file */
	LOADER_ERR_TOO_LARGE,		/* file far bigger than anything loadable */
	LOADER_ERR_BOOT_EMPTY,
	LOADER_ERR_BOOT_TOO_BIG,	/* more than 512 bytes */
	LOADER_ERR_BOOT_SIGNATURE,	/* 512 bytes without 0x55AA at 510 */
	LOADER_ERR_RAM_TOO_SMALL,	/* guest RAM cannot hold the boot sector */
	LOADER_ERR_ELF_TRUNCATED_HEADER,
	LOADER_ERR_NOT_ELF,
	LOADER_ERR_ELF32,
	LOADER_ERR_ELF_BAD_CLASS,	/* neither 32- nor 64-bit */
	LOADER_ERR_ELF_BIG_ENDIAN,
	LOADER_ERR_ELF_NOT_EXECUTABLE,	/* ET_REL, ET_CORE, ... */
	LOADER_ERR_ELF_MACHINE,		/* not EM_X86_64 */
	LOADER_ERR_ELF_BAD_PHENTSIZE,
	LOADER_ERR_ELF_TRUNCATED_PHDRS,
	LOADER_ERR_SEG_FILESZ_GT_MEMSZ,
	LOADER_ERR_SEG_BEYOND_FILE,	/* p_offset + p_filesz past end of file */
	LOADER_ERR_SEG_OUTSIDE_RAM,
	LOADER_ERR_SEG_OVERLAPS_BOOT,	/* touches [0x7000, 0x7200) */
	LOADER_ERR_SEG_OVERLAPS_MBMAP,	/* touches what MBMAP writes at 0x6000 */
	LOADER_ERR_NO_LOAD,		/* no PT_LOAD with memory to load */
};

/* The kernel's entry point and how much was loaded, for --trace. */
struct loader_kernel_info {
	uint64_t entry;
	unsigned int segments;		/* PT_LOAD segments copied */
	uint64_t lowest_gpa, highest_gpa_end;
};

/* Boot sector from a file / from memory (name is used in messages only). */
enum loader_status loader_load_boot_file(uint8_t *ram, size_t ram_size, const char *path,
					 char *err, size_t err_size);
enum loader_status loader_load_boot_image(uint8_t *ram, size_t ram_size, const uint8_t *image,
					  size_t image_size, const char *name,
					  char *err, size_t err_size);

/*
 * Kernel ELF64 from a file / from memory.  Validates every header and
 * segment before copying any, so a rejected kernel leaves RAM untouched.
 */
enum loader_status loader_load_kernel_file(uint8_t *ram, size_t ram_size, const char *path,
					   struct loader_kernel_info *info,
					   char *err, size_t err_size);
enum loader_status loader_load_kernel_image(uint8_t *ram, size_t ram_size,
					    const uint8_t *image, size_t image_size,
					    const char *name, struct loader_kernel_info *info,
					    char *err, size_t err_size);

/* A short fixed name for a status ("not ELF", ...), for tests and traces. */
const char *loader_status_name(enum loader_status status);

#endif /* JLAUNCH_LOADER_H */
