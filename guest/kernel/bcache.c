// SPDX-License-Identifier: GPL-2.0
/*
 * bcache.c - the block cache: BC_NBUF page-sized buffers, least recently
 * used first out, dirty blocks written back when evicted and by bc_sync().
 * With 64 buffers a linear search is as fast as anything cleverer, and
 * every miss costs a round trip to the host anyway.
 */
#include <stdbool.h>

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
	uint64_t last_use;
	uint8_t *data;
};

static struct buf bufs[BC_NBUF];
static uint64_t clock;
static struct bc_stats stats;

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

static int write_back(struct buf *b)
{
	int err = disk_write(block_sector(b->blockno), b->data, JOSFS_BLOCK_SIZE);

	if (err)
		return err;
	b->dirty = false;
	stats.writebacks++;
	return 0;
}

static struct buf *lookup(uint32_t blockno)
{
	size_t i;

	for (i = 0; i < BC_NBUF; i++)
		if (bufs[i].valid && bufs[i].blockno == blockno && bufs[i].data)
			return &bufs[i];
	return NULL;
}

/* A buffer to reuse: an empty one, else the least recently used (written back). */
static struct buf *victim(int *err)
{
	struct buf *best = NULL;
	size_t i;

	for (i = 0; i < BC_NBUF; i++) {
		struct buf *b = &bufs[i];

		if (!b->data)
			continue;
		if (!b->valid)
			return b;
		if (!best || b->last_use < best->last_use)
			best = b;
	}
	if (!best) {
		*err = -JOS_E_NO_MEM;
		return NULL;
	}
	if (best->dirty) {
		*err = write_back(best);
		if (*err)
			return NULL;
	}
	best->valid = false;
	stats.evictions++;
	return best;
}

static uint8_t *get(uint32_t blockno, bool zero, int *err)
{
	struct buf *b = lookup(blockno);

	*err = 0;
	if (b) {
		stats.hits++;
	} else {
		b = victim(err);
		if (!b)
			return NULL;
		if (!zero) {
			stats.misses++;
			*err = disk_read(block_sector(blockno), b->data, JOSFS_BLOCK_SIZE);
			if (*err)
				return NULL;
		}
		b->blockno = blockno;
		b->valid = true;
		b->dirty = false;
	}
	if (zero) {
		memset(b->data, 0, JOSFS_BLOCK_SIZE);
		b->dirty = true;
	}
	b->last_use = ++clock;
	return b->data;
}

uint8_t *bc_get(uint32_t blockno, int *err)
{
	return get(blockno, false, err);
}

uint8_t *bc_get_zero(uint32_t blockno, int *err)
{
	return get(blockno, true, err);
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
	}
}

int bc_sync(void)
{
	uint64_t after = 0;	/* blocks below this are done: next is >= after */
	int first_err = 0;

	/*
	 * Lowest block first, so the host sees a mostly sequential stream.  A
	 * block that fails stays dirty for a later sync; we move past it.
	 */
	for (;;) {
		struct buf *next = NULL;
		size_t i;
		int err;

		for (i = 0; i < BC_NBUF; i++)
			if (bufs[i].valid && bufs[i].dirty && bufs[i].blockno >= after &&
			    (!next || bufs[i].blockno < next->blockno))
				next = &bufs[i];
		if (!next)
			return first_err;
		after = (uint64_t)next->blockno + 1;
		err = write_back(next);
		if (err && !first_err)
			first_err = err;
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
	for (i = 0; i < BC_NBUF; i++)
		if (bufs[i].valid && bufs[i].dirty)
			out->dirty++;
}
