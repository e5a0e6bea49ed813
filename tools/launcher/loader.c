// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - the boot sector and the kernel ELF64 into guest RAM.
 *
 * The ELF headers are decoded byte by byte (little-endian) from the file
 * image, so an odd-sized or misaligned file cannot cause an unaligned or
 * out-of-bounds access, and every size is checked with subtraction rather
 * than addition so that 64-bit fields chosen to wrap around are caught.
 * All segments are validated before the first is copied: a rejected kernel
 * leaves guest RAM as it was.
 */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hypercall.h"

/* Course kernels are a few MiB with symbols; anything this big is a mistake. */
#define KERNEL_FILE_MAX ((size_t)1 << 30)

static enum loader_status fail(char *err, size_t err_size, enum loader_status status,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum loader_status fail(char *err, size_t err_size, enum loader_status status,
			       const char *fmt, ...)
{
	va_list ap;

	if (err && err_size) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return status;
}

const char *loader_status_name(enum loader_status status)
{
	switch (status) {
	case LOADER_OK: return "ok";
	case LOADER_ERR_OPEN: return "cannot open";
	case LOADER_ERR_READ: return "cannot read";
	case LOADER_ERR_TOO_LARGE: return "file too large";
	case LOADER_ERR_BOOT_EMPTY: return "empty boot sector";
	case LOADER_ERR_BOOT_TOO_BIG: return "boot sector too big";
	case LOADER_ERR_BOOT_SIGNATURE: return "no boot signature";
	case LOADER_ERR_RAM_TOO_SMALL: return "guest RAM too small";
	case LOADER_ERR_ELF_TRUNCATED_HEADER: return "truncated ELF header";
	case LOADER_ERR_NOT_ELF: return "not ELF";
	case LOADER_ERR_ELF32: return "32-bit ELF";
	case LOADER_ERR_ELF_BAD_CLASS: return "bad ELF class";
	case LOADER_ERR_ELF_BIG_ENDIAN: return "big-endian ELF";
	case LOADER_ERR_ELF_NOT_EXECUTABLE: return "ELF not executable";
	case LOADER_ERR_ELF_MACHINE: return "wrong ELF machine";
	case LOADER_ERR_ELF_BAD_PHENTSIZE: return "bad program header size";
	case LOADER_ERR_ELF_TRUNCATED_PHDRS: return "truncated program headers";
	case LOADER_ERR_SEG_FILESZ_GT_MEMSZ: return "segment filesz > memsz";
	case LOADER_ERR_SEG_BEYOND_FILE: return "segment beyond end of file";
	case LOADER_ERR_SEG_OUTSIDE_RAM: return "segment outside guest RAM";
	case LOADER_ERR_SEG_OVERLAPS_BOOT: return "segment overlaps boot sector";
	case LOADER_ERR_SEG_OVERLAPS_MBMAP: return "segment overlaps MBMAP";
	case LOADER_ERR_NO_LOAD: return "no PT_LOAD segment";
	}
	return "unknown status";
}

/*
 * Read a whole regular file into a fresh buffer.  Files bigger than max
 * are refused from their size alone, before any reading.
 */
static enum loader_status read_file(const char *path, size_t max, const char *what,
				    enum loader_status too_big, uint8_t **data, size_t *size, char *err, size_t err_size)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, err_size, LOADER_ERR_OPEN, "%s: cannot open %s: %s; check the path%s",
			    path, what, strerror(errno),
			    errno == EACCES ? " and its permissions" : "");
	if (fstat(fd, &st) < 0) {
		int saved = errno;

		close(fd);
		return fail(err, err_size, LOADER_ERR_READ, "%s: cannot read %s: %s; check the file",
			    path, what, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, err_size, LOADER_ERR_READ,
			    "%s: cannot read %s: %s; give a regular file", path, what,
			    S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return fail(err, err_size, too_big,
			    "%s: %s is %lld bytes, more than the %zu allowed; is this the right file?",
			    path, what, (long long)st.st_size, max);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return fail(err, err_size, LOADER_ERR_READ, "%s: no memory to read %s; free some memory",
			    path, what);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : 0;

			free(buf);
			close(fd);
			return fail(err, err_size, LOADER_ERR_READ,
				    "%s: cannot read %s: %s; check the file", path, what,
				    saved ? strerror(saved) : "file shrank while being read");
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return LOADER_OK;
}

enum loader_status loader_load_boot_image(uint8_t *ram, size_t ram_size, const uint8_t *image,
					  size_t image_size, const char *name,
					  char *err, size_t err_size)
{
	if (image_size == 0)
		return fail(err, err_size, LOADER_ERR_BOOT_EMPTY,
			    "%s: boot sector is empty; give the boot sector binary", name);
	if (image_size > BOOT_SECTOR_SIZE)
		return fail(err, err_size, LOADER_ERR_BOOT_TOO_BIG,
			    "%s: boot sector is %zu bytes, more than %d; give the flat boot sector binary, not an ELF or a disk image",
			    name, image_size, BOOT_SECTOR_SIZE);
	/*
	 * The contract's boot sector is 512 bytes ending in 0x55AA.  A shorter
	 * flat binary is accepted (the issue allows <= 512 bytes: nothing reads
	 * the signature once loaded), but a full sector must carry it, since a
	 * 512-byte file without one is most likely not a boot sector at all.
	 */
	if (image_size == BOOT_SECTOR_SIZE &&
	    (image[BOOT_SIGNATURE_OFFSET] != 0x55 || image[BOOT_SIGNATURE_OFFSET + 1] != 0xAA))
		return fail(err, err_size, LOADER_ERR_BOOT_SIGNATURE,
			    "%s: 512 bytes without the 0x55AA signature at offset 510; is this a boot sector?",
			    name);
	if (ram_size < BOOT_SECTOR_GPA + BOOT_SECTOR_SIZE)
		return fail(err, err_size, LOADER_ERR_RAM_TOO_SMALL,
			    "%s: guest RAM (%zu bytes) cannot hold a boot sector at 0x%x; give more memory",
			    name, ram_size, BOOT_SECTOR_GPA);
	memcpy(ram + BOOT_SECTOR_GPA, image, image_size);
	return LOADER_OK;
}

enum loader_status loader_load_boot_file(uint8_t *ram, size_t ram_size, const char *path,
					 char *err, size_t err_size)
{
	enum loader_status status;
	uint8_t *data;
	size_t size;

	status = read_file(path, BOOT_SECTOR_SIZE, "boot sector", LOADER_ERR_BOOT_TOO_BIG, &data, &size, err, err_size);
	if (status != LOADER_OK)
		return status;
	status = loader_load_boot_image(ram, ram_size, data, size, path, err, err_size);
	free(data);
	return status;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The program header fields the loader uses, decoded. */
struct segment {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static struct segment decode_phdr(const uint8_t *p)
{
	return (struct segment){
		.type = get32(p + offsetof(Elf64_Phdr, p_type)),
		.offset = get64(p + offsetof(Elf64_Phdr, p_offset)),
		.paddr = get64(p + offsetof(Elf64_Phdr, p_paddr)),
		.filesz = get64(p + offsetof(Elf64_Phdr, p_filesz)),
		.memsz = get64(p + offsetof(Elf64_Phdr, p_memsz)),
	};
}

/* Does [start, start + len) meet [lo, hi)?  start + len is known not to wrap. */
static int overlaps(uint64_t start, uint64_t len, uint64_t lo, uint64_t hi)
{
	return start < hi && lo < start + len;
}

static enum loader_status check_segment(const struct segment *s, unsigned int index,
					size_t ram_size, size_t image_size, const char *name,
					char *err, size_t err_size)
{
	if (s->filesz > s->memsz)
		return fail(err, err_size, LOADER_ERR_SEG_FILESZ_GT_MEMSZ,
			    "%s: segment %u has p_filesz 0x%llx > p_memsz 0x%llx; the ELF file is corrupt",
			    name, index, (unsigned long long)s->filesz,
			    (unsigned long long)s->memsz);
	if (s->offset > image_size || s->filesz > image_size - s->offset)
		return fail(err, err_size, LOADER_ERR_SEG_BEYOND_FILE,
			    "%s: segment %u (offset 0x%llx, 0x%llx bytes) runs past the end of the %zu-byte file; the file is truncated or corrupt",
			    name, index, (unsigned long long)s->offset,
			    (unsigned long long)s->filesz, image_size);
	if (s->paddr > ram_size || s->memsz > ram_size - s->paddr)
		return fail(err, err_size, LOADER_ERR_SEG_OUTSIDE_RAM,
			    "%s: segment %u at physical 0x%llx (0x%llx bytes) lies outside the %zu MiB of guest RAM; give more memory with --mem or check the kernel's link addresses",
			    name, index, (unsigned long long)s->paddr,
			    (unsigned long long)s->memsz, ram_size >> 20);
	if (overlaps(s->paddr, s->memsz, BOOT_SECTOR_GPA, BOOT_SECTOR_GPA + BOOT_SECTOR_SIZE))
		return fail(err, err_size, LOADER_ERR_SEG_OVERLAPS_BOOT,
			    "%s: segment %u at physical 0x%llx (0x%llx bytes) overlaps the boot sector at [0x%x, 0x%x); link the kernel elsewhere",
			    name, index, (unsigned long long)s->paddr,
			    (unsigned long long)s->memsz, BOOT_SECTOR_GPA,
			    BOOT_SECTOR_GPA + BOOT_SECTOR_SIZE);
	/* MBMAP would overwrite the kernel there after it starts running. */
	if (overlaps(s->paddr, s->memsz, MBMAP_INFO_GPA, MBMAP_END_GPA))
		return fail(err, err_size, LOADER_ERR_SEG_OVERLAPS_MBMAP,
			    "%s: segment %u at physical 0x%llx (0x%llx bytes) overlaps the multiboot information at [0x%x, 0x%x); link the kernel elsewhere",
			    name, index, (unsigned long long)s->paddr,
			    (unsigned long long)s->memsz, MBMAP_INFO_GPA, MBMAP_END_GPA);
	return LOADER_OK;
}

/* Check the ELF header; on success *phoff, *phnum, *phentsize are usable. */
static enum loader_status check_elf_header(const uint8_t *image, size_t image_size,
					   const char *name, uint64_t *phoff, uint16_t *phnum,
					   uint16_t *phentsize, char *err, size_t err_size)
{
	uint16_t type, machine;

	/* Identify before judging length, so a short text file is "not ELF". */
	if (image_size < SELFMAG || memcmp(image, ELFMAG, SELFMAG) != 0)
		return fail(err, err_size, LOADER_ERR_NOT_ELF,
			    "%s: not an ELF file; give the kernel ELF (e.g. obj/kern/kernel), not a flat binary",
			    name);
	if (image_size < EI_NIDENT)
		return fail(err, err_size, LOADER_ERR_ELF_TRUNCATED_HEADER,
			    "%s: truncated ELF header (%zu bytes); the file is incomplete", name,
			    image_size);
	if (image[EI_CLASS] == ELFCLASS32)
		return fail(err, err_size, LOADER_ERR_ELF32,
			    "%s: 32-bit ELF; the guest kernel must be an ELF64 x86-64 executable", name);
	if (image[EI_CLASS] != ELFCLASS64)
		return fail(err, err_size, LOADER_ERR_ELF_BAD_CLASS,
			    "%s: unknown ELF class %u; the file is corrupt", name, image[EI_CLASS]);
	if (image[EI_DATA] != ELFDATA2LSB)
		return fail(err, err_size, LOADER_ERR_ELF_BIG_ENDIAN,
			    "%s: not a little-endian ELF; the guest kernel must be x86-64", name);
	if (image_size < sizeof(Elf64_Ehdr))
		return fail(err, err_size, LOADER_ERR_ELF_TRUNCATED_HEADER,
			    "%s: truncated ELF header (%zu of %zu bytes); the file is incomplete",
			    name, image_size, sizeof(Elf64_Ehdr));
	machine = get16(image + offsetof(Elf64_Ehdr, e_machine));
	if (machine != EM_X86_64)
		return fail(err, err_size, LOADER_ERR_ELF_MACHINE,
			    "%s: ELF machine %u is not x86-64 (%u); build the kernel for x86-64",
			    name, machine, EM_X86_64);
	/* A PIE-default toolchain may link ET_DYN; both load at p_paddr. */
	type = get16(image + offsetof(Elf64_Ehdr, e_type));
	if (type != ET_EXEC && type != ET_DYN)
		return fail(err, err_size, LOADER_ERR_ELF_NOT_EXECUTABLE,
			    "%s: ELF type %u is not an executable; give the linked kernel, not an object file",
			    name, type);
	*phoff = get64(image + offsetof(Elf64_Ehdr, e_phoff));
	*phnum = get16(image + offsetof(Elf64_Ehdr, e_phnum));
	*phentsize = get16(image + offsetof(Elf64_Ehdr, e_phentsize));
	if (*phnum && *phentsize < sizeof(Elf64_Phdr))
		return fail(err, err_size, LOADER_ERR_ELF_BAD_PHENTSIZE,
			    "%s: program header entries of %u bytes, less than %zu; the file is corrupt",
			    name, *phentsize, sizeof(Elf64_Phdr));
	/* phnum * phentsize fits easily in 64 bits (both are 16-bit). */
	if (*phoff > image_size || (uint64_t)*phnum * *phentsize > image_size - *phoff)
		return fail(err, err_size, LOADER_ERR_ELF_TRUNCATED_PHDRS,
			    "%s: %u program headers at offset 0x%llx run past the end of the %zu-byte file; the file is truncated",
			    name, *phnum, (unsigned long long)*phoff, image_size);
	return LOADER_OK;
}

enum loader_status loader_load_kernel_image(uint8_t *ram, size_t ram_size,
					    const uint8_t *image, size_t image_size,
					    const char *name, struct loader_kernel_info *info,
					    char *err, size_t err_size)
{
	struct loader_kernel_info result = { .lowest_gpa = UINT64_MAX };
	enum loader_status status;
	uint16_t phnum = 0, phentsize = 0;
	unsigned int loadable = 0, i;
	uint64_t phoff = 0;

	status = check_elf_header(image, image_size, name, &phoff, &phnum, &phentsize,
				  err, err_size);
	if (status != LOADER_OK)
		return status;

	/* Pass 1: validate every PT_LOAD.  Pass 2: copy.  RAM stays clean on error. */
	for (i = 0; i < phnum; i++) {
		struct segment s = decode_phdr(image + phoff + (uint64_t)i * phentsize);

		if (s.type != PT_LOAD)
			continue;
		status = check_segment(&s, i, ram_size, image_size, name, err, err_size);
		if (status != LOADER_OK)
			return status;
		if (s.memsz)
			loadable++;
	}
	if (!loadable)
		return fail(err, err_size, LOADER_ERR_NO_LOAD,
			    "%s: no PT_LOAD segment with contents; is this a linked kernel?", name);

	for (i = 0; i < phnum; i++) {
		struct segment s = decode_phdr(image + phoff + (uint64_t)i * phentsize);

		if (s.type != PT_LOAD || !s.memsz)
			continue;
		memcpy(ram + s.paddr, image + s.offset, s.filesz);
		memset(ram + s.paddr + s.filesz, 0, s.memsz - s.filesz);
		result.segments++;
		if (s.paddr < result.lowest_gpa)
			result.lowest_gpa = s.paddr;
		if (s.paddr + s.memsz > result.highest_gpa_end)
			result.highest_gpa_end = s.paddr + s.memsz;
	}
	result.entry = get64(image + offsetof(Elf64_Ehdr, e_entry));
	if (info)
		*info = result;
	return LOADER_OK;
}

enum loader_status loader_load_kernel_file(uint8_t *ram, size_t ram_size, const char *path,
					   struct loader_kernel_info *info,
					   char *err, size_t err_size)
{
	enum loader_status status;
	uint8_t *data;
	size_t size;

	status = read_file(path, KERNEL_FILE_MAX, "kernel", LOADER_ERR_TOO_LARGE, &data, &size, err, err_size);
	if (status != LOADER_OK)
		return status;
	status = loader_load_kernel_image(ram, ram_size, data, size, path, info, err, err_size);
	free(data);
	return status;
}
