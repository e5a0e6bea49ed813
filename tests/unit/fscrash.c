// SPDX-License-Identifier: GPL-2.0
/*
 * fscrash - the guest file system's crash guarantee (Documentation/disk.md),
 * checked on the host at every point a launcher could be killed.  Built as
 * tests/unit/build/fscrash-N with a cache of N buffers and run for several
 * N by tests/unit/test-fscrash.sh.
 *
 * The guest's own block cache and file system (guest/kernel/bcache.c,
 * fs.c, fs_file.c, fs_dir.c, built for the host with a cache small enough
 * that evictions and cache-full syncs happen) run a script of file
 * operations on a copy of build/guest/fs.img, against a disk that records
 * every WRITE request as the guest's ipc.c sends it (2048 bytes) and every
 * FLUSH.  Then the requests are replayed one by one onto the original
 * image, as jlaunch applies them; after each one, the image a launcher
 * killed right then would leave:
 *
 *   1. passes josfsck: exit 0, and its only warnings are about space
 *      allocated but not part of a file's bytes (leaked blocks, blocks
 *      beyond a file's size, an indirect block it does not need), never
 *      holes;
 *   2. has no file pointing at a block nobody wrote: free blocks start out
 *      filled with 0xA5, and no file's data block may still be all 0xA5;
 *   3. at each point between operations (no sync can be running there),
 *      has exactly the metadata of the last completed sync: superblock,
 *      bitmap, and every directory and indirect block that image reaches
 *      are byte for byte as they were (only data blocks were written).
 *
 * The script mixes allocations and frees without syncs in between (so the
 * cache must sync at the switch), grows a directory past a block, uses
 * indirect blocks, shrinks and overwrites and removes files, and checks
 * the result at the end.  Run from the top of the tree (tests/run does);
 * JOSFSCK= and FSIMG= point it at other builds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hypercall.h>

#include "bcache.h"
#include "fs.h"
#include "ipc.h"
#include "layout.h"
#include "memory.h"
#include "printf.h"
#include "check.h"

#define WRITE_CHUNK	2048	/* as guest/kernel/ipc.c: one WRITE request */
#define MAX_REQS	200000

/* ---- the guest's environment: pages, console, and a recording disk ---- */

static uint8_t *image;		/* what the guest sees */
static size_t image_bytes;

struct req {
	uint32_t off;		/* bytes; len 0 = a FLUSH */
	uint32_t len;
	uint8_t *data;
};
static struct req reqs[MAX_REQS];
static size_t nreqs;

static void record(uint32_t off, const void *data, uint32_t len)
{
	if (nreqs == MAX_REQS) {
		fprintf(stderr, "test-fscrash: more than %d requests\n", MAX_REQS);
		exit(2);
	}
	reqs[nreqs].off = off;
	reqs[nreqs].len = len;
	reqs[nreqs].data = NULL;
	if (len) {
		reqs[nreqs].data = malloc(len);
		if (!reqs[nreqs].data)
			exit(2);
		memcpy(reqs[nreqs].data, data, len);
	}
	nreqs++;
}

uint64_t page_alloc(void)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	/* phys_to_virt() adds KERNBASE back. */
	return p ? (uint64_t)(uintptr_t)p - KERNBASE : 0;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	printf("guest: ");
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

uint64_t disk_size(void)
{
	return image_bytes;
}

int disk_read(uint32_t sector, void *buf, size_t n)
{
	uint64_t off = (uint64_t)sector * JOSFS_SECTOR_SIZE;

	if (off + n > image_bytes)
		return -JOS_E_INVAL;
	memcpy(buf, image + off, n);
	return 0;
}

int disk_write(uint32_t sector, const void *buf, size_t n)
{
	uint64_t off = (uint64_t)sector * JOSFS_SECTOR_SIZE;
	size_t done;

	if (off + n > image_bytes)
		return -JOS_E_INVAL;
	for (done = 0; done < n; done += WRITE_CHUNK) {
		uint32_t len = n - done < WRITE_CHUNK ? (uint32_t)(n - done) : WRITE_CHUNK;

		memcpy(image + off + done, (const uint8_t *)buf + done, len);
		record((uint32_t)(off + done), (const uint8_t *)buf + done, len);
	}
	return 0;
}

int disk_flush(void)
{
	record(0, NULL, 0);
	return 0;
}

/* ---- the script ---- */

/* After operation i, reqs[0..checkpoint[i]) had been sent. */
#define MAX_OPS		256
static size_t checkpoint[MAX_OPS];
static const char *op_name[MAX_OPS];
static size_t nops;
static uint8_t pattern_buf[JOSFS_MAX_FILE_SIZE];

static void done_op(const char *name, int err)
{
	if (err)
		printf("FAIL: %s: error %d\n", name, err);
	if (err)
		failures++;
	op_name[nops] = name;
	checkpoint[nops++] = nreqs;
}

static int put_file(const char *path, size_t size, uint8_t seed)
{
	struct fs_file f;
	long n;
	int err = fs_lookup(path, &f);
	size_t i;

	if (err == -JOS_E_NOT_FOUND)
		err = fs_create(path, JOSFS_TYPE_FILE, &f);
	if (!err)
		err = fs_truncate(&f, 0);
	if (err)
		return err;
	for (i = 0; i < size; i++)
		pattern_buf[i] = (uint8_t)(i % 251 + seed);
	n = fs_write(&f, 0, pattern_buf, size);
	return n < 0 ? (int)n : 0;
}

static int append_file(const char *path, size_t size)
{
	struct fs_file f;
	long n;
	int err = fs_lookup(path, &f);

	if (err)
		return err;
	memset(pattern_buf, 'a', size);
	n = fs_write(&f, (uint64_t)f.f.size, pattern_buf, size);
	return n < 0 ? (int)n : 0;
}

static int write_at(const char *path, uint64_t off, size_t size)
{
	struct fs_file f;
	long n;
	int err = fs_lookup(path, &f);

	if (err)
		return err;
	memset(pattern_buf, 'w', size);
	n = fs_write(&f, off, pattern_buf, size);
	return n < 0 ? (int)n : 0;
}

static int truncate_file(const char *path, uint64_t size)
{
	struct fs_file f;
	int err = fs_lookup(path, &f);

	return err ? err : fs_truncate(&f, size);
}

static int make_dir(const char *path)
{
	struct fs_file f;

	return fs_create(path, JOSFS_TYPE_DIR, &f);
}

static void run_script(void)
{
	static char names[24][32], dirs[12][32], files[12][32];
	int ro_err, i;

	done_op("mount", fs_mount(&ro_err) || ro_err);
	done_op("mkdir /d", make_dir("/d"));
	done_op("write /d/a (100 bytes)", put_file("/d/a", 100, 1));
	done_op("write /big (60 KiB: indirect block)", put_file("/big", 60 * 1024, 2));
	done_op("sync", fs_sync());
	done_op("append /d/a", append_file("/d/a", 5000));
	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "/d/f%02d", i);
		done_op(names[i], put_file(names[i], (size_t)(i * 700), (uint8_t)i));
	}
	done_op("overwrite /big with 8 KiB (frees after allocations)", put_file("/big", 8192, 3));
	done_op("write /big2 (80 KiB)", put_file("/big2", 80 * 1024, 4));
	done_op("truncate /big2 to 50000 (inside the indirect range)",
		truncate_file("/big2", 50000));
	done_op("write in place into /lorem", write_at("/lorem", 10, 300));
	done_op("rm /d/f03", fs_remove("/d/f03"));
	done_op("rm /d/f17", fs_remove("/d/f17"));
	done_op("mkdir /d/e", make_dir("/d/e"));
	done_op("write /d/e/x (5000 bytes)", put_file("/d/e/x", 5000, 5));
	done_op("truncate /big2 to 30000 (drops the indirect block)", truncate_file("/big2", 30000));
	done_op("write /big3 (200 KiB)", put_file("/big3", 200 * 1024, 6));
	done_op("rm /big", fs_remove("/big"));
	done_op("rm /d/e/x", fs_remove("/d/e/x"));
	done_op("rm /d/e", fs_remove("/d/e"));
	done_op("write /d/f05 (12 KiB, reusing freed blocks)", put_file("/d/f05", 12 * 1024, 7));
	/* More dirty directory blocks than the cache has buffers: it must sync to go on. */
	for (i = 0; i < 12; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "/m%02d", i);
		done_op(dirs[i], make_dir(dirs[i]));
		snprintf(files[i], sizeof(files[i]), "/m%02d/x", i);
		done_op(files[i], put_file(files[i], 3000, (uint8_t)i));
	}
	done_op("rm /m04/x", fs_remove("/m04/x"));
	done_op("sync (exit)", fs_sync());
}

/* ---- the checks ---- */

static const char *josfsck = "build/bin/josfsck";
static char tmp_image[] = "/tmp/test-fscrash.XXXXXX";
static char tmp_log[] = "/tmp/test-fscrash-log.XXXXXX";
static int log_fd;

/* josfsck's exit status (-1: it did not exit); its stderr in tmp_log. */
static int run_josfsck(void)
{
	pid_t pid;
	int status;

	if (ftruncate(log_fd, 0) || lseek(log_fd, 0, SEEK_SET))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(log_fd, 2);
		execl(josfsck, josfsck, tmp_image, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The first josfsck line that is not a warning about space allocated but
 * not part of a file's bytes (leaked, beyond a size, an indirect block a
 * short file does not need), or NULL.
 */
static const char *unexpected_line(void)
{
	static char line[1024];
	FILE *f = fopen(tmp_log, "r");
	const char *bad = NULL;

	if (!f)
		return "(cannot read josfsck's output)";
	while (!bad && fgets(line, sizeof(line), f))
		if (!strstr(line, ": warning: ") ||
		    (!strstr(line, "reachable from no file (leaked)") &&
		     !strstr(line, "allocated beyond its size") &&
		     !strstr(line, "has an indirect block but only")))
			bad = line;
	fclose(f);
	return bad;
}

static void show_log(void)
{
	char line[1024];
	FILE *f = fopen(tmp_log, "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f) && n++ < 10)
		printf("  | %s", line);
	if (f)
		fclose(f);
}

#define FILL	0xA5	/* free blocks at the start */

static uint32_t garbage_blocks;	/* file data blocks still all FILL */

static bool never_written(const uint8_t *blk)
{
	size_t i;

	for (i = 0; i < JOSFS_BLOCK_SIZE; i++)
		if (blk[i] != FILL)
			return false;
	return true;
}

/*
 * The metadata blocks of img (assumed sound: josfsck passed): superblock,
 * bitmap, and every directory and indirect block reached from the root.
 */
static void mark_file(const uint8_t *img, uint32_t nblocks, const struct josfs_file *f,
		      bool *meta, int depth);

static void mark_dir_block(const uint8_t *img, uint32_t nblocks, uint32_t b, bool *meta,
			   int depth)
{
	const struct josfs_file *ents = (const struct josfs_file *)(img + (size_t)b * JOSFS_BLOCK_SIZE);
	int i;

	for (i = 0; i < JOSFS_FILES_PER_BLOCK; i++)
		if (ents[i].name[0])
			mark_file(img, nblocks, &ents[i], meta, depth + 1);
}

static void mark_file(const uint8_t *img, uint32_t nblocks, const struct josfs_file *f,
		      bool *meta, int depth)
{
	uint32_t k, nb = (uint32_t)((f->size + JOSFS_BLOCK_SIZE - 1) / JOSFS_BLOCK_SIZE);
	bool dir = f->type == JOSFS_TYPE_DIR;
	const uint32_t *ind = NULL;

	if (depth > 64)
		return;
	if (f->indirect && f->indirect < nblocks) {
		meta[f->indirect] = true;
		ind = (const uint32_t *)(img + (size_t)f->indirect * JOSFS_BLOCK_SIZE);
	}
	for (k = 0; k < nb && k < JOSFS_NDIRECT + JOSFS_NINDIRECT; k++) {
		uint32_t b = k < JOSFS_NDIRECT ? f->direct[k] : ind ? ind[k - JOSFS_NDIRECT] : 0;

		if (!dir) {
			if (b && b < nblocks && never_written(img + (size_t)b * JOSFS_BLOCK_SIZE))
				garbage_blocks++;
			continue;
		}
		if (b && b < nblocks && !meta[b]) {
			meta[b] = true;
			mark_dir_block(img, nblocks, b, meta, depth);
		}
	}
}

static void metadata_of(const uint8_t *img, bool *meta)
{
	const struct josfs_super *sb = (const struct josfs_super *)(img + JOSFS_BLOCK_SIZE);
	uint32_t nblocks = sb->nblocks, b;

	memset(meta, 0, nblocks);
	meta[JOSFS_SUPER_BLOCK] = true;
	for (b = JOSFS_BITMAP_BLOCK;
	     b < JOSFS_BITMAP_BLOCK + (nblocks + JOSFS_BITS_PER_BLOCK - 1) / JOSFS_BITS_PER_BLOCK; b++)
		meta[b] = true;
	mark_file(img, nblocks, &sb->root, meta, 0);
}

/* Metadata blocks of `synced` that differ in `now`; the first in *first. */
static uint32_t metadata_changed(const uint8_t *synced, const uint8_t *now, bool *meta,
				 uint32_t *first)
{
	uint32_t nblocks = ((const struct josfs_super *)(synced + JOSFS_BLOCK_SIZE))->nblocks;
	uint32_t b, changed = 0;

	metadata_of(synced, meta);
	for (b = 0; b < nblocks; b++) {
		size_t at = (size_t)b * JOSFS_BLOCK_SIZE;

		if (meta[b] && memcmp(synced + at, now + at, JOSFS_BLOCK_SIZE)) {
			if (!changed)
				*first = b;
			changed++;
		}
	}
	return changed;
}

static void fill_free_blocks(uint8_t *img, size_t bytes)
{
	const uint8_t *bitmap = img + JOSFS_BITMAP_BLOCK * JOSFS_BLOCK_SIZE;
	uint32_t nblocks = ((const struct josfs_super *)(img + JOSFS_BLOCK_SIZE))->nblocks, b;

	for (b = 0; b < nblocks && (size_t)(b + 1) * JOSFS_BLOCK_SIZE <= bytes; b++)
		if (bitmap[b / 8] & (1u << (b % 8)))
			memset(img + (size_t)b * JOSFS_BLOCK_SIZE, FILL, JOSFS_BLOCK_SIZE);
}

static uint8_t *load(const char *path, size_t *bytes)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		return NULL;
	fclose(f);
	*bytes = (size_t)n;
	return buf;
}

int main(void)
{
	const char *src = getenv("FSIMG") ? getenv("FSIMG") : "build/guest/fs.img";
	uint8_t *orig, *replay, *synced;
	size_t bytes, k, op = 0, fsck_failed = 0, meta_failed = 0, garbage_failed = 0, syncs = 0;
	struct bc_stats st;
	bool *meta;
	int fd, rc;

	if (getenv("JOSFSCK"))
		josfsck = getenv("JOSFSCK");
	orig = load(src, &bytes);
	image = load(src, &image_bytes);
	if (!orig || !image || access(josfsck, X_OK)) {
		printf("FAIL: setup: cannot read %s or run %s; run make unit-tests first\n", src,
		       josfsck);
		return 1;
	}

	/*
	 * Free blocks hold garbage on a used disk, not mkjosfs's zeros: a
	 * pointer written before the block it points to must show.
	 */
	fill_free_blocks(orig, bytes);
	memcpy(image, orig, bytes);

	run_script();
	bc_get_stats(&st);
	printf("script: %zu operations, %zu requests, %llu syncs (%llu forced by a full cache of %d), %llu data blocks evicted\n",
	       nops, nreqs, (unsigned long long)st.syncs, (unsigned long long)st.full_syncs,
	       BC_NBUF, (unsigned long long)st.data_writebacks);
	CHECK(st.full_syncs > 0 && st.data_writebacks > 0,
	      "the script made the cache evict data blocks and sync when full of metadata");

	/* The result, as the guest sees it, and as written. */
	{
		struct fs_file f;

		CHECK(!fs_lookup("/d/f05", &f) && f.f.size == 12 * 1024 &&
		      fs_lookup("/d/f03", &f) == -JOS_E_NOT_FOUND &&
		      fs_lookup("/big", &f) == -JOS_E_NOT_FOUND &&
		      fs_lookup("/d/e", &f) == -JOS_E_NOT_FOUND &&
		      !fs_lookup("/big2", &f) && f.f.size == 30000 &&
		      !fs_lookup("/big3", &f) && f.f.size == 200 * 1024 &&
		      !fs_lookup("/d/a", &f) && f.f.size == 5100 &&
		      !fs_lookup("/m11/x", &f) && f.f.size == 3000 &&
		      fs_lookup("/m04/x", &f) == -JOS_E_NOT_FOUND,
		      "the script's files are there with their sizes, the removed ones gone");
	}

	/* Replay onto the original, one request at a time. */
	replay = malloc(bytes);
	synced = malloc(bytes);
	meta = malloc(bytes / JOSFS_BLOCK_SIZE + 1);
	fd = mkstemp(tmp_image);
	log_fd = mkstemp(tmp_log);
	if (!replay || !synced || !meta || fd < 0 || log_fd < 0 ||
	    write(fd, orig, bytes) != (ssize_t)bytes) {
		printf("FAIL: setup: temporary image\n");
		return 1;
	}
	memcpy(replay, orig, bytes);
	memcpy(synced, orig, bytes);
	for (k = 0; k <= nreqs; k++) {
		/* The image now holds requests 0..k-1: jlaunch killed after k requests. */
		const char *bad;

		rc = run_josfsck();
		bad = rc ? "" : unexpected_line();
		if (bad && fsck_failed++ < 5) {
			printf("FAIL: killed after request %zu of %zu (during '%s'): josfsck exit %d%s%s",
			       k, nreqs, op < nops ? op_name[op] : "?", rc,
			       *bad ? ", unexpected: " : ":\n", bad);
			show_log();
		}
		garbage_blocks = 0;
		if (!rc)
			metadata_of(replay, meta);
		if (garbage_blocks && garbage_failed++ < 5)
			printf("FAIL: killed after request %zu of %zu (during '%s'): %u file blocks point to blocks never written\n",
			       k, nreqs, op < nops ? op_name[op] : "?", garbage_blocks);
		while (op < nops && checkpoint[op] == k) {
			uint32_t first = 0, n = metadata_changed(synced, replay, meta, &first);

			if (n && meta_failed++ < 5)
				printf("FAIL: after '%s' (request %zu): %u metadata blocks differ from the last sync, first block %u\n",
				       op_name[op], k, n, first);
			op++;
		}
		if (k == nreqs)
			break;
		if (!reqs[k].len) {
			memcpy(synced, replay, bytes);
			syncs++;
			continue;
		}
		memcpy(replay + reqs[k].off, reqs[k].data, reqs[k].len);
		if (pwrite(fd, reqs[k].data, reqs[k].len, reqs[k].off) != (ssize_t)reqs[k].len) {
			printf("FAIL: setup: pwrite: %s\n", strerror(errno));
			return 1;
		}
	}
	close(fd);
	close(log_fd);
	unlink(tmp_image);
	unlink(tmp_log);
	CHECK(!fsck_failed, "josfsck exits 0, warning only of leaked blocks or blocks beyond a size, on the image left by a kill after each of the %zu requests (%zu flushes)",
	      nreqs, syncs);
	CHECK(!garbage_failed, "no file points to a block that was never written, after any request");
	CHECK(!meta_failed, "between operations, the superblock, bitmap, directory and indirect blocks are those of the last sync (%zu points)",
	      nops);
	CHECK(!memcmp(replay, image, bytes), "the replayed requests give the guest's final image");
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
