// SPDX-License-Identifier: GPL-2.0
/*
 * disk.c - the image file behind the guest's disk.
 *
 * Writes go to the file with pwrite() as the guest issues them, one
 * request at a time, so they reach the file in the guest's order; a
 * FLUSH or SYNC request makes them durable with fsync().  Nothing is
 * cached here: after any reply, the file (or, with --snapshot, the
 * overlay) holds exactly what the guest has written.
 *
 * --snapshot keeps a copy of each 4 KiB block the guest writes, in
 * memory, and reads prefer it; the image is opened read-only and stays
 * byte-identical.
 *
 * The lock is flock(): exclusive for a writable image, shared for
 * read-only and snapshot use, so readers may share an image but never with
 * a writer, and two launchers never write one image.
 */
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OVERLAY_BLOCK	4096

static int image_fd = -1;
static enum disk_mode image_mode;
static uint64_t image_size;
static const char *image_path;
static uint8_t **overlay;	/* --snapshot: one entry per block, NULL = unchanged */

int disk_open(const char *path, enum disk_mode mode, char *err, size_t err_size)
{
	int writable = mode == DISK_READ_WRITE;
	struct stat st;
	int fd;

	if (image_fd >= 0) {
		snprintf(err, err_size, "%s: a disk is already open (%s)", path, image_path);
		return -1;
	}
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, err_size, "%s: %s; give an existing JOS file-system image%s", path,
			 strerror(errno),
			 errno == EACCES || errno == EROFS ? " (or use --readonly or --snapshot)" : "");
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, err_size, "%s: not a regular file; give a disk image file", path);
		goto fail;
	}
	if (st.st_size < OVERLAY_BLOCK || st.st_size % 512) {
		snprintf(err, err_size, "%s: %lld bytes is not a disk image (whole 512-byte sectors, at least 4 KiB); make one with mkjosfs",
			 path, (long long)st.st_size);
		goto fail;
	}
	if (st.st_size > INT32_MAX) {
		/* struct Fd's offset is 32 bits: the guest cannot address more. */
		snprintf(err, err_size, "%s: larger than 2 GiB, beyond what a JOS guest can address", path);
		goto fail;
	}
	if (flock(fd, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB)) {
		snprintf(err, err_size, "%s: in use by another launcher (%s); wait for it to end, or copy the image",
			 path, errno == EWOULDBLOCK ? "locked" : strerror(errno));
		goto fail;
	}
	if (mode == DISK_SNAPSHOT) {
		overlay = calloc((size_t)(st.st_size / OVERLAY_BLOCK + 1), sizeof(*overlay));
		if (!overlay) {
			snprintf(err, err_size, "%s: no memory for the snapshot", path);
			goto fail;
		}
	}
	image_fd = fd;
	image_mode = mode;
	image_size = (uint64_t)st.st_size;
	image_path = path;
	return 0;
fail:
	close(fd);
	return -1;
}

bool disk_present(void)
{
	return image_fd >= 0;
}

bool disk_writable(void)
{
	return image_fd >= 0 && image_mode != DISK_READ_ONLY;
}

uint64_t disk_size(void)
{
	return image_size;
}

const char *disk_path(void)
{
	return image_path;
}

static size_t clip(uint64_t offset, size_t len)
{
	if (offset >= image_size)
		return 0;
	return len < image_size - offset ? len : (size_t)(image_size - offset);
}

static long read_file(uint64_t offset, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(image_fd, buf + done, len - done, (off_t)(offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;	/* the file shrank under us: report what we have */
		done += (size_t)n;
	}
	return (long)done;
}

long disk_read(uint64_t offset, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;

	if (image_fd < 0) {
		errno = ENODEV;
		return -1;
	}
	len = clip(offset, len);
	if (image_mode != DISK_SNAPSHOT)
		return read_file(offset, out, len);
	while (done < len) {
		uint64_t pos = offset + done;
		size_t in_block = OVERLAY_BLOCK - pos % OVERLAY_BLOCK;
		size_t chunk = len - done < in_block ? len - done : in_block;
		uint8_t *copy = overlay[pos / OVERLAY_BLOCK];

		if (copy)
			memcpy(out + done, copy + pos % OVERLAY_BLOCK, chunk);
		else if (read_file(pos, out + done, chunk) != (long)chunk)
			return -1;
		done += chunk;
	}
	return (long)done;
}

static long write_overlay(uint64_t offset, const uint8_t *in, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t pos = offset + done;
		uint64_t block = pos / OVERLAY_BLOCK;
		size_t in_block = OVERLAY_BLOCK - pos % OVERLAY_BLOCK;
		size_t chunk = len - done < in_block ? len - done : in_block;

		if (!overlay[block]) {
			uint8_t *copy = malloc(OVERLAY_BLOCK);
			uint64_t start = block * OVERLAY_BLOCK;

			if (!copy)
				return -1;
			memset(copy, 0, OVERLAY_BLOCK);
			if (read_file(start, copy, clip(start, OVERLAY_BLOCK)) < 0) {
				free(copy);
				return -1;
			}
			overlay[block] = copy;
		}
		memcpy(overlay[block] + pos % OVERLAY_BLOCK, in + done, chunk);
		done += chunk;
	}
	return (long)done;
}

long disk_write(uint64_t offset, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	size_t done = 0;

	if (!disk_writable()) {
		errno = EROFS;
		return -1;
	}
	len = clip(offset, len);
	if (image_mode == DISK_SNAPSHOT)
		return write_overlay(offset, in, len);
	while (done < len) {
		ssize_t n = pwrite(image_fd, in + done, len - done, (off_t)(offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return (long)done;
}

int disk_sync(void)
{
	if (image_fd < 0 || image_mode != DISK_READ_WRITE)
		return 0;
	return fsync(image_fd);
}

void disk_close(void)
{
	uint64_t i;

	if (overlay) {
		for (i = 0; i <= image_size / OVERLAY_BLOCK; i++)
			free(overlay[i]);
		free(overlay);
		overlay = NULL;
	}
	if (image_fd >= 0)
		close(image_fd);	/* drops the lock */
	image_fd = -1;
}
