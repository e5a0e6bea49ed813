/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - counters in debugfs: live objects of the whole module (tests
 * check they return to zero: nothing leaks), and exits per VM by reason.
 */
#ifndef JVMM_STATS_H
#define JVMM_STATS_H

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/types.h>

struct jvmm_vm;

enum jvmm_object {
	JVMM_OBJ_VM,
	JVMM_OBJ_VCPU,
	JVMM_OBJ_EPT_TABLE,
	JVMM_OBJ_PINNED_PAGE,
	JVMM_OBJ_NR
};

extern atomic_long_t jvmm_objects[JVMM_OBJ_NR];

/* Events of the whole module, per CPU so that counting them is cheap. */
struct jvmm_cpu_counters {
	u64 exits;
	u64 sections;
};

DECLARE_PER_CPU(struct jvmm_cpu_counters, jvmm_cpu_counters);

static inline void jvmm_stats_count_exit(void)
{
	this_cpu_inc(jvmm_cpu_counters.exits);
}

static inline void jvmm_stats_count_section(void)
{
	this_cpu_inc(jvmm_cpu_counters.sections);
}

static inline void jvmm_stats_object_allocated(enum jvmm_object obj)
{
	atomic_long_inc(&jvmm_objects[obj]);
}

static inline void jvmm_stats_object_freed(enum jvmm_object obj)
{
	atomic_long_dec(&jvmm_objects[obj]);
}

/* stats.c */
void jvmm_stats_init(void);
void jvmm_stats_exit(void);
void jvmm_stats_vm_add(struct jvmm_vm *vm);
void jvmm_stats_vm_remove(struct jvmm_vm *vm);

#endif /* JVMM_STATS_H */
