/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - counters in debugfs: live objects of the whole module (tests
 * check they return to zero: nothing leaks), and exits per VM by reason.
 */
#ifndef JVMM_STATS_H
#define JVMM_STATS_H

#include <linux/atomic.h>

struct jvmm_vm;

enum jvmm_object {
	JVMM_OBJ_VM,
	JVMM_OBJ_VCPU,
	JVMM_OBJ_EPT_TABLE,
	JVMM_OBJ_PINNED_PAGE,
	JVMM_OBJ_NR
};

extern atomic_long_t jvmm_objects[JVMM_OBJ_NR];

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
