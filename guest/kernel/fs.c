// SPDX-License-Identifier: GPL-2.0
/*
 * fs.c - the JOS file system: mounting, the free bitmap, and where a
 * file's blocks are (direct and indirect).  The bytes of a file (read,
 * write, truncate) are in fs_file.c, paths and directories in fs_dir.c.
 *
 * Every block number read from the image is checked against the file
 * system's size and its reserved blocks before it is used, so a bad image
 * gives "fs: corrupt: ..." and an error, not a wild read or write.
 * Block pointers from the cache are used before the next bc_get*() call
 * (bcache.h); struct Files are copied in and out (struct fs_file).
 *
 * Every block is got from the cache as what it is (enum bc_kind): that is
 * what lets the cache keep metadata off the disk until a sync and order
 * the sync (../../Documentation/disk.md).  The bitmap is changed only
 * after bc_before_alloc()/bc_before_free(), and a block is freed only
 * after every pointer to it is gone from the cached metadata.
 */
#include <josfs.h>

#include "bcache.h"
#include "errors.h"
#include "fs_int.h"
#include "ipc.h"
#include "printf.h"
#include "string.h"

/* The Fd's offset is a 32-bit off_t: the disk cannot be larger. */
#define FS_MAX_BLOCKS	((uint32_t)(INT32_MAX / JOSFS_BLOCK_SIZE + 1))

static bool mounted;
static bool readonly;
static uint32_t nblocks;
static uint32_t first_data;	/* after the boot block, superblock and bitmap */
static uint32_t alloc_hint;

bool fs_mounted(void)
{
	return mounted;
}

bool fs_readonly(void)
{
	return readonly;
}

int fs_check_mounted(void)
{
	return mounted ? 0 : -E_NOFS;
}

int fs_check_writable(void)
{
	if (!mounted)
		return -E_NOFS;
	return readonly ? -E_ROFS : 0;
}

/* Reports per operation, so a garbage indirect block does not flood the console. */
#define MAX_REPORTS	8
static int reports;

void fs_corrupt_reset(void)
{
	reports = 0;
}

int fs_corrupt(const char *what, const char *name, int64_t value)
{
	if (++reports > MAX_REPORTS) {
		if (reports == MAX_REPORTS + 1)
			kprintf("fs: corrupt: (more reports suppressed)\n");
		return -E_CORRUPT;
	}
	kprintf("fs: corrupt: %s%s%s %lld\n", name ? name : "", name ? ": " : "", what,
		(long long)value);
	return -E_CORRUPT;
}

bool fs_block_ok(uint32_t b)
{
	return b >= first_data && b < nblocks;
}

int fs_mount(int *ro_err)
{
	const struct josfs_super *sb;
	uint64_t size;
	uint8_t *blk;
	int err;

	*ro_err = 0;
	mounted = false;
	err = bc_init();
	if (err)
		return err;
	blk = bc_get(JOSFS_SUPER_BLOCK, BC_SUPER, &err);
	if (!blk)
		return err;
	sb = (const struct josfs_super *)blk;
	if (sb->magic != JOSFS_MAGIC) {
		kprintf("fs: corrupt: superblock magic 0x%08x, not 0x%08x\n", sb->magic,
			JOSFS_MAGIC);
		return -E_CORRUPT;
	}
	nblocks = sb->nblocks;
	size = disk_size();
	if (nblocks > FS_MAX_BLOCKS)
		return fs_corrupt("more blocks than a disk can have:", NULL, nblocks);
	if (size && (uint64_t)nblocks * JOSFS_BLOCK_SIZE > size)
		return fs_corrupt("superblock counts more blocks than the disk holds:", NULL,
				  nblocks);
	first_data = JOSFS_BITMAP_BLOCK +
		     (nblocks + JOSFS_BITS_PER_BLOCK - 1) / JOSFS_BITS_PER_BLOCK;
	if (first_data >= nblocks)
		return fs_corrupt("too few blocks:", NULL, nblocks);
	if (sb->root.type != JOSFS_TYPE_DIR)
		return fs_corrupt("root is not a directory, type", NULL, sb->root.type);
	alloc_hint = first_data;

	/*
	 * Write the first sector back unchanged: does the disk take writes?
	 * The one metadata write outside a sync, and it changes no byte.
	 */
	*ro_err = disk_write(JOSFS_SUPER_BLOCK * JOSFS_SECTORS_PER_BLOCK, blk,
			     JOSFS_SECTOR_SIZE);
	readonly = *ro_err != 0;
	mounted = true;
	return 0;
}

int fs_root(struct fs_file *out)
{
	uint8_t *blk;
	int err = fs_check_mounted();

	if (err)
		return err;
	blk = bc_get(JOSFS_SUPER_BLOCK, BC_SUPER, &err);
	if (!blk)
		return err;
	memcpy(&out->f, blk + FS_ROOT_OFF, sizeof(out->f));
	out->loc_block = JOSFS_SUPER_BLOCK;
	out->loc_off = FS_ROOT_OFF;
	return fs_file_check(&out->f);
}

int fs_file_check(struct josfs_file *f)
{
	f->name[JOSFS_MAX_NAME - 1] = '\0';
	if (f->size < 0 || f->size > JOSFS_MAX_FILE_SIZE)
		return fs_corrupt("bad size", f->name, f->size);
	if (f->type != JOSFS_TYPE_FILE && f->type != JOSFS_TYPE_DIR)
		return fs_corrupt("bad type", f->name, f->type);
	return 0;
}

enum bc_kind fs_loc_kind(uint32_t loc_block)
{
	return loc_block == JOSFS_SUPER_BLOCK ? BC_SUPER : BC_DIR;
}

enum bc_kind fs_file_kind(const struct fs_file *file)
{
	return file->f.type == JOSFS_TYPE_DIR ? BC_DIR : BC_DATA;
}

int fs_file_put(const struct fs_file *file)
{
	uint8_t *blk;
	int err;

	if (file->loc_off > JOSFS_BLOCK_SIZE - JOSFS_FILE_SIZE)
		return -JOS_E_INVAL;
	blk = bc_get(file->loc_block, fs_loc_kind(file->loc_block), &err);
	if (!blk)
		return err;
	memcpy(blk + file->loc_off, &file->f, sizeof(file->f));
	bc_mark_dirty(file->loc_block);
	return 0;
}

/* ---- the free bitmap: bit set = free ---- */

static uint8_t *bitmap_byte(uint32_t b, uint32_t *blockno, int *err)
{
	uint8_t *blk;

	*blockno = JOSFS_BITMAP_BLOCK + b / JOSFS_BITS_PER_BLOCK;
	blk = bc_get(*blockno, BC_BITMAP, err);
	return blk ? blk + (b % JOSFS_BITS_PER_BLOCK) / 8 : NULL;
}

/*
 * A free block, marked in use and zero-filled in the cache as a new block
 * of this kind.  After frees, bc_before_alloc() syncs first: a block freed
 * is handed out again only once its free is on disk.
 */
static int alloc_block(enum bc_kind kind, uint32_t *out)
{
	uint32_t span = nblocks - first_data, i;
	int err = bc_before_alloc();

	if (err)
		return err;
	for (i = 0; i < span; i++) {
		uint32_t b = first_data + (alloc_hint - first_data + i) % span, bmblock;
		uint8_t *byte = bitmap_byte(b, &bmblock, &err);

		if (!byte)
			return err;
		if (!(*byte & (1u << (b % 8)))) {
			/* A whole used byte: skip to the next byte's first block. */
			if (*byte == 0 && b % 8 == 0 && b + 8 <= nblocks && i + 8 <= span)
				i += 7;
			continue;
		}
		*byte &= (uint8_t)~(1u << (b % 8));
		bc_mark_dirty(bmblock);
		alloc_hint = b + 1 < nblocks ? b + 1 : first_data;
		if (!bc_get_new(b, kind, &err))
			return err;
		*out = b;
		return 0;
	}
	return -E_NOSPC;
}

int fs_free_block(uint32_t b, const char *name)
{
	uint32_t bmblock;
	uint8_t *byte;
	int err = bc_before_free();

	if (err)
		return err;
	if (!fs_block_ok(b)) {
		fs_corrupt("not freeing a block outside the data area", name, b);
		return 0;
	}
	byte = bitmap_byte(b, &bmblock, &err);
	if (!byte)
		return err;
	if (*byte & (1u << (b % 8))) {
		fs_corrupt("block already free", name, b);
		return 0;
	}
	*byte |= (uint8_t)(1u << (b % 8));
	bc_mark_dirty(bmblock);
	bc_forget(b);
	return 0;
}

int fs_usage(struct fs_usage *out)
{
	uint32_t b, bmblock;
	int err = fs_check_mounted();

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	out->nblocks = nblocks;
	out->reserved = first_data;
	out->disk_bytes = disk_size();
	out->readonly = readonly;
	for (b = first_data; b < nblocks; b++) {
		uint8_t *byte = bitmap_byte(b, &bmblock, &err);

		if (!byte)
			return err;
		if (b % 8 == 0 && b + 8 <= nblocks && (*byte == 0 || *byte == 0xff)) {
			out->free += *byte ? 8 : 0;
			b += 7;
			continue;
		}
		if (*byte & (1u << (b % 8)))
			out->free++;
	}
	return 0;
}

/* ---- a file's blocks ---- */

static int checked(const struct fs_file *file, uint32_t b, uint32_t *bno)
{
	if (b && !fs_block_ok(b))
		return fs_corrupt("block number outside the data area", file->f.name, b);
	*bno = b;
	return 0;
}

int fs_file_block(struct fs_file *file, uint32_t fbn, bool alloc, uint32_t *bno)
{
	uint32_t ind = file->f.indirect, b;
	uint8_t *blk;
	int err;

	*bno = 0;
	if (fbn >= JOSFS_NDIRECT + JOSFS_NINDIRECT)
		return -E_FBIG;
	if (fbn < JOSFS_NDIRECT) {
		err = checked(file, file->f.direct[fbn], bno);
		if (err || *bno || !alloc)
			return err;
		err = alloc_block(fs_file_kind(file), bno);
		if (err)
			return err;
		file->f.direct[fbn] = *bno;
		return fs_file_put(file);
	}

	fbn -= JOSFS_NDIRECT;
	err = checked(file, ind, &ind);
	if (err)
		return err;
	if (!ind) {
		if (!alloc)
			return 0;
		err = alloc_block(BC_INDIRECT, &ind);
		if (err)
			return err;
		file->f.indirect = ind;
		err = fs_file_put(file);
		if (err)
			return err;
	}
	blk = bc_get(ind, BC_INDIRECT, &err);
	if (!blk)
		return err;
	memcpy(&b, blk + fbn * 4, 4);
	err = checked(file, b, bno);
	if (err || *bno || !alloc)
		return err;
	err = alloc_block(fs_file_kind(file), bno);
	if (err)
		return err;
	blk = bc_get(ind, BC_INDIRECT, &err);
	if (!blk)
		return err;
	memcpy(blk + fbn * 4, bno, 4);
	bc_mark_dirty(ind);
	return 0;
}

int fs_sync(void)
{
	int err = fs_check_mounted();

	if (err)
		return err;
	/* Read-only: nothing is ever dirty, so nothing to write or flush. */
	return readonly ? 0 : bc_sync();
}

int fs_end_frees(void)
{
	return bc_frees_pending() ? fs_sync() : 0;
}
