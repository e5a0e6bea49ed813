// SPDX-License-Identifier: GPL-2.0
/*
 * commands.c - the shell's built-in commands.  Each prints plain lines a
 * test can match; add a command by writing its function and a table row.
 */
#include <stdbool.h>

#include <hypercall.h>

#include "compiler.h"
#include "fscmds.h"
#include "layout.h"
#include "memory.h"
#include "printf.h"
#include "shell.h"
#include "string.h"
#include "trap.h"
#include "x86.h"

#define KIB			1024
#define CPUID_EXT_BASE		0x80000000
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_EXT_EDX_LM	(1u << 29)

static int cmd_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < num_commands; i++)
		kprintf("%-24s %s\n", commands[i].usage, commands[i].help);
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	int i;

	if (!fs_echo_redirect(argc, argv))
		return 0;
	for (i = 1; i < argc; i++)
		kprintf("%s%s", i > 1 ? " " : "", argv[i]);
	kprintf("\n");
	return 0;
}

static const char *region_type(uint32_t type)
{
	switch (type) {
	case MMAP_TYPE_USABLE:
		return "usable";
	case MMAP_TYPE_RESERVED:
		return "reserved";
	default:
		return "other";
	}
}

static int cmd_mem(int argc, char **argv)
{
	const struct memory_info *mi = memory_info();
	size_t i;

	(void)argc;
	(void)argv;
	if (mi->from_mbmap)
		kprintf("memory map from MBMAP (info at 0x%llx), %zu entries:\n",
			(unsigned long long)mi->mbinfo_phys, mi->nregions);
	else
		kprintf("no MBMAP memory map; made up from CMOS, %zu entries:\n", mi->nregions);
	for (i = 0; i < mi->nregions; i++) {
		const struct mem_region *r = &mi->regions[i];

		kprintf("  [0x%010llx, 0x%010llx) 0x%010llx %8llu KiB %s (type %u)\n",
			(unsigned long long)r->base, (unsigned long long)(r->base + r->length),
			(unsigned long long)r->length, (unsigned long long)r->length / KIB,
			region_type(r->type), r->type);
	}
	if (mi->nregions_ignored)
		kprintf("  (%zu more entries ignored)\n", mi->nregions_ignored);
	kprintf("cmos: base = %u KiB, extended = %u KiB%s\n", mi->cmos.base_kib,
		mi->cmos.extended_kib, mi->cmos.above_16m ? " (from registers 0x34/0x35)" : "");
	kprintf("pages: %zu free of %zu (%zu KiB free)\n", pages_free(), pages_total(),
		pages_free() * (PAGE_SIZE / KIB));
	return 0;
}

static int cmd_cpuid(int argc, char **argv)
{
	struct cpuid_regs leaf0 = cpuid(0), leaf1, ext0 = cpuid(CPUID_EXT_BASE);
	uint32_t family, model;
	bool long_mode = false;
	char vendor[13];

	(void)argc;
	(void)argv;
	/* The vendor string is EBX, EDX, ECX in that order. */
	memcpy(vendor, &leaf0.ebx, 4);
	memcpy(vendor + 4, &leaf0.edx, 4);
	memcpy(vendor + 8, &leaf0.ecx, 4);
	vendor[12] = '\0';
	kprintf("vendor: %s\n", vendor);
	kprintf("max leaf: basic 0x%x, extended 0x%x\n", leaf0.eax, ext0.eax);
	if (leaf0.eax < 1)
		return 1;

	leaf1 = cpuid(1);
	/* The extended family and model fields count only for families 6 and 15. */
	family = (leaf1.eax >> 8) & 0xf;
	model = (leaf1.eax >> 4) & 0xf;
	if (family == 0xf)
		family += (leaf1.eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((leaf1.eax >> 16) & 0xf) << 4;
	kprintf("family %u, model %u, stepping %u\n", family, model, leaf1.eax & 0xf);
	kprintf("vmx: %s\n", leaf1.ecx & CPUID_1_ECX_VMX ? "exposed" : "hidden");

	if (ext0.eax >= CPUID_EXT_BASE + 1)
		long_mode = cpuid(CPUID_EXT_BASE + 1).edx & CPUID_EXT_EDX_LM;
	kprintf("long mode: %s\n", long_mode ? "yes" : "no");
	return 0;
}

static int cmd_ticks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("ticks: %llu\n", (unsigned long long)timer_ticks());
	return 0;
}

static int cmd_exit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fs_shutdown();
	kprintf("powering off\n");
	outw(POWEROFF_PORT, POWEROFF_VALUE);
	/* Only reached if the hypervisor ignored the power-off port. */
	kprintf("power-off failed; halting\n");
	halt_forever();
}

const struct command commands[] = {
	{ "help", "help", "list the commands", cmd_help },
	{ "echo", "echo ARGS... [>|>> FILE]", "print ARGS, or write (>) or append (>>) them to FILE",
	  cmd_echo },
	{ "mem", "mem", "memory map, CMOS sizes and free pages", cmd_mem },
	{ "cpuid", "cpuid", "CPU vendor, family/model, VMX and long mode", cmd_cpuid },
	{ "ticks", "ticks", "timer interrupts so far (jlaunch --timer)", cmd_ticks },
	{ "ls", "ls [-l] [PATH]", "list a directory (-l: type and size)", cmd_ls },
	{ "cat", "cat FILE...", "print files", cmd_cat },
	{ "write", "write FILE TEXT...", "replace FILE's contents with TEXT and a newline",
	  cmd_write },
	{ "append", "append FILE TEXT...", "add TEXT and a newline at the end of FILE",
	  cmd_append },
	{ "rm", "rm PATH...", "remove files and empty directories", cmd_rm },
	{ "mkdir", "mkdir DIR...", "make directories", cmd_mkdir },
	{ "sync", "sync", "write the block cache back and flush the disk", cmd_sync },
	{ "df", "df", "disk blocks and KiB (total, used, free), cache and request counts",
	  cmd_df },
	{ "bench-write", "bench-write FILE KIB", "write KIB KiB of a pattern to FILE, sync, time it",
	  cmd_bench_write },
	{ "bench-read", "bench-read FILE", "read FILE from a cold cache: time and checksums",
	  cmd_bench_read },
	{ "exit", "exit", "sync the disk and power the guest off", cmd_exit },
};

const size_t num_commands = ARRAY_SIZE(commands);
