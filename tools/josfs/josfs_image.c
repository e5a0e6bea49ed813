// SPDX-License-Identifier: GPL-2.0
/*
 * josfs_image.c - bounds-checked, read-only access to a JOS file-system
 * image.  Every accessor checks against the mapped file's real size, never
 * against a number read from the image, so garbage cannot make it read out
 * of bounds.
 */
#include "josfs_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int josfs_image_open(const char *path, struct josfs_image *img,
		     char *err, size_t errlen, bool *io_error)
{
	struct stat st;
	void *map;
	int fd;

	memset(img, 0, sizeof(*img));
	*io_error = true;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file; give an image file");
		goto fail;
	}
	/* From here on the file is readable: what is wrong is the image. */
	*io_error = false;
	if (st.st_size % JOSFS_BLOCK_SIZE) {
		snprintf(err, errlen, "size %lld is not a whole number of %d-byte blocks; truncated or not a JOS image",
			 (long long)st.st_size, JOSFS_BLOCK_SIZE);
		goto fail;
	}
	if (st.st_size < JOSFS_MIN_BLOCKS * JOSFS_BLOCK_SIZE) {
		snprintf(err, errlen, "size %lld is less than %d blocks (boot, superblock, bitmap); not a JOS image",
			 (long long)st.st_size, JOSFS_MIN_BLOCKS);
		goto fail;
	}
	if ((unsigned long long)st.st_size > JOSFS_MAX_DISK_BYTES) {
		snprintf(err, errlen, "size %lld is over JOS's 3 GiB disk limit; not a JOS image",
			 (long long)st.st_size);
		goto fail;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		*io_error = true;
		snprintf(err, errlen, "cannot map: %s", strerror(errno));
		goto fail;
	}
	close(fd);
	img->data = map;
	img->bytes = (size_t)st.st_size;
	img->file_blocks = (uint32_t)(img->bytes / JOSFS_BLOCK_SIZE);
	return 0;
fail:
	close(fd);
	return -1;
}

void josfs_image_close(struct josfs_image *img)
{
	if (img->data)
		munmap((void *)img->data, img->bytes);
	memset(img, 0, sizeof(*img));
}

const uint8_t *josfs_image_block(const struct josfs_image *img, uint32_t n)
{
	if (n >= img->file_blocks)
		return NULL;
	return img->data + (size_t)n * JOSFS_BLOCK_SIZE;
}

bool josfs_image_block_free(const struct josfs_image *img, uint32_t n)
{
	/* Bit n lives in bitmap block 2 + n / bits-per-block; a bitmap block
	 * beyond the file reads as "in use", the safe answer for a checker. */
	const uint8_t *b = josfs_image_block(img, JOSFS_BITMAP_BLOCK + n / JOSFS_BITS_PER_BLOCK);
	uint32_t bit = n % JOSFS_BITS_PER_BLOCK;
	uint32_t word;

	if (!b)
		return false;
	/* JOS tests bitmap[i / 32] & (1 << (i % 32)) on u32 words. */
	memcpy(&word, b + (bit / 32) * 4, sizeof(word));
	return word & (1u << (bit % 32));
}

uint32_t josfs_file_block(const struct josfs_image *img, const struct josfs_file *f,
			  uint32_t k)
{
	const uint8_t *ind;
	uint32_t n;

	if (k < JOSFS_NDIRECT)
		return f->direct[k];
	k -= JOSFS_NDIRECT;
	if (k >= JOSFS_NINDIRECT || f->indirect == 0)
		return 0;
	ind = josfs_image_block(img, f->indirect);
	if (!ind)
		return 0;
	memcpy(&n, ind + 4 * k, sizeof(n));
	return n;
}

int josfs_name_len(const struct josfs_file *f)
{
	const char *nul = memchr(f->name, '\0', sizeof(f->name));

	return nul ? (int)(nul - f->name) : -1;
}
