// SPDX-License-Identifier: GPL-2.0
/*
 * fs_file.c - the bytes of a file: read, write (growing the file, a gap
 * zero-filled) and truncate (freeing the blocks past the new end).  Block
 * pointers from the cache are used before the next bc_get*() call.
 *
 * A truncate that frees blocks drops every pointer to them from the
 * cached metadata first, frees them in the bitmap after, and syncs before
 * it returns (../../Documentation/disk.md).
 */
#include <josfs.h>

#include "bcache.h"
#include "errors.h"
#include "fs_int.h"
#include "string.h"

long fs_read(struct fs_file *file, uint64_t off, void *buf, size_t n)
{
	uint64_t size = (uint64_t)file->f.size;
	size_t done = 0;
	int err = fs_check_mounted();

	if (err)
		return err;
	if (off >= size)
		return 0;
	if (n > size - off)
		n = (size_t)(size - off);
	while (done < n) {
		uint64_t pos = off + done;
		uint32_t in = pos % JOSFS_BLOCK_SIZE, bno;
		size_t chunk = JOSFS_BLOCK_SIZE - in;
		uint8_t *blk;

		if (chunk > n - done)
			chunk = n - done;
		err = fs_file_block(file, (uint32_t)(pos / JOSFS_BLOCK_SIZE), false, &bno);
		if (err)
			return err;
		if (!bno) {
			memset((uint8_t *)buf + done, 0, chunk);
		} else {
			blk = bc_get(bno, fs_file_kind(file), &err);
			if (!blk)
				return err;
			memcpy((uint8_t *)buf + done, blk + in, chunk);
		}
		done += chunk;
	}
	return (long)done;
}

/*
 * Copies n bytes (zeros when buf is NULL) to off.. without touching the
 * size; a block written whole is not read first.
 */
static int put_data(struct fs_file *file, uint64_t off, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		uint64_t pos = off + done;
		uint32_t in = pos % JOSFS_BLOCK_SIZE, bno;
		size_t chunk = JOSFS_BLOCK_SIZE - in;
		uint8_t *blk;
		int err;

		if (chunk > n - done)
			chunk = n - done;
		err = fs_file_block(file, (uint32_t)(pos / JOSFS_BLOCK_SIZE), true, &bno);
		if (err)
			return err;
		if (chunk == JOSFS_BLOCK_SIZE)
			blk = bc_get_zero(bno, &err);
		else
			blk = bc_get(bno, BC_DATA, &err);
		if (!blk)
			return err;
		if (buf)
			memcpy(blk + in, buf + done, chunk);
		else
			memset(blk + in, 0, chunk);
		bc_mark_dirty(bno);
		done += chunk;
	}
	return 0;
}

/* Zeros from the current end to new_size (which is larger), then the size. */
static int grow(struct fs_file *file, uint64_t new_size)
{
	uint64_t size = (uint64_t)file->f.size;
	int err = put_data(file, size, NULL, (size_t)(new_size - size));

	if (err)
		return err;
	file->f.size = (int32_t)new_size;
	return fs_file_put(file);
}

long fs_write(struct fs_file *file, uint64_t off, const void *buf, size_t n)
{
	int err = fs_check_writable();

	if (err)
		return err;
	if (file->f.type == JOSFS_TYPE_DIR)
		return -E_ISDIR;
	if (off > JOSFS_MAX_FILE_SIZE || n > JOSFS_MAX_FILE_SIZE - off)
		return -E_FBIG;
	if (off > (uint64_t)file->f.size) {
		err = grow(file, off);
		if (err)
			return err;
	}
	err = put_data(file, off, buf, n);
	if (err)
		return err;
	if (off + n > (uint64_t)file->f.size) {
		file->f.size = (int32_t)(off + n);
		err = fs_file_put(file);
		if (err)
			return err;
	}
	return (long)n;
}

static uint32_t blocks_for(uint64_t size)
{
	return (uint32_t)((size + JOSFS_BLOCK_SIZE - 1) / JOSFS_BLOCK_SIZE);
}

/* The blocks a truncate frees, found before any is: direct, indirect, the indirect block. */
static uint32_t doomed[JOSFS_NDIRECT + JOSFS_NINDIRECT + 1];

/*
 * Finds the blocks to free from file block `from` on: every pointer set
 * (JOS may have allocated past the size), and the indirect block when no
 * indirect entry can remain.  Changes nothing; *drop_ind says the file's
 * indirect pointer goes.
 */
static int find_doomed(struct fs_file *file, uint32_t from, uint32_t *n, bool *drop_ind)
{
	uint32_t fbn, ind = file->f.indirect;
	uint8_t *blk;
	int err;

	*n = 0;
	*drop_ind = false;
	for (fbn = from; fbn < JOSFS_NDIRECT; fbn++)
		if (file->f.direct[fbn])
			doomed[(*n)++] = file->f.direct[fbn];
	if (!ind)
		return 0;
	if (!fs_block_ok(ind)) {
		/* Its entries cannot be trusted: drop the pointer, free nothing. */
		fs_corrupt("dropping an indirect block outside the data area", file->f.name, ind);
		*drop_ind = from <= JOSFS_NDIRECT;
		return 0;
	}
	blk = bc_get(ind, BC_INDIRECT, &err);
	if (!blk)
		return err;
	for (fbn = from > JOSFS_NDIRECT ? from : JOSFS_NDIRECT;
	     fbn < JOSFS_NDIRECT + JOSFS_NINDIRECT; fbn++) {
		uint32_t b;

		memcpy(&b, blk + (fbn - JOSFS_NDIRECT) * 4, 4);
		if (b)
			doomed[(*n)++] = b;
	}
	if (from <= JOSFS_NDIRECT) {
		doomed[(*n)++] = ind;
		*drop_ind = true;
	}
	return 0;
}

/*
 * Frees the file's blocks from its new size on, in this order: every
 * pointer to them dropped in the cache (struct File put back, indirect
 * entries cleared; an indirect block freed whole is left as it is), then
 * the bitmap.  So any sync, even one a full cache forces in between,
 * writes the pointers' removal before (or without) the bitmap's frees.
 */
int fs_shrink(struct fs_file *file, uint64_t size)
{
	uint32_t from = blocks_for(size), fbn, n, i;
	bool drop_ind;
	int err;

	fs_corrupt_reset();
	err = find_doomed(file, from, &n, &drop_ind);
	if (err)
		return err;
	/* Pending allocations are synced first: a sync never holds both. */
	if (n) {
		err = bc_before_free();
		if (err)
			return err;
	}
	for (fbn = from; fbn < JOSFS_NDIRECT; fbn++)
		file->f.direct[fbn] = 0;
	if (drop_ind) {
		file->f.indirect = 0;
	} else if (n && from > JOSFS_NDIRECT) {
		/* n counts only indirect entries here: the indirect block is good. */
		uint8_t *blk = bc_get(file->f.indirect, BC_INDIRECT, &err);

		if (!blk)
			return err;
		memset(blk + (from - JOSFS_NDIRECT) * 4, 0,
		       (JOSFS_NDIRECT + JOSFS_NINDIRECT - from) * 4);
		bc_mark_dirty(file->f.indirect);
	}
	file->f.size = (int32_t)size;
	err = fs_file_put(file);
	if (err)
		return err;	/* nothing freed: the pointers may still be in the cache */
	for (i = 0; i < n; i++) {
		err = fs_free_block(doomed[i], file->f.name);
		if (err)
			return err;	/* the rest stay in use, unreferenced: leaked */
	}
	return 0;
}

int fs_truncate(struct fs_file *file, uint64_t size)
{
	int err = fs_check_writable(), end_err;

	if (err)
		return err;
	if (size > JOSFS_MAX_FILE_SIZE)
		return -E_FBIG;
	if (size > (uint64_t)file->f.size)
		return grow(file, size);
	err = fs_shrink(file, size);
	/* Whatever was freed is made durable before anything can reuse it. */
	end_err = fs_end_frees();
	return err ? err : end_err;
}
