// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - /sys/kernel/debug/jvmm/: what jvmm holds, and what its VMs do.
 *
 *   objects       live VMs, vCPUs, EPT table pages and pinned guest pages;
 *                 all zero once every VM is gone (the leak tests read it)
 *   vm<N>/exits   VM exits of VM N by basic exit reason, exits that went
 *                 to userspace, hypercalls
 *   counters      since load, all VMs: VM exits, and VMX sections opened
 *                 (each one a VMXON, VMPTRLD, VMCLEAR and VMXOFF); make
 *                 bench divides the two
 *
 * Debugfs is for people and tests, not an ABI; like KVM's, it may change.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "jvmm.h"
#include "stats.h"

atomic_long_t jvmm_objects[JVMM_OBJ_NR];
DEFINE_PER_CPU(struct jvmm_cpu_counters, jvmm_cpu_counters);

static const char * const object_names[JVMM_OBJ_NR] = {
	[JVMM_OBJ_VM]		= "vms",
	[JVMM_OBJ_VCPU]		= "vcpus",
	[JVMM_OBJ_EPT_TABLE]	= "ept_tables",
	[JVMM_OBJ_PINNED_PAGE]	= "pinned_pages",
};

static struct dentry *jvmm_debugfs;

static int objects_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < JVMM_OBJ_NR; i++)
		seq_printf(m, "%s %ld\n", object_names[i],
			   atomic_long_read(&jvmm_objects[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);

static int exits_show(struct seq_file *m, void *unused)
{
	const struct jvmm_vm *vm = m->private;
	int i;

	for (i = 0; i <= VMX_EXIT_REASON_MAX; i++)
		if (READ_ONCE(vm->stats.exits[i]))
			seq_printf(m, "reason %d %llu\n", i,
				   READ_ONCE(vm->stats.exits[i]));
	seq_printf(m, "to_user %llu\n", READ_ONCE(vm->stats.exits_to_user));
	seq_printf(m, "hypercalls %llu\n", READ_ONCE(vm->stats.hypercalls));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(exits);

static int counters_show(struct seq_file *m, void *unused)
{
	u64 exits = 0, sections = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		exits += READ_ONCE(per_cpu(jvmm_cpu_counters, cpu).exits);
		sections += READ_ONCE(per_cpu(jvmm_cpu_counters, cpu).sections);
	}
	seq_printf(m, "exits %llu\nvmx_sections %llu\n", exits, sections);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

void jvmm_stats_init(void)
{
	jvmm_debugfs = debugfs_create_dir("jvmm", NULL);
	debugfs_create_file("objects", 0444, jvmm_debugfs, NULL, &objects_fops);
	debugfs_create_file("counters", 0444, jvmm_debugfs, NULL, &counters_fops);
}

void jvmm_stats_exit(void)
{
	debugfs_remove_recursive(jvmm_debugfs);
}

void jvmm_stats_vm_add(struct jvmm_vm *vm)
{
	char name[24];

	snprintf(name, sizeof(name), "vm%u", vm->id);
	vm->debugfs = debugfs_create_dir(name, jvmm_debugfs);
	debugfs_create_file("exits", 0444, vm->debugfs, vm, &exits_fops);
}

void jvmm_stats_vm_remove(struct jvmm_vm *vm)
{
	debugfs_remove_recursive(vm->debugfs);
	vm->debugfs = NULL;
}
