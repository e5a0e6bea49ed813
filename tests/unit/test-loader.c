// SPDX-License-Identifier: GPL-2.0
/*
 * test-loader - unit tests of tools/launcher/loader.c against hand-made
 * boot sectors and ELF files: what loads where, and that each kind of bad
 * input gets its own status, a message naming the file, and leaves guest
 * RAM untouched.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hypercall.h"
#include "loader.h"
#include "check.h"


#define RAM_SIZE	((size_t)16 << 20)
#define FILL		0xCC

static uint8_t *ram;
static char err[512];

static void fresh_ram(void)
{
	memset(ram, FILL, RAM_SIZE);
	err[0] = 0;
}

static int ram_untouched(void)
{
	size_t i;

	for (i = 0; i < RAM_SIZE; i++)
		if (ram[i] != FILL)
			return 0;
	return 1;
}

/* ---- hand-made ELF files ---- */
#define MAX_SEGS	4
#define PAYLOAD_OFF	0x1000		/* segment bytes start here in the file */

struct elf_file {
	uint8_t bytes[0x3000];
	size_t size;
};

static Elf64_Ehdr *ehdr(struct elf_file *f)
{
	return (Elf64_Ehdr *)f->bytes;
}

static Elf64_Phdr *phdr(struct elf_file *f, int i)
{
	return (Elf64_Phdr *)(f->bytes + sizeof(Elf64_Ehdr)) + i;
}

/*
 * A kernel like the course's, shrunk: a bootstrap segment at 0x100000
 * (0x40 bytes of 0x11, memsz 0x100), text at 0x200000 (0x80 bytes of 0x22,
 * memsz 0x80, virtual address high), a PT_NOTE that loads nothing.
 */
static void make_kernel(struct elf_file *f)
{
	Elf64_Ehdr *e = ehdr(f);

	memset(f, 0, sizeof(*f));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = 0x100000;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 3;

	*phdr(f, 0) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = PAYLOAD_OFF,
		.p_vaddr = 0x100000, .p_paddr = 0x100000, .p_filesz = 0x40, .p_memsz = 0x100 };
	*phdr(f, 1) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = PAYLOAD_OFF + 0x40,
		.p_vaddr = 0x8004200000, .p_paddr = 0x200000, .p_filesz = 0x80, .p_memsz = 0x80 };
	/* Garbage addresses: not PT_LOAD, so never looked at. */
	*phdr(f, 2) = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0xFFFFFFFF,
		.p_paddr = 0xFFFFFFFFFFFF, .p_filesz = 0x10, .p_memsz = 0x10 };
	memset(f->bytes + PAYLOAD_OFF, 0x11, 0x40);
	memset(f->bytes + PAYLOAD_OFF + 0x40, 0x22, 0x80);
	f->size = PAYLOAD_OFF + 0xC0;
}

static int all(const uint8_t *p, uint8_t value, size_t n)
{
	while (n--)
		if (*p++ != value)
			return 0;
	return 1;
}

static enum loader_status load(struct elf_file *f, struct loader_kernel_info *info)
{
	fresh_ram();
	return loader_load_kernel_image(ram, RAM_SIZE, f->bytes, f->size, "k.elf", info,
					err, sizeof(err));
}

/* A rejection: the right status, the file named first, RAM untouched. */
static void expect(struct elf_file *f, enum loader_status want, const char *what)
{
	enum loader_status got = load(f, NULL);

	CHECK(got == want && !strncmp(err, "k.elf: ", 7) && strchr(err, ';') && ram_untouched(),
	      "kernel %s -> %s (got %s: \"%s\")", what, loader_status_name(want),
	      loader_status_name(got), err);
}

static void test_kernel_good(void)
{
	struct loader_kernel_info info;
	struct elf_file f;

	make_kernel(&f);
	CHECK(load(&f, &info) == LOADER_OK, "kernel: loads (%s)", err);
	CHECK(info.entry == 0x100000, "kernel: entry 0x100000");
	CHECK(info.segments == 2 && info.lowest_gpa == 0x100000 &&
	      info.highest_gpa_end == 0x200080, "kernel: 2 segments, [0x100000, 0x200080)");
	CHECK(all(ram + 0x100000, 0x11, 0x40), "kernel: segment 0 file bytes at p_paddr");
	CHECK(all(ram + 0x100040, 0, 0xC0), "kernel: segment 0 zeroed up to p_memsz");
	CHECK(ram[0x100100] == FILL && ram[0xFFFFF] == FILL, "kernel: nothing written around it");
	CHECK(all(ram + 0x200000, 0x22, 0x80), "kernel: segment 1 at p_paddr, not p_vaddr");

	/* A segment ending exactly at the end of RAM fits. */
	make_kernel(&f);
	phdr(&f, 1)->p_paddr = RAM_SIZE - 0x80;
	CHECK(load(&f, NULL) == LOADER_OK && all(ram + RAM_SIZE - 0x80, 0x22, 0x80),
	      "kernel: segment ending at the last byte of RAM");

	/* Neighbours of the boot sector page are fine. */
	make_kernel(&f);
	phdr(&f, 0)->p_paddr = 0x7200;
	phdr(&f, 1)->p_paddr = 0x6F80;
	CHECK(load(&f, NULL) == LOADER_OK, "kernel: segments at 0x7200 and ending at 0x7000 (%s)",
	      err);

	/* PIE-default toolchains link ET_DYN; p_paddr still decides. */
	make_kernel(&f);
	ehdr(&f)->e_type = ET_DYN;
	CHECK(load(&f, NULL) == LOADER_OK, "kernel: ET_DYN accepted");

	/* A zero-sized PT_LOAD is skipped, not copied. */
	make_kernel(&f);
	phdr(&f, 2)->p_type = PT_LOAD;
	phdr(&f, 2)->p_offset = 0;
	phdr(&f, 2)->p_paddr = 0x300000;
	phdr(&f, 2)->p_filesz = phdr(&f, 2)->p_memsz = 0;
	CHECK(load(&f, &info) == LOADER_OK && info.segments == 2, "kernel: empty PT_LOAD skipped");
}

static void test_kernel_bad(void)
{
	struct elf_file f;

	make_kernel(&f);
	memcpy(f.bytes, "#!/bin/sh\necho hi\n", 18);
	f.size = 18;
	expect(&f, LOADER_ERR_NOT_ELF, "shell script");

	make_kernel(&f);
	f.size = 3;
	expect(&f, LOADER_ERR_NOT_ELF, "3 bytes");

	make_kernel(&f);
	f.size = 0;
	expect(&f, LOADER_ERR_NOT_ELF, "empty file");

	make_kernel(&f);
	f.size = 10;
	expect(&f, LOADER_ERR_ELF_TRUNCATED_HEADER, "cut inside e_ident");

	make_kernel(&f);
	f.size = sizeof(Elf64_Ehdr) - 1;
	expect(&f, LOADER_ERR_ELF_TRUNCATED_HEADER, "cut inside the ELF header");

	make_kernel(&f);
	f.bytes[EI_CLASS] = ELFCLASS32;
	expect(&f, LOADER_ERR_ELF32, "ELFCLASS32");

	make_kernel(&f);
	f.bytes[EI_CLASS] = 7;
	expect(&f, LOADER_ERR_ELF_BAD_CLASS, "class 7");

	make_kernel(&f);
	f.bytes[EI_DATA] = ELFDATA2MSB;
	expect(&f, LOADER_ERR_ELF_BIG_ENDIAN, "big-endian");

	make_kernel(&f);
	ehdr(&f)->e_machine = EM_386;
	expect(&f, LOADER_ERR_ELF_MACHINE, "EM_386");

	make_kernel(&f);
	ehdr(&f)->e_machine = EM_AARCH64;
	expect(&f, LOADER_ERR_ELF_MACHINE, "EM_AARCH64");

	make_kernel(&f);
	ehdr(&f)->e_type = ET_REL;
	expect(&f, LOADER_ERR_ELF_NOT_EXECUTABLE, "ET_REL object file");

	make_kernel(&f);
	ehdr(&f)->e_phentsize = 32;
	expect(&f, LOADER_ERR_ELF_BAD_PHENTSIZE, "e_phentsize 32");

	make_kernel(&f);
	f.size = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + 10;
	expect(&f, LOADER_ERR_ELF_TRUNCATED_PHDRS, "cut inside the program headers");

	make_kernel(&f);
	ehdr(&f)->e_phoff = 0xFFFFFFFFFFFFFFF0ull;
	expect(&f, LOADER_ERR_ELF_TRUNCATED_PHDRS, "e_phoff near 2^64");

	make_kernel(&f);
	ehdr(&f)->e_phnum = 0xFFFF;
	expect(&f, LOADER_ERR_ELF_TRUNCATED_PHDRS, "e_phnum 65535");

	make_kernel(&f);
	phdr(&f, 1)->p_filesz = 0x100;
	expect(&f, LOADER_ERR_SEG_FILESZ_GT_MEMSZ, "p_filesz > p_memsz");

	make_kernel(&f);
	phdr(&f, 1)->p_offset = f.size - 0x10;
	expect(&f, LOADER_ERR_SEG_BEYOND_FILE, "segment bytes past end of file");

	make_kernel(&f);
	phdr(&f, 1)->p_offset = 0xFFFFFFFFFFFFFFF0ull;
	expect(&f, LOADER_ERR_SEG_BEYOND_FILE, "p_offset + p_filesz wraps");

	make_kernel(&f);
	phdr(&f, 1)->p_paddr = RAM_SIZE - 0x7F;
	expect(&f, LOADER_ERR_SEG_OUTSIDE_RAM, "segment one byte past end of RAM");

	make_kernel(&f);
	phdr(&f, 1)->p_paddr = 0x8004200000;
	expect(&f, LOADER_ERR_SEG_OUTSIDE_RAM, "segment at its virtual address");

	make_kernel(&f);
	phdr(&f, 1)->p_paddr = 0xFFFFFFFFFFFFFF00ull;
	phdr(&f, 1)->p_memsz = 0x200;
	expect(&f, LOADER_ERR_SEG_OUTSIDE_RAM, "p_paddr + p_memsz wraps to 0x100");

	make_kernel(&f);
	phdr(&f, 1)->p_memsz = 0xFFFFFFFFFFFFFFFFull;
	expect(&f, LOADER_ERR_SEG_OUTSIDE_RAM, "p_memsz 2^64-1");

	make_kernel(&f);
	phdr(&f, 1)->p_paddr = 0x71FF;
	phdr(&f, 1)->p_filesz = phdr(&f, 1)->p_memsz = 1;
	expect(&f, LOADER_ERR_SEG_OVERLAPS_BOOT, "segment on the boot sector's last byte");

	make_kernel(&f);
	phdr(&f, 1)->p_paddr = 0x6F81;
	expect(&f, LOADER_ERR_SEG_OVERLAPS_BOOT, "segment reaching 0x7000");

	make_kernel(&f);
	phdr(&f, 0)->p_paddr = 0;
	phdr(&f, 0)->p_memsz = 0x100000;
	expect(&f, LOADER_ERR_SEG_OVERLAPS_BOOT, "segment covering the low megabyte");

	make_kernel(&f);
	phdr(&f, 1)->p_paddr = 0x6070;
	phdr(&f, 1)->p_filesz = phdr(&f, 1)->p_memsz = 0x10;
	expect(&f, LOADER_ERR_SEG_OVERLAPS_MBMAP, "segment on the multiboot map");

	make_kernel(&f);
	phdr(&f, 0)->p_type = PT_NOTE;
	phdr(&f, 1)->p_type = PT_DYNAMIC;
	expect(&f, LOADER_ERR_NO_LOAD, "no PT_LOAD");

	make_kernel(&f);
	ehdr(&f)->e_phnum = 0;
	expect(&f, LOADER_ERR_NO_LOAD, "no program headers");

	/* The second segment is bad: the first must not have been copied. */
	make_kernel(&f);
	phdr(&f, 1)->p_paddr = RAM_SIZE;
	expect(&f, LOADER_ERR_SEG_OUTSIDE_RAM, "good then bad segment (RAM stays clean)");
}

static enum loader_status boot(const uint8_t *image, size_t size, size_t ram_size)
{
	fresh_ram();
	return loader_load_boot_image(ram, ram_size, image, size, "boot.bin", err, sizeof(err));
}

static void test_boot(void)
{
	uint8_t sector[600];

	memset(sector, 0x90, sizeof(sector));
	sector[510] = 0x55;
	sector[511] = 0xAA;
	CHECK(boot(sector, 512, RAM_SIZE) == LOADER_OK && !memcmp(ram + 0x7000, sector, 512) &&
	      ram[0x6FFF] == FILL && ram[0x7200] == FILL, "boot: 512 bytes with 0x55AA at 0x7000");
	CHECK(boot(sector, 300, RAM_SIZE) == LOADER_OK && all(ram + 0x7000, 0x90, 300) &&
	      ram[0x7000 + 300] == FILL, "boot: 300-byte flat binary accepted");
	CHECK(boot(sector, 513, RAM_SIZE) == LOADER_ERR_BOOT_TOO_BIG && ram_untouched() &&
	      !strncmp(err, "boot.bin: ", 10), "boot: 513 bytes refused (%s)", err);
	CHECK(boot(sector, 0, RAM_SIZE) == LOADER_ERR_BOOT_EMPTY && ram_untouched(),
	      "boot: empty refused");
	sector[511] = 0x00;
	CHECK(boot(sector, 512, RAM_SIZE) == LOADER_ERR_BOOT_SIGNATURE && ram_untouched(),
	      "boot: 512 bytes without signature refused (%s)", err);
	sector[510] = 0xAA;
	sector[511] = 0x55;
	CHECK(boot(sector, 512, RAM_SIZE) == LOADER_ERR_BOOT_SIGNATURE,
	      "boot: byte-swapped signature refused");
	sector[510] = 0x55;
	sector[511] = 0xAA;
	CHECK(boot(sector, 512, 0x7100) == LOADER_ERR_RAM_TOO_SMALL && ram_untouched(),
	      "boot: RAM ending inside the boot sector refused");
}

static const char *write_temp(const char *name, const void *data, size_t size)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp))
		return NULL;
	return path;
}

static void test_files(void)
{
	char dir[] = "/tmp/test-loader-XXXXXX";
	struct loader_kernel_info info;
	char path[512], missing[512];
	struct elf_file f;
	uint8_t sector[1024];
	enum loader_status s;

	if (!mkdtemp(dir)) {
		CHECK(0, "files: mkdtemp");
		return;
	}
	setenv("TMPDIR", dir, 1);

	make_kernel(&f);
	snprintf(path, sizeof(path), "%s", write_temp("kernel", f.bytes, f.size));
	fresh_ram();
	s = loader_load_kernel_file(ram, RAM_SIZE, path, &info, err, sizeof(err));
	CHECK(s == LOADER_OK && info.entry == 0x100000 && all(ram + 0x200000, 0x22, 0x80),
	      "file: kernel loads from disk (%s)", err);

	snprintf(missing, sizeof(missing), "%s/no-such-kernel", dir);
	fresh_ram();
	s = loader_load_kernel_file(ram, RAM_SIZE, missing, &info, err, sizeof(err));
	CHECK(s == LOADER_ERR_OPEN && !strncmp(err, missing, strlen(missing)) && ram_untouched(),
	      "file: missing kernel -> cannot open, named (%s)", err);

	fresh_ram();
	s = loader_load_kernel_file(ram, RAM_SIZE, dir, &info, err, sizeof(err));
	CHECK(s == LOADER_ERR_READ && strstr(err, "directory"), "file: directory refused (%s)",
	      err);

	/* Root reads anything: as root, the check runs in a child as "nobody". */
	chmod(path, 0);
	if (geteuid() != 0) {
		fresh_ram();
		s = loader_load_kernel_file(ram, RAM_SIZE, path, &info, err, sizeof(err));
		CHECK(s == LOADER_ERR_OPEN && strstr(err, "permission"),
		      "file: unreadable kernel refused (%s)", err);
	} else {
		int status = -1;
		pid_t pid = fork();

		if (pid == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(2);
			fresh_ram();
			s = loader_load_kernel_file(ram, RAM_SIZE, path, &info, err, sizeof(err));
			printf("  as uid 65534: %s\n", err);
			fflush(stdout);
			_exit(s == LOADER_ERR_OPEN && strstr(err, "permission") ? 0 : 1);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
		CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "file: unreadable kernel refused (checked as uid 65534)");
	}
	chmod(path, 0600);
	unlink(path);

	memset(sector, 0, sizeof(sector));
	sector[510] = 0x55;
	sector[511] = 0xAA;
	snprintf(path, sizeof(path), "%s", write_temp("boot", sector, 512));
	fresh_ram();
	s = loader_load_boot_file(ram, RAM_SIZE, path, err, sizeof(err));
	CHECK(s == LOADER_OK && ram[0x71FE] == 0x55 && ram[0x71FF] == 0xAA,
	      "file: boot sector loads from disk (%s)", err);
	unlink(path);

	snprintf(path, sizeof(path), "%s", write_temp("big-boot", sector, sizeof(sector)));
	fresh_ram();
	s = loader_load_boot_file(ram, RAM_SIZE, path, err, sizeof(err));
	CHECK(s == LOADER_ERR_BOOT_TOO_BIG && strstr(err, "1024") && ram_untouched(),
	      "file: 1024-byte boot file refused by size (%s)", err);
	unlink(path);

	fresh_ram();
	s = loader_load_boot_file(ram, RAM_SIZE, missing, err, sizeof(err));
	CHECK(s == LOADER_ERR_OPEN, "file: missing boot sector -> cannot open");
	rmdir(dir);
}

int main(void)
{
	ram = malloc(RAM_SIZE);
	if (!ram)
		return 2;
	test_kernel_good();
	test_kernel_bad();
	test_boot();
	test_files();
	free(ram);
	printf("%s: test-loader, %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
