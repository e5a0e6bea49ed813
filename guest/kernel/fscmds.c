// SPDX-License-Identifier: GPL-2.0
/*
 * fscmds.c - the disk at boot (mount, message of the day) and the shell's
 * file commands: ls, cat, write, append, echo redirection, rm, mkdir,
 * sync, df.  Errors print as "CMD: PATH: words" (errors.c) and the shell
 * goes on; nothing here panics on a bad disk.
 */
#include <stdbool.h>

#include <josfs.h>

#include "bcache.h"
#include "console.h"
#include "errors.h"
#include "fs.h"
#include "fscmds.h"
#include "ipc.h"
#include "printf.h"
#include "string.h"

#define KIB		1024
#define TEXT_MAX	512	/* a shell line is shorter */
#define MOTD_PATH	"/motd_guest"

static int fail(const char *cmd, const char *path, int err)
{
	if (path)
		kprintf("%s: %s: %s\n", cmd, path, strerror(err));
	else
		kprintf("%s: %s\n", cmd, strerror(err));
	return 1;
}

/* Prints a file's bytes; returns 0 or an error. */
static int print_file(struct fs_file *f, bool *ends_in_newline)
{
	char buf[512];
	uint64_t off = 0;
	long n;

	*ends_in_newline = true;
	while ((n = fs_read(f, off, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++)
			console_putc(buf[i]);
		*ends_in_newline = buf[n - 1] == '\n';
		off += (uint64_t)n;
	}
	return n < 0 ? (int)n : 0;
}

void fs_boot(void)
{
	struct fs_usage u;
	struct fs_file motd;
	bool nl;
	int err, ro_err;

	err = disk_open();
	if (err) {
		kprintf("fs: no disk (error %d); file commands disabled\n", err);
		return;
	}
	err = fs_mount(&ro_err);
	if (err) {
		kprintf("fs: cannot mount %s: %s (error %d); file commands disabled\n",
			disk_path(), strerror(err), err);
		return;
	}
	err = fs_usage(&u);
	if (err) {
		kprintf("fs: %s: reading the free bitmap: %s\n", disk_path(), strerror(err));
		return;
	}
	kprintf("fs: %s: %u blocks (%u KiB), %u free%s\n", disk_path(), u.nblocks,
		u.nblocks * (JOSFS_BLOCK_SIZE / KIB), u.free, u.readonly ? ", read-only" : "");
	if (u.readonly)
		kprintf("fs: the disk refused a write (error %d): mounted read-only\n", ro_err);

	err = fs_lookup(MOTD_PATH, &motd);
	if (!err && motd.f.type == JOSFS_TYPE_FILE)
		err = print_file(&motd, &nl);
	else if (!err)
		err = -E_ISDIR;
	if (err)
		kprintf("fs: %s: %s\n", MOTD_PATH, strerror(err));
	else if (!nl)
		kprintf("\n");
}

void fs_shutdown(void)
{
	int err;

	if (!fs_mounted() || fs_readonly())
		return;
	err = fs_sync();
	if (err)
		kprintf("sync: %s (error %d)\n", strerror(err), err);
}

/* Words argv[from..argc) joined by spaces, plus '\n', skipping NULLs. */
static size_t join_words(char *out, int from, int argc, char **argv)
{
	size_t len = 0;
	int i;

	for (i = from; i < argc; i++) {
		size_t w;

		if (!argv[i])
			continue;
		/* Room for a space before and the '\n' after; the rest is cut. */
		if (len + 2 >= TEXT_MAX)
			break;
		if (len)
			out[len++] = ' ';
		w = strlen(argv[i]);
		if (w > TEXT_MAX - 1 - len)
			w = TEXT_MAX - 1 - len;
		memcpy(out + len, argv[i], w);
		len += w;
	}
	out[len++] = '\n';
	return len;
}

/* Writes text to path: replacing its contents, or at its end (append). */
static int put_text(const char *cmd, const char *path, const char *text, size_t len,
		    bool append)
{
	struct fs_file f;
	long n;
	int err = fs_lookup(path, &f);

	if (err == -JOS_E_NOT_FOUND)
		err = fs_create(path, JOSFS_TYPE_FILE, &f);
	if (!err && f.f.type == JOSFS_TYPE_DIR)
		err = -E_ISDIR;
	if (!err && !append)
		err = fs_truncate(&f, 0);
	if (err)
		return fail(cmd, path, err);
	n = fs_write(&f, append ? (uint64_t)f.f.size : 0, text, len);
	return n < 0 ? fail(cmd, path, (int)n) : 0;
}

int fs_echo_redirect(int argc, char **argv)
{
	char text[TEXT_MAX];
	const char *path = NULL;
	bool append = false;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (a[0] != '>')
			continue;
		append = a[1] == '>';
		path = a + (append ? 2 : 1);
		argv[i] = NULL;
		if (!*path) {
			if (i + 1 == argc) {
				kprintf("echo: missing file name after '%s'\n", append ? ">>" : ">");
				return 0;
			}
			path = argv[++i];
			argv[i] = NULL;
		}
		break;
	}
	if (!path)
		return 1;
	len = join_words(text, 1, argc, argv);
	put_text("echo", path, text, len, append);
	return 0;
}

static int write_or_append(int argc, char **argv, bool append)
{
	char text[TEXT_MAX];

	if (argc < 2) {
		kprintf("usage: %s FILE TEXT...\n", argv[0]);
		return 1;
	}
	return put_text(argv[0], argv[1], text, join_words(text, 2, argc, argv), append);
}

int cmd_write(int argc, char **argv)
{
	return write_or_append(argc, argv, false);
}

int cmd_append(int argc, char **argv)
{
	return write_or_append(argc, argv, true);
}

static void ls_entry(const struct fs_file *f, bool lng)
{
	bool dir = f->f.type == JOSFS_TYPE_DIR;
	char type = dir ? 'd' : f->f.type == JOSFS_TYPE_FILE ? '-' : '?';

	if (lng)
		kprintf("%c %8d %s%s\n", type, f->f.size, f->f.name, dir ? "/" : "");
	else
		kprintf("%s%s\n", f->f.name, dir ? "/" : "");
}

int cmd_ls(int argc, char **argv)
{
	struct fs_file dir, entry;
	const char *path = "/";
	uint32_t index = 0;
	bool lng = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l"))
			lng = true;
		else
			path = argv[i];
	}
	r = fs_lookup(path, &dir);
	if (r)
		return fail("ls", path, r);
	if (dir.f.type != JOSFS_TYPE_DIR) {
		ls_entry(&dir, lng);
		return 0;
	}
	while ((r = fs_readdir(&dir, &index, &entry)) > 0)
		ls_entry(&entry, lng);
	return r < 0 ? fail("ls", path, r) : 0;
}

int cmd_cat(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 2) {
		kprintf("usage: cat FILE...\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		struct fs_file f;
		bool nl;
		int err = fs_lookup(argv[i], &f);

		if (!err && f.f.type == JOSFS_TYPE_DIR)
			err = -E_ISDIR;
		if (!err)
			err = print_file(&f, &nl);
		if (err)
			status = fail("cat", argv[i], err);
	}
	return status;
}

int cmd_rm(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 2) {
		kprintf("usage: rm FILE...\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		int err = fs_remove(argv[i]);

		if (err)
			status = fail("rm", argv[i], err);
	}
	return status;
}

int cmd_mkdir(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 2) {
		kprintf("usage: mkdir DIR...\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		struct fs_file f;
		int err = fs_create(argv[i], JOSFS_TYPE_DIR, &f);

		if (err)
			status = fail("mkdir", argv[i], err);
	}
	return status;
}

int cmd_sync(int argc, char **argv)
{
	struct bc_stats before, after;
	int err;

	(void)argc;
	(void)argv;
	if (fs_mounted() && fs_readonly()) {
		kprintf("sync: read-only disk, nothing to write back\n");
		return 0;
	}
	bc_get_stats(&before);
	err = fs_sync();
	if (err)
		return fail("sync", NULL, err);
	bc_get_stats(&after);
	kprintf("sync: %llu blocks written back, disk flushed\n",
		(unsigned long long)(after.writebacks - before.writebacks));
	return 0;
}

int cmd_df(int argc, char **argv)
{
	const struct disk_stats *ds = disk_stats();
	struct bc_stats bs;
	struct fs_usage u;
	uint32_t used, kib = JOSFS_BLOCK_SIZE / KIB;
	int err;

	(void)argc;
	(void)argv;
	err = fs_usage(&u);
	if (err)
		return fail("df", NULL, err);
	used = u.nblocks - u.free;
	kprintf("disk: %s, %llu bytes, %s\n", disk_path(), (unsigned long long)u.disk_bytes,
		u.readonly ? "read-only" : "read-write");
	kprintf("blocks: %u total, %u used, %u free (%u reserved)\n", u.nblocks, used, u.free,
		u.reserved);
	kprintf("KiB: %u total, %u used, %u free\n", u.nblocks * kib, used * kib, u.free * kib);
	bc_get_stats(&bs);
	kprintf("cache: %u blocks, %zu dirty (%zu metadata), %llu hits, %llu misses, %llu write-backs, %llu syncs\n",
		BC_NBUF, bs.dirty, bs.dirty_meta, (unsigned long long)bs.hits,
		(unsigned long long)bs.misses, (unsigned long long)bs.writebacks,
		(unsigned long long)bs.syncs);
	kprintf("requests: %llu, %llu bytes read, %llu written, %llu flushes\n",
		(unsigned long long)ds->requests, (unsigned long long)ds->bytes_read,
		(unsigned long long)ds->bytes_written, (unsigned long long)ds->flushes);
	return 0;
}
