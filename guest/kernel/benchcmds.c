// SPDX-License-Identifier: GPL-2.0
/*
 * benchcmds.c - disk benchmarks for the shell: bench-write FILE KIB writes
 * a pattern and syncs, bench-read FILE reads a file from a cold cache and
 * checksums it.  Time is the TSC, converted with the frequency CPUID
 * leaf 0x15 or 0x16 gives; without either the cycles are printed.
 */
#include <stdbool.h>

#include <josfs.h>

#include "bcache.h"
#include "errors.h"
#include "fs.h"
#include "fscmds.h"
#include "ipc.h"
#include "printf.h"
#include "string.h"
#include "x86.h"

#define KIB		1024
#define CHUNK		JOSFS_BLOCK_SIZE
#define FNV_OFFSET	0x811c9dc5u
#define FNV_PRIME	0x01000193u

static uint8_t chunk[CHUNK];

/* TSC ticks per millisecond, or 0 if the CPU does not say. */
static uint64_t tsc_per_ms(void)
{
	uint32_t max = cpuid(0).eax;
	struct cpuid_regs r;

	if (max >= 0x15) {
		r = cpuid(0x15);
		if (r.eax && r.ebx && r.ecx)
			return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
	}
	if (max >= 0x16) {
		r = cpuid(0x16);
		if (r.eax & 0xffff)
			return (uint64_t)(r.eax & 0xffff) * 1000;
	}
	return 0;
}

static void print_time(const char *what, uint64_t bytes, uint64_t cycles, uint64_t requests)
{
	uint64_t per_ms = tsc_per_ms();

	kprintf("%s %llu KiB", what, (unsigned long long)(bytes / KIB));
	if (per_ms) {
		uint64_t us = cycles * 1000 / per_ms;

		kprintf(" in %llu ms (%llu KiB/s)", (unsigned long long)(us / 1000),
			(unsigned long long)(us ? bytes * 1000000 / KIB / us : 0));
	} else {
		kprintf(" in %llu kcycles", (unsigned long long)(cycles / 1000));
	}
	kprintf(", %llu requests\n", (unsigned long long)requests);
}

/* The byte at file offset pos: 0..250 repeating, so blocks differ. */
static uint8_t pattern(uint64_t pos)
{
	return (uint8_t)(pos % 251);
}

int cmd_bench_write(int argc, char **argv)
{
	uint64_t kib = 0, bytes, pos, t0, reqs;
	struct fs_file f;
	const char *s;
	int err;

	if (argc != 3) {
		kprintf("usage: bench-write FILE KIB\n");
		return 1;
	}
	for (s = argv[2]; *s >= '0' && *s <= '9' && kib <= JOSFS_MAX_FILE_SIZE; s++)
		kib = kib * 10 + (uint64_t)(*s - '0');
	if (*s || s == argv[2] || kib * KIB > JOSFS_MAX_FILE_SIZE) {
		kprintf("bench-write: KIB must be a number from 0 to %u\n",
			JOSFS_MAX_FILE_SIZE / KIB);
		return 1;
	}
	bytes = kib * KIB;

	reqs = disk_stats()->requests;
	t0 = rdtsc();
	err = fs_lookup(argv[1], &f);
	if (err == -JOS_E_NOT_FOUND)
		err = fs_create(argv[1], JOSFS_TYPE_FILE, &f);
	if (!err && f.f.type == JOSFS_TYPE_DIR)
		err = -E_ISDIR;
	if (!err)
		err = fs_truncate(&f, 0);
	for (pos = 0; !err && pos < bytes; pos += CHUNK) {
		size_t n = bytes - pos < CHUNK ? (size_t)(bytes - pos) : CHUNK;
		long w;

		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern(pos + i);
		w = fs_write(&f, pos, chunk, n);
		if (w < 0)
			err = (int)w;
	}
	if (!err)
		err = fs_sync();
	if (err) {
		kprintf("bench-write: %s: %s\n", argv[1], strerror(err));
		return 1;
	}
	print_time("bench-write: wrote", bytes, rdtsc() - t0, disk_stats()->requests - reqs);
	return 0;
}

int cmd_bench_read(int argc, char **argv)
{
	uint32_t sum = 0, fnv = FNV_OFFSET;
	uint64_t pos = 0, t0, reqs;
	struct fs_file f;
	long n;
	int err;

	if (argc != 2) {
		kprintf("usage: bench-read FILE\n");
		return 1;
	}
	/* Cold cache: write back what is dirty, forget the rest. */
	err = fs_sync();
	if (err) {
		kprintf("bench-read: sync: %s\n", strerror(err));
		return 1;
	}
	bc_drop_clean();

	reqs = disk_stats()->requests;
	t0 = rdtsc();
	err = fs_lookup(argv[1], &f);
	if (!err && f.f.type == JOSFS_TYPE_DIR)
		err = -E_ISDIR;
	while (!err && (n = fs_read(&f, pos, chunk, CHUNK)) != 0) {
		if (n < 0) {
			err = (int)n;
			break;
		}
		for (long i = 0; i < n; i++) {
			sum += chunk[i];
			fnv = (fnv ^ chunk[i]) * FNV_PRIME;
		}
		pos += (uint64_t)n;
	}
	if (err) {
		kprintf("bench-read: %s: %s\n", argv[1], strerror(err));
		return 1;
	}
	print_time("bench-read: read", pos, rdtsc() - t0, disk_stats()->requests - reqs);
	kprintf("bench-read: %llu bytes, sum32 %u, fnv1a 0x%08x\n", (unsigned long long)pos, sum,
		fnv);
	return 0;
}
