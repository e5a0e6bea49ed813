// SPDX-License-Identifier: GPL-2.0
/*
 * mkjosfs - build a JOS file-system image from a directory tree.
 * See Documentation/josfs.md.
 *
 * Three passes: scan the tree (lstat, names sorted bytewise so the image
 * does not depend on readdir order or the locale), lay it out (block
 * numbers handed out in pre-order: a directory's blocks, then each entry's
 * in name order), then fill a buffer and write it to a temporary file that
 * is renamed over IMAGE.  Nothing in the format records times or owners, so
 * the same tree always gives the same bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "josfs_image.h"

#define DEFAULT_SIZE	(4u << 20)	/* like the course's images */

struct node {
	char *name;		/* name in its directory ("/" for the root) */
	char *host;		/* path on the host, for messages and reading */
	int is_dir;
	uint64_t size;		/* bytes; a directory's whole blocks */
	struct node **kids;	/* a directory's entries, sorted by name */
	size_t nkids;
	uint32_t nblk;		/* data blocks */
	uint32_t first;		/* the first of them (they are consecutive) */
	uint32_t indirect;	/* 0: none */
};

static const char *prog = "mkjosfs";
static int quiet;

static void fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* "mkjosfs: WHAT: problem; what to do", then exit 1. */
static void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		fail("memory", "out of memory; give a smaller tree");
	return p;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct node *const *)a)->name, (*(struct node *const *)b)->name);
}

/*
 * Scan HOST (JOS path length JOS_LEN so far) into a node.  Regular files
 * and directories only: JOS has no links or devices, and failing beats an
 * image that silently lacks something the tree seemed to hold.
 */
static struct node *scan(const char *host, const char *name, size_t jos_len, int top)
{
	struct node *n = xmalloc(sizeof(*n));
	struct stat st;
	size_t cap = 0;
	DIR *d;
	struct dirent *de;

	n->name = strdup(name);
	n->host = strdup(host);
	if (!n->name || !n->host)
		fail("memory", "out of memory; give a smaller tree");
	if ((top ? stat(host, &st) : lstat(host, &st)) < 0)
		fail(host, "cannot stat: %s", strerror(errno));
	if (S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size > JOSFS_MAX_FILE_SIZE)
			fail(host, "%lld bytes, JOS files hold at most %d; split or shrink it",
			     (long long)st.st_size, JOSFS_MAX_FILE_SIZE);
		n->size = (uint64_t)st.st_size;
		n->nblk = josfs_size_blocks(n->size);
		return n;
	}
	if (!S_ISDIR(st.st_mode))
		fail(host, "%s; JOS has only files and directories: remove it or replace it with a copy",
		     S_ISLNK(st.st_mode) ? "is a symbolic link" : "is not a regular file or directory");
	n->is_dir = 1;
	d = opendir(host);
	if (!d)
		fail(host, "cannot read directory: %s", strerror(errno));
	while ((errno = 0, de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), kid_len;
		char *kid_host;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&kid_host, "%s/%s", host, de->d_name) < 0)
			fail("memory", "out of memory; give a smaller tree");
		if (len >= JOSFS_MAX_NAME)
			fail(kid_host, "name is %zu bytes, JOS allows %d; rename it", len, JOSFS_MAX_NAME - 1);
		/* The JOS path: "/" for the root's entries, else parent + "/". */
		kid_len = jos_len + (jos_len > 1) + len;
		if (kid_len >= JOSFS_MAX_PATH)
			fail(kid_host, "path in the image would be %zu bytes, JOS allows %d; flatten the tree",
			     kid_len, JOSFS_MAX_PATH - 1);
		if (n->nkids == cap) {
			cap = cap ? 2 * cap : 16;
			n->kids = realloc(n->kids, cap * sizeof(*n->kids));
			if (!n->kids)
				fail("memory", "out of memory; give a smaller tree");
		}
		n->kids[n->nkids++] = scan(kid_host, de->d_name, kid_len, 0);
		free(kid_host);
	}
	if (errno)
		fail(host, "cannot read directory: %s", strerror(errno));
	closedir(d);
	if (n->nkids)
		qsort(n->kids, n->nkids, sizeof(*n->kids), by_name);
	n->nblk = (uint32_t)((n->nkids + JOSFS_FILES_PER_BLOCK - 1) / JOSFS_FILES_PER_BLOCK);
	n->size = (uint64_t)n->nblk * JOSFS_BLOCK_SIZE;
	if (n->size > JOSFS_MAX_FILE_SIZE)
		fail(host, "%zu entries, a JOS directory holds at most %d; split it", n->nkids,
		     JOSFS_MAX_FILE_SIZE / JOSFS_FILE_SIZE);
	return n;
}

/* Hand out block numbers in pre-order from *NEXT; count files/dirs. */
static void layout(struct node *n, uint64_t *next, unsigned *files, unsigned *dirs)
{
	n->first = (uint32_t)*next;
	*next += n->nblk;
	if (n->nblk > JOSFS_NDIRECT)
		n->indirect = (uint32_t)(*next)++;
	if (!n->is_dir) {
		++*files;
		return;
	}
	++*dirs;
	for (size_t i = 0; i < n->nkids; i++)
		layout(n->kids[i], next, files, dirs);
}

/* Blocks N and its subtree use, to check the size before any layout. */
static uint64_t blocks_needed(const struct node *n)
{
	uint64_t b = n->nblk + (n->nblk > JOSFS_NDIRECT);

	for (size_t i = 0; i < n->nkids; i++)
		b += blocks_needed(n->kids[i]);
	return b;
}

static void free_tree(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		free_tree(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->host);
	free(n);
}

/* Fill struct File F for node N and N's indirect block in IMG. */
static void fill_entry(uint8_t *img, struct josfs_file *f, const struct node *n)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->name, n->name, strlen(n->name));	/* < 128 bytes: checked by scan() */
	f->size = (int32_t)n->size;
	f->type = n->is_dir ? JOSFS_TYPE_DIR : JOSFS_TYPE_FILE;
	for (uint32_t k = 0; k < n->nblk; k++) {
		uint32_t b = n->first + k;

		if (k < JOSFS_NDIRECT)
			f->direct[k] = b;
		else
			memcpy(img + (size_t)n->indirect * JOSFS_BLOCK_SIZE + 4 * (k - JOSFS_NDIRECT),
			       &b, sizeof(b));
	}
	f->indirect = n->indirect;
}

/* Copy N's contents (a file's bytes, a directory's entries) into IMG. */
static void fill_data(uint8_t *img, const struct node *n)
{
	uint8_t *data = img + (size_t)n->first * JOSFS_BLOCK_SIZE;

	if (n->is_dir) {
		for (size_t i = 0; i < n->nkids; i++) {
			fill_entry(img, (struct josfs_file *)(data + i * JOSFS_FILE_SIZE), n->kids[i]);
			fill_data(img, n->kids[i]);
		}
		return;
	}
	int fd = open(n->host, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r;
	char extra;

	if (fd < 0)
		fail(n->host, "cannot open: %s", strerror(errno));
	while (got < n->size && (r = read(fd, data + got, n->size - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail(n->host, "cannot read: %s", strerror(errno));
		got += (size_t)r;
	}
	/* The size was fixed by the scan: a file that changed since would
	 * give an image that is neither the old tree nor the new one. */
	if (got != n->size || read(fd, &extra, 1) != 0)
		fail(n->host, "changed while the image was being built; run again");
	close(fd);
}

/* Parse SIZE: bytes, or with a K, M or G suffix (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v > (JOSFS_MAX_DISK_BYTES >> shift))
		return v > (JOSFS_MAX_DISK_BYTES >> shift) && *end == '\0' ? -2 : -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Write the first USED blocks of IMG to IMAGE, NBLOCKS blocks long (the
 * rest a hole: zeros), via a temporary file renamed over IMAGE so that a
 * reader never sees half an image. */
static void write_image(const char *image, const uint8_t *img, uint64_t used, uint32_t nblocks)
{
	char *tmp;
	int fd;
	mode_t mask = umask(0);
	size_t len = (size_t)used * JOSFS_BLOCK_SIZE, off = 0;

	umask(mask);
	if (asprintf(&tmp, "%s.XXXXXX", image) < 0)
		fail("memory", "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0)
		fail(image, "cannot create a temporary file next to it: %s; check the directory", strerror(errno));
	if (fchmod(fd, 0666 & ~mask) < 0 ||
	    ftruncate(fd, (off_t)nblocks * JOSFS_BLOCK_SIZE) < 0)
		goto io;
	while (off < len) {
		ssize_t w = pwrite(fd, img + off, len - off, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto io;
		off += (size_t)w;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto io;
	}
	if (rename(tmp, image) < 0)
		goto io_closed;
	free(tmp);
	return;
io:
	if (fd >= 0)
		close(fd);
io_closed:
	{
		int e = errno;

		unlink(tmp);
		fail(image, "cannot write: %s; check the disk space and directory", strerror(e));
	}
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: mkjosfs [-s|--size SIZE] [-q] IMAGE DIR\n"
		"\n"
		"Build the JOS file-system image IMAGE from the tree DIR: its regular files\n"
		"and directories (symbolic links, devices, fifos and sockets are errors).\n"
		"Entries are stored sorted by name, so the same tree gives the same bytes.\n"
		"IMAGE is replaced atomically.\n"
		"\n"
		"  -s, --size SIZE   image size in bytes, or with a K, M or G suffix; a\n"
		"                    multiple of 4096, at least 12K, at most 3G (default 4M)\n"
		"  -q, --quiet       no summary line\n"
		"  -h, --help        this text\n"
		"\n"
		"Exit: 0 image written, 1 failure (nothing written), 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t bytes = DEFAULT_SIZE, need, next;
	uint32_t nblocks, nbitmap;
	unsigned files = 0, dirs = 0;
	struct node *root;
	struct josfs_super *super;
	uint8_t *img;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "s:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			r = parse_size(optarg, &bytes);
			if (r == 0 && (bytes % JOSFS_BLOCK_SIZE || bytes < JOSFS_MIN_BLOCKS * JOSFS_BLOCK_SIZE))
				r = -3;
			if (r < 0) {
				fprintf(stderr, "%s: --size %s: %s; e.g. --size 4M\n", prog, optarg,
					r == -2 ? "over JOS's 3 GiB disk limit" :
					r == -3 ? "not a multiple of 4096 bytes of at least 12K" :
					"not a size");
				return 2;
			}
			break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "%s: give IMAGE and DIR; see mkjosfs --help\n", prog);
		return 2;
	}
	nblocks = (uint32_t)(bytes / JOSFS_BLOCK_SIZE);
	nbitmap = josfs_bitmap_blocks(nblocks);

	root = scan(argv[optind + 1], "/", 1, 1);
	if (!root->is_dir)
		fail(argv[optind + 1], "not a directory; give the directory to copy into the image");
	need = JOSFS_BITMAP_BLOCK + nbitmap + blocks_needed(root);
	if (need > nblocks)
		fail(argv[optind + 1], "needs %llu blocks, image has %u; use --size %lluK or more",
		     (unsigned long long)need, nblocks,
		     (unsigned long long)need * JOSFS_BLOCK_SIZE / 1024);

	next = JOSFS_BITMAP_BLOCK + nbitmap;
	layout(root, &next, &files, &dirs);
	img = xmalloc((size_t)next * JOSFS_BLOCK_SIZE);
	super = (struct josfs_super *)(img + JOSFS_SUPER_BLOCK * JOSFS_BLOCK_SIZE);
	super->magic = JOSFS_MAGIC;
	super->nblocks = nblocks;
	fill_entry(img, &super->root, root);
	fill_data(img, root);

	/* Bitmap: like the course's fsformat, all ones (free), bits past the
	 * end included, then blocks 0..next-1 (all that is used) cleared. */
	memset(img + JOSFS_BITMAP_BLOCK * JOSFS_BLOCK_SIZE, 0xff, (size_t)nbitmap * JOSFS_BLOCK_SIZE);
	for (uint32_t b = 0; b < next; b++) {
		uint8_t *w = img + JOSFS_BITMAP_BLOCK * JOSFS_BLOCK_SIZE + (b / 32) * 4;
		uint32_t word;

		memcpy(&word, w, sizeof(word));
		word &= ~(1u << (b % 32));
		memcpy(w, &word, sizeof(word));
	}

	write_image(argv[optind], img, next, nblocks);
	if (!quiet)
		printf("%s: %u files, %u directories, %llu blocks used of %u, %llu free\n",
		       argv[optind], files, dirs, (unsigned long long)next, nblocks,
		       (unsigned long long)(nblocks - next));
	free(img);
	free_tree(root);
	return 0;
}
