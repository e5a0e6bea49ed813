/* SPDX-License-Identifier: GPL-2.0 */
/*
 * josfs_image.h - read-only access to a JOS file-system image, shared by
 * mkjosfs (for its layout arithmetic) and josfsck.  The on-disk format
 * itself is guest/include/josfs.h; this only adds bounds-checked helpers,
 * because josfsck must survive any bytes at all.
 */
#ifndef JVMM_JOSFS_IMAGE_H
#define JVMM_JOSFS_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "josfs.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the image is little-endian and read in place: build on a little-endian host"
#endif

/* JOS maps its disk at 0x10000000..0xD0000000: a bigger file system panics
 * the guest ("file system is too large"), so the tools refuse it too. */
#define JOSFS_MAX_DISK_BYTES	0xC0000000ull
#define JOSFS_MIN_BLOCKS	3	/* boot, superblock, one bitmap block */

struct josfs_image {
	const uint8_t *data;	/* the whole file, mapped read-only */
	size_t bytes;		/* its size */
	uint32_t file_blocks;	/* bytes / JOSFS_BLOCK_SIZE */
};

/* Blocks of free bitmap a file system of NBLOCKS blocks needs. */
static inline uint32_t josfs_bitmap_blocks(uint32_t nblocks)
{
	return (uint32_t)(((uint64_t)nblocks + JOSFS_BITS_PER_BLOCK - 1) / JOSFS_BITS_PER_BLOCK);
}

/* Blocks a file of SIZE bytes holds data in (not counting its indirect block). */
static inline uint32_t josfs_size_blocks(uint64_t size)
{
	return (uint32_t)((size + JOSFS_BLOCK_SIZE - 1) / JOSFS_BLOCK_SIZE);
}

/*
 * Map PATH.  Checks only what makes the rest unreadable: a regular file, a
 * whole number of blocks, at least JOSFS_MIN_BLOCKS and at most the JOS disk
 * limit.  On failure returns -1 with a message (no program name) in ERR;
 * the caller decides whether that is an I/O error or a bad image: *IO_ERROR
 * tells which.
 */
int josfs_image_open(const char *path, struct josfs_image *img,
		     char *err, size_t errlen, bool *io_error);
void josfs_image_close(struct josfs_image *img);

/* Block N of the file, or NULL past its end. */
const uint8_t *josfs_image_block(const struct josfs_image *img, uint32_t n);

static inline const struct josfs_super *josfs_image_super(const struct josfs_image *img)
{
	return (const struct josfs_super *)josfs_image_block(img, JOSFS_SUPER_BLOCK);
}

/* Is block N marked free in the bitmap (bit set = free, JOS's convention)? */
bool josfs_image_block_free(const struct josfs_image *img, uint32_t n);

/*
 * The disk block holding block K of file F (0: a hole, or unreadable
 * because the indirect block is out of the image).  K < JOSFS_NDIRECT +
 * JOSFS_NINDIRECT.
 */
uint32_t josfs_file_block(const struct josfs_image *img, const struct josfs_file *f,
			  uint32_t k);

/* Length of F's name if it is NUL-terminated within its 128 bytes, else -1. */
int josfs_name_len(const struct josfs_file *f);

#endif /* JVMM_JOSFS_IMAGE_H */
