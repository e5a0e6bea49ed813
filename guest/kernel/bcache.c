// SPDX-License-Identifier: GPL-2.0
/*
 * bcache.c - the block cache: BC_NBUF page-sized buffers, least recently
 * used first out, and the order in which changed blocks reach the disk.
 * With 64 buffers a linear search is as fast as anything cleverer, and
 * every miss costs a round trip to the host anyway.
 *
 * The crash guarantee (../../Documentation/disk.md) is made here:
 *
 *   - victim() evicts a clean block or a dirty DATA block, never dirty
 *     metadata; when every buffer holds dirty metadata it syncs first.
 *     write_back() is called only by victim() for data and by bc_sync().
 *   - `pending` says whether the dirty bitmap holds allocations or frees,
 *     never both (bc_before_alloc/bc_before_free sync at the switch), and
 *     picks the order of the next sync: for allocations, blocks before
 *     the bitmap that marks them used, before the pointers to them; for
 *     frees, the pointers dropped before the bitmap that frees them.
 */
#include <josfs.h>

#include "bcache.h"
#include "errors.h"
#include "ipc.h"
#include "layout.h"
#include "memory.h"
#include "string.h"

struct buf {
	uint32_t blockno;
	bool valid;
	bool dirty;
	bool is_new;		/* allocated since its last write: the disk holds garbage */
	enum bc_kind kind;
	uint64_t last_use;
	uint8_t *data;
};

enum pending { PENDING_NONE, PENDING_ALLOCS, PENDING_FREES };

static struct buf bufs[BC_NBUF];
static uint64_t clock;
static struct bc_stats stats;
static enum pending pending;

/* One step of a sync: the dirty blocks of these kinds, and of this age. */
enum age { ANY_AGE, NEW_ONLY, OLD_ONLY };
struct step {
	unsigned int kinds;	/* 1 << enum bc_kind */
	enum age age;
};

#define K(kind)		(1u << (kind))
#define META_KINDS	(K(BC_INDIRECT) | K(BC_DIR))

/*
 * Allocations: a block is on disk before the bitmap says it is used, and
 * both before anything points to it; new metadata blocks (reachable only
 * through old ones) before old ones; an indirect block before the
 * directory block holding its file's size; the superblock (root) last.
 */
static const struct step alloc_order[] = {
	{ K(BC_DATA), ANY_AGE },
	{ K(BC_BITMAP), ANY_AGE },
	{ META_KINDS, NEW_ONLY },
	{ K(BC_INDIRECT), OLD_ONLY },
	{ K(BC_DIR), OLD_ONLY },
	{ K(BC_SUPER), ANY_AGE },
};

/* Frees: every pointer to a block is gone from the disk before the bitmap frees it. */
static const struct step free_order[] = {
	{ K(BC_DATA), ANY_AGE },
	{ K(BC_SUPER), ANY_AGE },
	{ K(BC_DIR), ANY_AGE },
	{ K(BC_INDIRECT), ANY_AGE },
	{ K(BC_BITMAP), ANY_AGE },
};

int bc_init(void)
{
	size_t i;

	for (i = 0; i < BC_NBUF; i++) {
		uint64_t pa;

		if (bufs[i].data)
			continue;
		pa = page_alloc();
		if (!pa)
			return -JOS_E_NO_MEM;
		bufs[i].data = phys_to_virt(pa);
	}
	return 0;
}

static uint32_t block_sector(uint32_t blockno)
{
	return blockno * JOSFS_SECTORS_PER_BLOCK;
}

static bool is_meta(const struct buf *b)
{
	return b->kind != BC_DATA;
}

static int write_back(struct buf *b)
{
	int err = disk_write(block_sector(b->blockno), b->data, JOSFS_BLOCK_SIZE);

	if (err)
		return err;
	b->dirty = false;
	b->is_new = false;
	stats.writebacks++;
	return 0;
}

static bool in_step(const struct buf *b, const struct step *s)
{
	if (!b->valid || !b->dirty || !(s->kinds & K(b->kind)))
		return false;
	return s->age == ANY_AGE || b->is_new == (s->age == NEW_ONLY);
}

/* The dirty blocks of one step, lowest block first; stops at the first error. */
static int write_step(const struct step *s)
{
	uint64_t after = 0;	/* blocks below this are done: next is >= after */

	for (;;) {
		struct buf *next = NULL;
		size_t i;
		int err;

		for (i = 0; i < BC_NBUF; i++)
			if (in_step(&bufs[i], s) && bufs[i].blockno >= after &&
			    (!next || bufs[i].blockno < next->blockno))
				next = &bufs[i];
		if (!next)
			return 0;
		after = (uint64_t)next->blockno + 1;
		err = write_back(next);
		if (err)
			return err;
	}
}

int bc_sync(void)
{
	const struct step *order = pending == PENDING_FREES ? free_order : alloc_order;
	size_t i, n = pending == PENDING_FREES ? sizeof(free_order) / sizeof(free_order[0]) :
						  sizeof(alloc_order) / sizeof(alloc_order[0]);
	int err;

	/*
	 * A failed write leaves it and everything after it dirty, and
	 * `pending` as it was: nothing later in the order reaches the disk
	 * before what it depends on, and a retry redoes the same order.
	 */
	for (i = 0; i < n; i++) {
		err = write_step(&order[i]);
		if (err)
			return err;
	}
	err = disk_flush();
	if (err)
		return err;
	pending = PENDING_NONE;
	stats.syncs++;
	return 0;
}

int bc_before_alloc(void)
{
	if (pending == PENDING_FREES) {
		int err = bc_sync();

		if (err)
			return err;
	}
	pending = PENDING_ALLOCS;
	return 0;
}

int bc_before_free(void)
{
	if (pending == PENDING_ALLOCS) {
		int err = bc_sync();

		if (err)
			return err;
	}
	pending = PENDING_FREES;
	return 0;
}

bool bc_frees_pending(void)
{
	return pending == PENDING_FREES;
}

static struct buf *lookup(uint32_t blockno)
{
	size_t i;

	for (i = 0; i < BC_NBUF; i++)
		if (bufs[i].valid && bufs[i].blockno == blockno && bufs[i].data)
			return &bufs[i];
	return NULL;
}

/* The least recently used buffer that may go now: clean, or dirty data. */
static struct buf *lru_evictable(void)
{
	struct buf *best = NULL;
	size_t i;

	for (i = 0; i < BC_NBUF; i++) {
		struct buf *b = &bufs[i];

		if (!b->data || (b->dirty && is_meta(b)))
			continue;
		if (!best || b->last_use < best->last_use)
			best = b;
	}
	return best;
}

/*
 * A buffer to reuse: an empty one, else the least recently used clean
 * block or dirty data block (written back); if every buffer holds dirty
 * metadata, a full sync first, since metadata goes to disk only in one.
 */
static struct buf *victim(int *err)
{
	struct buf *best;
	size_t i;

	for (i = 0; i < BC_NBUF; i++)
		if (bufs[i].data && !bufs[i].valid)
			return &bufs[i];
	best = lru_evictable();
	if (!best) {
		*err = bc_sync();
		if (*err)
			return NULL;
		stats.full_syncs++;
		best = lru_evictable();
		if (!best) {
			*err = -JOS_E_NO_MEM;	/* no buffers at all */
			return NULL;
		}
	}
	if (best->dirty) {
		*err = write_back(best);
		if (*err)
			return NULL;
		stats.data_writebacks++;
	}
	best->valid = false;
	stats.evictions++;
	return best;
}

/* How a block is got: read from disk, or zero-filled as new or overwritten. */
enum fill { FILL_READ, FILL_NEW, FILL_ZERO };

static uint8_t *get(uint32_t blockno, enum bc_kind kind, enum fill fill, int *err)
{
	struct buf *b = lookup(blockno);

	*err = 0;
	if (b) {
		stats.hits++;
	} else {
		b = victim(err);
		if (!b)
			return NULL;
		if (fill == FILL_READ) {
			stats.misses++;
			*err = disk_read(block_sector(blockno), b->data, JOSFS_BLOCK_SIZE);
			if (*err)
				return NULL;
		}
		b->blockno = blockno;
		b->valid = true;
		b->dirty = false;
		b->is_new = false;
		b->kind = kind;
	}
	if (fill == FILL_NEW) {
		b->kind = kind;		/* a new allocation says what it is */
		b->is_new = true;
	} else if (kind != BC_DATA && b->kind == BC_DATA) {
		b->kind = kind;		/* metadata, once seen, stays metadata */
	}
	if (fill != FILL_READ) {
		memset(b->data, 0, JOSFS_BLOCK_SIZE);
		b->dirty = true;
	}
	b->last_use = ++clock;
	return b->data;
}

uint8_t *bc_get(uint32_t blockno, enum bc_kind kind, int *err)
{
	return get(blockno, kind, FILL_READ, err);
}

uint8_t *bc_get_new(uint32_t blockno, enum bc_kind kind, int *err)
{
	return get(blockno, kind, FILL_NEW, err);
}

uint8_t *bc_get_zero(uint32_t blockno, int *err)
{
	return get(blockno, BC_DATA, FILL_ZERO, err);
}

void bc_mark_dirty(uint32_t blockno)
{
	struct buf *b = lookup(blockno);

	if (b)
		b->dirty = true;
}

void bc_forget(uint32_t blockno)
{
	struct buf *b = lookup(blockno);

	if (b) {
		b->valid = false;
		b->dirty = false;
		b->is_new = false;
	}
}

void bc_drop_clean(void)
{
	size_t i;

	for (i = 0; i < BC_NBUF; i++)
		if (!bufs[i].dirty)
			bufs[i].valid = false;
}

void bc_get_stats(struct bc_stats *out)
{
	size_t i;

	*out = stats;
	out->dirty = 0;
	out->dirty_meta = 0;
	for (i = 0; i < BC_NBUF; i++) {
		if (!bufs[i].valid || !bufs[i].dirty)
			continue;
		out->dirty++;
		if (is_meta(&bufs[i]))
			out->dirty_meta++;
	}
}
