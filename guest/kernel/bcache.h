/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bcache.h - a write-back cache of 4 KiB disk blocks over ipc.h's disk,
 * which decides when and in what order blocks reach the disk
 * (../../Documentation/disk.md):
 *
 *   - Every block is cached as a kind, given by the file system when it
 *     gets the block.  Only BC_DATA blocks are ever written back outside a
 *     sync (when evicted); the other kinds, the metadata, stay in the
 *     cache until bc_sync() writes them, in an order that keeps the disk
 *     consistent at every step.  A cache full of dirty metadata syncs.
 *   - The file system says before it changes a bitmap bit whether it
 *     allocates or frees (bc_before_alloc/bc_before_free).  Allocations
 *     and frees are never dirty at the same time: a free after
 *     allocations syncs them first, and so does an allocation after
 *     frees, so a freed block is never handed out again before the sync
 *     that made the free durable.
 *
 * A pointer returned by bc_get*() stays valid until the next bc_get*()
 * call (that call may evict its block): copy out what you need, or call
 * bc_mark_dirty() after changing it, before getting another block.
 */
#ifndef GUEST_BCACHE_H
#define GUEST_BCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef BC_NBUF
#define BC_NBUF		64	/* 256 KiB of cache (a host test builds a smaller one) */
#endif

/* What a block is to the file system; all but BC_DATA are metadata. */
enum bc_kind {
	BC_DATA,	/* a regular file's bytes */
	BC_BITMAP,	/* the free bitmap */
	BC_INDIRECT,	/* a file's or directory's indirect block */
	BC_DIR,		/* a directory's blocks (struct Files) */
	BC_SUPER,	/* the superblock, which holds the root's struct File */
	BC_NKINDS
};

struct bc_stats {
	uint64_t hits, misses, writebacks, evictions;
	uint64_t data_writebacks;	/* data blocks written back by eviction */
	uint64_t syncs;			/* bc_sync() calls that wrote and flushed */
	uint64_t full_syncs;		/* of them, forced by a cache full of dirty metadata */
	size_t dirty;			/* blocks now dirty */
	size_t dirty_meta;		/* of them, metadata */
};

/* Allocates the buffers; 0 or -JOS_E_NO_MEM. */
int bc_init(void);
/*
 * The block's data, read from disk if not cached; NULL and *err on failure.
 * A block once got as metadata stays metadata while cached, whatever a
 * later caller says (a corrupt image may use one block for both).
 */
uint8_t *bc_get(uint32_t blockno, enum bc_kind kind, int *err);
/*
 * A block just allocated, as the kind given: zero-filled and dirty without
 * reading the disk.  Until a sync writes it, it is "new": its disk copy is
 * garbage, so a sync writes new metadata blocks before the old ones that
 * may point to them.
 */
uint8_t *bc_get_new(uint32_t blockno, enum bc_kind kind, int *err);
/* A data block about to be written whole: zero-filled and dirty, not read. */
uint8_t *bc_get_zero(uint32_t blockno, int *err);
/* The cached block was changed; it is written back by bc_sync (or evicted, if data). */
void bc_mark_dirty(uint32_t blockno);
/* Drops a block (freed on disk) from the cache, dirty or not. */
void bc_forget(uint32_t blockno);

/*
 * Call before marking a block in use, and before marking one free, in
 * the bitmap: syncs first when the other kind of change is pending.
 * 0 or the sync's error (then change nothing).
 */
int bc_before_alloc(void);
int bc_before_free(void);
/* Frees are dirty that no sync has written yet. */
bool bc_frees_pending(void);

/*
 * Writes back every dirty block, then asks the host to flush.  With
 * allocations pending: data, bitmap, new indirect and directory blocks,
 * the other indirect blocks, the other directory blocks, the superblock.
 * With frees pending, the references first and the bitmap last: data,
 * superblock, directory blocks, indirect blocks, bitmap.  Block order
 * within each step.  Stops at the first error (the rest stays dirty).
 */
int bc_sync(void);
/* Drops every clean block (a benchmark's cold start); dirty ones stay. */
void bc_drop_clean(void);
void bc_get_stats(struct bc_stats *out);

#endif /* GUEST_BCACHE_H */
