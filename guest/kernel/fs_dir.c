// SPDX-License-Identifier: GPL-2.0
/*
 * fs_dir.c - paths and directories of the JOS file system: the walk from
 * the root, create (reusing a free slot or growing the directory by a
 * block), remove, and listing.
 *
 * "." and ".." are resolved on the path's text before the walk (JOS
 * directories have no such entries), so a walk is never longer than the
 * path: a course image whose directory points back at the root cannot
 * make it loop.
 */
#include <josfs.h>

#include "bcache.h"
#include "errors.h"
#include "fs_int.h"
#include "string.h"

#define MAX_DEPTH	64	/* path components */

struct path {
	char buf[JOSFS_MAX_PATH];
	char *comp[MAX_DEPTH];
	int n;
};

/* Splits and resolves a path into components (0 of them: the root). */
static int parse_path(const char *in, struct path *p)
{
	size_t len = strlen(in);
	char *s;

	if (len >= JOSFS_MAX_PATH)
		return -JOS_E_BAD_PATH;
	memcpy(p->buf, in, len + 1);
	p->n = 0;
	s = p->buf;
	for (;;) {
		char *start;

		while (*s == '/')
			s++;
		if (!*s)
			return 0;
		start = s;
		while (*s && *s != '/')
			s++;
		if (*s)
			*s++ = '\0';
		if (!strcmp(start, "."))
			continue;
		if (!strcmp(start, "..")) {
			if (p->n)
				p->n--;
			continue;
		}
		if (strlen(start) >= JOSFS_MAX_NAME)
			return -E_NAMETOOLONG;
		if (p->n == MAX_DEPTH)
			return -JOS_E_BAD_PATH;
		p->comp[p->n++] = start;
	}
}

/*
 * Entry `name` of dir: 0 and *out, or -JOS_E_NOT_FOUND with *free_slot
 * set to a free entry's place (loc_block 0 if the directory is full).
 */
static int dir_find(struct fs_file *dir, const char *name, struct fs_file *out,
		    struct fs_file *free_slot)
{
	uint32_t nent = (uint32_t)dir->f.size / JOSFS_FILE_SIZE, i;
	int err;

	if (dir->f.type != JOSFS_TYPE_DIR)
		return -E_NOTDIR;
	if (free_slot)
		free_slot->loc_block = 0;
	for (i = 0; i < nent; i++) {
		uint32_t bno;
		uint8_t *blk;

		err = fs_file_block(dir, i / JOSFS_FILES_PER_BLOCK, false, &bno);
		if (err)
			return err;
		if (!bno) {
			/* A hole in a directory: nothing lives there. */
			i |= JOSFS_FILES_PER_BLOCK - 1;
			continue;
		}
		blk = bc_get(bno, BC_DIR, &err);
		if (!blk)
			return err;
		memcpy(&out->f, blk + (i % JOSFS_FILES_PER_BLOCK) * JOSFS_FILE_SIZE,
		       sizeof(out->f));
		out->loc_block = bno;
		out->loc_off = (i % JOSFS_FILES_PER_BLOCK) * JOSFS_FILE_SIZE;
		if (!out->f.name[0]) {
			if (free_slot && !free_slot->loc_block)
				*free_slot = *out;
			continue;
		}
		out->f.name[JOSFS_MAX_NAME - 1] = '\0';
		if (!strcmp(out->f.name, name))
			return fs_file_check(&out->f);
	}
	return -JOS_E_NOT_FOUND;
}

/* Walks the first `depth` components of p from the root. */
static int walk(const struct path *p, int depth, struct fs_file *out)
{
	int i, err = fs_root(out);

	for (i = 0; !err && i < depth; i++) {
		struct fs_file dir = *out;

		err = dir_find(&dir, p->comp[i], out, NULL);
	}
	return err;
}

int fs_lookup(const char *path, struct fs_file *out)
{
	struct path p;
	int err = fs_check_mounted();

	if (!err)
		err = parse_path(path, &p);
	return err ? err : walk(&p, p.n, out);
}

int fs_readdir(const struct fs_file *dir_in, uint32_t *index, struct fs_file *out)
{
	struct fs_file dir = *dir_in;
	uint32_t nent = (uint32_t)dir.f.size / JOSFS_FILE_SIZE;
	int err;

	if (dir.f.type != JOSFS_TYPE_DIR)
		return -E_NOTDIR;
	for (; *index < nent; (*index)++) {
		uint32_t i = *index, bno;
		uint8_t *blk;

		err = fs_file_block(&dir, i / JOSFS_FILES_PER_BLOCK, false, &bno);
		if (err)
			return err;
		if (!bno) {
			*index |= JOSFS_FILES_PER_BLOCK - 1;
			continue;
		}
		blk = bc_get(bno, BC_DIR, &err);
		if (!blk)
			return err;
		memcpy(&out->f, blk + (i % JOSFS_FILES_PER_BLOCK) * JOSFS_FILE_SIZE,
		       sizeof(out->f));
		if (!out->f.name[0])
			continue;
		out->f.name[JOSFS_MAX_NAME - 1] = '\0';
		out->loc_block = bno;
		out->loc_off = (i % JOSFS_FILES_PER_BLOCK) * JOSFS_FILE_SIZE;
		(*index)++;
		return 1;
	}
	return 0;
}

/* A free entry of dir: grows the directory by one zeroed block if none is. */
static int grow_dir(struct fs_file *dir, struct fs_file *slot)
{
	uint32_t fbn = ((uint32_t)dir->f.size + JOSFS_BLOCK_SIZE - 1) / JOSFS_BLOCK_SIZE, bno;
	int err = fs_file_block(dir, fbn, true, &bno);

	if (err)
		return err;
	dir->f.size = (int32_t)((fbn + 1) * JOSFS_BLOCK_SIZE);
	err = fs_file_put(dir);
	if (err)
		return err;
	slot->loc_block = bno;
	slot->loc_off = 0;
	return 0;
}

int fs_create(const char *path, uint32_t type, struct fs_file *out)
{
	struct fs_file dir, slot;
	struct path p;
	uint8_t *blk;
	int err = fs_check_mounted();

	if (!err)
		err = parse_path(path, &p);
	if (err)
		return err;
	if (p.n == 0)
		return -JOS_E_FILE_EXISTS;	/* the root */
	err = walk(&p, p.n - 1, &dir);
	if (err)
		return err;
	err = dir_find(&dir, p.comp[p.n - 1], out, &slot);
	if (err != -JOS_E_NOT_FOUND)
		return err ? err : -JOS_E_FILE_EXISTS;
	err = fs_check_writable();
	if (!err && !slot.loc_block)
		err = grow_dir(&dir, &slot);
	if (err)
		return err;

	memset(&out->f, 0, sizeof(out->f));
	memcpy(out->f.name, p.comp[p.n - 1], strlen(p.comp[p.n - 1]) + 1);
	out->f.type = type;
	out->loc_block = slot.loc_block;
	out->loc_off = slot.loc_off;
	blk = bc_get(out->loc_block, fs_loc_kind(out->loc_block), &err);
	if (!blk)
		return err;
	memcpy(blk + out->loc_off, &out->f, sizeof(out->f));
	bc_mark_dirty(out->loc_block);
	return 0;
}

int fs_remove(const char *path)
{
	struct fs_file file, entry;
	struct path p;
	uint32_t index = 0;
	uint8_t *blk;
	int err = fs_check_mounted(), sync_err;

	if (!err)
		err = parse_path(path, &p);
	if (!err)
		err = walk(&p, p.n, &file);
	if (err)
		return err;
	if (p.n == 0)
		return -E_BUSY;
	if (file.f.type == JOSFS_TYPE_DIR) {
		err = fs_readdir(&file, &index, &entry);
		if (err)
			return err < 0 ? err : -E_NOTEMPTY;
	}
	err = fs_check_writable();
	if (err)
		return err;
	/* The blocks' pointers go, then the blocks, then the entry; one sync for all. */
	err = fs_shrink(&file, 0);
	if (!err) {
		blk = bc_get(file.loc_block, fs_loc_kind(file.loc_block), &err);
		if (blk) {
			memset(blk + file.loc_off, 0, JOSFS_FILE_SIZE);
			bc_mark_dirty(file.loc_block);
		}
	}
	/* Durable when it returns, and what was freed is free on disk before reuse. */
	sync_err = fs_sync();
	return err ? err : sync_err;
}
