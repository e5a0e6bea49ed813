/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bcache.h - a write-back cache of 4 KiB disk blocks over ipc.h's disk.
 *
 * A pointer returned by bc_get()/bc_get_zero() stays valid until the next
 * bc_get*() call (that call may evict its block): copy out what you need,
 * or call bc_mark_dirty() after changing it, before getting another block.
 */
#ifndef GUEST_BCACHE_H
#define GUEST_BCACHE_H

#include <stddef.h>
#include <stdint.h>

#define BC_NBUF		64	/* 256 KiB of cache */

struct bc_stats {
	uint64_t hits, misses, writebacks, evictions;
	size_t dirty;		/* blocks now dirty */
};

/* Allocates the buffers; 0 or -JOS_E_NO_MEM. */
int bc_init(void);
/* The block's data, read from disk if not cached; NULL and *err on failure. */
uint8_t *bc_get(uint32_t blockno, int *err);
/* The block's buffer, zero-filled and dirty, without reading the disk. */
uint8_t *bc_get_zero(uint32_t blockno, int *err);
/* The cached block was changed; it is written back by bc_sync or eviction. */
void bc_mark_dirty(uint32_t blockno);
/* Drops a block (freed on disk) from the cache, dirty or not. */
void bc_forget(uint32_t blockno);
/* Writes back every dirty block, in block order; 0 or the first error. */
int bc_sync(void);
/* Drops every clean block (a benchmark's cold start); dirty ones stay. */
void bc_drop_clean(void);
void bc_get_stats(struct bc_stats *out);

#endif /* GUEST_BCACHE_H */
