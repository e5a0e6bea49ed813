/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs_int.h - what fs.c (blocks, bitmap, file data) gives fs_dir.c
 * (paths and directories).  Not for the shell: it uses fs.h.
 */
#ifndef GUEST_FS_INT_H
#define GUEST_FS_INT_H

#include "bcache.h"
#include "fs.h"

/* Offset of the root's struct File in the superblock. */
#define FS_ROOT_OFF	8

_Static_assert(__builtin_offsetof(struct josfs_super, root) == FS_ROOT_OFF, "root at 8");

/* 0 when mounted and writable, else -E_NOFS or -E_ROFS. */
int fs_check_writable(void);
int fs_check_mounted(void);

/*
 * Prints "fs: corrupt: [<name>: ]<what> <value>" and returns -E_CORRUPT;
 * after 8 reports, silent until fs_corrupt_reset().
 */
int fs_corrupt(const char *what, const char *name, int64_t value);
void fs_corrupt_reset(void);
/* A block a file may use: in the file system, past the bitmap. */
bool fs_block_ok(uint32_t b);
/*
 * Marks a block free.  A bad number or a block already free is reported
 * and skipped (returns 0), so a corrupt file can still be removed.
 * Call it only once no cached metadata points to b any more: a sync in
 * between (a full cache syncs) then writes the pointer's removal first.
 * An operation that frees blocks ends with fs_end_frees().
 */
int fs_free_block(uint32_t b, const char *name);
/* If blocks were freed since the last sync, syncs (pointers, then bitmap). */
int fs_end_frees(void);

/* How the cache should hold a block: the one holding a struct File (loc_block)... */
enum bc_kind fs_loc_kind(uint32_t loc_block);
/* ...and a file's own blocks: BC_DIR for a directory, else BC_DATA. */
enum bc_kind fs_file_kind(const struct fs_file *file);

/* The root directory's struct File. */
int fs_root(struct fs_file *out);
/* Size and type make sense; the name is NUL-terminated (forced). */
int fs_file_check(struct josfs_file *f);
/* Writes file->f back to its place on disk (through the cache). */
int fs_file_put(const struct fs_file *file);
/*
 * The disk block holding file block fbn: *bno = 0 for a hole unless
 * alloc, which allocates a zeroed block (and an indirect block).
 */
int fs_file_block(struct fs_file *file, uint32_t fbn, bool alloc, uint32_t *bno);
/*
 * Truncate without the sync: frees every block past size (fs_truncate and
 * fs_remove call fs_end_frees() when done).  size <= the file's size.
 */
int fs_shrink(struct fs_file *file, uint64_t size);

#endif /* GUEST_FS_INT_H */
