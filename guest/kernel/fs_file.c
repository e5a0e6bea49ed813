// SPDX-License-Identifier: GPL-2.0
/*
 * fs_file.c - the bytes of a file: read, write (growing the file, a gap
 * zero-filled) and truncate (freeing the blocks past the new end).  Block
 * pointers from the cache are used before the next bc_get*() call.
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
			blk = bc_get(bno, &err);
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
			blk = bc_get(bno, &err);
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

/*
 * Frees the file's blocks from file block `from` on, every pointer set
 * (JOS may have allocated past the size), and the indirect block when no
 * indirect entry can remain.
 */
static int free_blocks(struct fs_file *file, uint32_t from)
{
	uint32_t fbn, ind;
	int err;

	fs_corrupt_reset();
	for (fbn = from; fbn < JOSFS_NDIRECT; fbn++) {
		uint32_t b = file->f.direct[fbn];

		if (!b)
			continue;
		file->f.direct[fbn] = 0;
		err = fs_free_block(b, file->f.name);
		if (err)
			return err;
	}
	ind = file->f.indirect;
	if (!ind)
		return 0;
	if (!fs_block_ok(ind)) {
		/* Its entries cannot be trusted: drop the pointer, free nothing. */
		fs_corrupt("dropping an indirect block outside the data area", file->f.name, ind);
		if (from <= JOSFS_NDIRECT)
			file->f.indirect = 0;
		return 0;
	}
	for (fbn = from > JOSFS_NDIRECT ? from : JOSFS_NDIRECT;
	     fbn < JOSFS_NDIRECT + JOSFS_NINDIRECT; fbn++) {
		uint32_t slot = fbn - JOSFS_NDIRECT, b;
		uint8_t *blk = bc_get(ind, &err);

		if (!blk)
			return err;
		memcpy(&b, blk + slot * 4, 4);
		if (!b)
			continue;
		/* An indirect block about to be freed whole is left as it is. */
		if (from > JOSFS_NDIRECT) {
			memset(blk + slot * 4, 0, 4);
			bc_mark_dirty(ind);
		}
		err = fs_free_block(b, file->f.name);
		if (err)
			return err;
	}
	if (from <= JOSFS_NDIRECT) {
		file->f.indirect = 0;
		return fs_free_block(ind, file->f.name);
	}
	return 0;
}

int fs_truncate(struct fs_file *file, uint64_t size)
{
	uint64_t old = (uint64_t)file->f.size;
	int err = fs_check_writable(), put_err;

	if (err)
		return err;
	if (size > JOSFS_MAX_FILE_SIZE)
		return -E_FBIG;
	if (size > old)
		return grow(file, size);
	err = free_blocks(file, blocks_for(size));
	file->f.size = (int32_t)size;
	/* Record what was freed even if a corrupt pointer stopped the loop. */
	put_err = fs_file_put(file);
	return err ? err : put_err;
}
