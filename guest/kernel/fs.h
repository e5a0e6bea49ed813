/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs.h - the JOS file system on our disk (format: <josfs.h>), through the
 * block cache (bcache.h) over the host's file server (ipc.h).
 *
 * Paths are '/'-separated; a path without a leading '/' starts at the
 * root too (there is no working directory); "." and ".." are resolved by
 * name before the walk.  Everything returns 0 (or a byte count) on
 * success and a negated error of errors.h on failure; strerror() words it.
 * A bad image gives -E_CORRUPT and an "fs: corrupt: ..." line, never a trap.
 *
 * Changes stay in the block cache until a sync, which writes them in an
 * order that keeps the disk consistent if the launcher dies at any point
 * (../../Documentation/disk.md); operations that free blocks sync.
 */
#ifndef GUEST_FS_H
#define GUEST_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <josfs.h>

/* An open file: a copy of its struct File and where that lives on disk. */
struct fs_file {
	struct josfs_file f;
	uint32_t loc_block;	/* block holding the struct File (1 for the root) */
	uint32_t loc_off;	/* its byte offset there */
};

struct fs_usage {
	uint32_t nblocks;	/* in the file system */
	uint32_t free;		/* free in the bitmap */
	uint32_t reserved;	/* boot block, superblock, bitmap */
	uint64_t disk_bytes;	/* the image's size from the host; 0 unknown */
	bool readonly;
};

/*
 * Mounts the disk disk_open() opened: superblock, sizes, and a write of the
 * superblock's first sector, unchanged, to learn whether the disk takes
 * writes (a read-only disk is mounted read-only; writes give -E_ROFS).
 * ro_err gets the error that write returned (0 when writable).
 */
int fs_mount(int *ro_err);
bool fs_mounted(void);
bool fs_readonly(void);

int fs_lookup(const char *path, struct fs_file *out);
/* A new empty file or directory (type JOSFS_TYPE_*); -JOS_E_FILE_EXISTS if taken. */
int fs_create(const char *path, uint32_t type, struct fs_file *out);
/* Removes a file, or a directory if it is empty; then syncs. */
int fs_remove(const char *path);
/* Next used entry of dir at or after *index: 1 and *out, 0 at the end, or an error. */
int fs_readdir(const struct fs_file *dir, uint32_t *index, struct fs_file *out);

/* Up to n bytes at off (fewer at the end of the file); returns the count. */
long fs_read(struct fs_file *file, uint64_t off, void *buf, size_t n);
/* n bytes at off, growing the file (a gap reads as zeros); returns n. */
long fs_write(struct fs_file *file, uint64_t off, const void *buf, size_t n);
/* New size: blocks past it are freed (then a sync), a longer file is zero-filled. */
int fs_truncate(struct fs_file *file, uint64_t size);

/* Writes back the block cache in its crash-safe order, then asks the host to flush. */
int fs_sync(void);
int fs_usage(struct fs_usage *out);

#endif /* GUEST_FS_H */
