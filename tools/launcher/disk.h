/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disk.h - the guest's disk: an image file, read-write, read-only, or
 * copy-on-write in memory (--snapshot), locked against a second launcher.
 * Offsets and lengths are checked by the caller (fileserver.c); these
 * functions still refuse anything outside the image.
 */
#ifndef JLAUNCH_DISK_H
#define JLAUNCH_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum disk_mode {
	DISK_READ_WRITE,
	DISK_READ_ONLY,		/* guest writes fail with a JOS error */
	DISK_SNAPSHOT,		/* guest writes stay in memory; the file is never written */
};

/* Opens and locks the image; -1 with a "PATH: problem; what to do" message. */
int disk_open(const char *path, enum disk_mode mode, char *err, size_t err_size);
bool disk_present(void);
bool disk_writable(void);	/* false for DISK_READ_ONLY */
uint64_t disk_size(void);
const char *disk_path(void);

/* Bytes done (short at the end of the image), or -1 with errno. */
long disk_read(uint64_t offset, void *buf, size_t len);
long disk_write(uint64_t offset, const void *buf, size_t len);
/* fsync of the image (nothing to do for a snapshot); 0 or -1 with errno. */
int disk_sync(void);
void disk_close(void);

#endif /* JLAUNCH_DISK_H */
