// SPDX-License-Identifier: GPL-2.0
/*
 * josfsck - check a JOS file-system image, list it, or extract a file.
 * See Documentation/josfs.md for what is checked and why.
 *
 * The image is untrusted: every number read from it is checked before it is
 * used, each block is claimed by at most one file, and a directory is read
 * only through blocks it claimed itself.  So every block is parsed as a
 * directory at most once and the walk ends on any input, including the
 * course images whose directories point back at the root.  Paths are
 * limited to JOS's 1023 bytes, which also bounds the recursion depth.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "josfs_image.h"

#define OWNER_NONE	0u	/* owner[] value of a block no file claimed */
#define OWNER_RESERVED	1u	/* boot block, superblock, bitmap */
#define OWNER_FIRST	2u	/* first index into ck.paths */
#define MAX_LISTED_LEAKS 8	/* leaked block numbers named in the warning */

static const char *prog = "josfsck";

struct record {			/* one reachable file or directory */
	char *path;		/* display path (odd bytes escaped) */
	int is_dir;
};

struct ck {
	const char *image;
	struct josfs_image img;
	uint32_t nblocks;	/* from the superblock */
	uint32_t bound;		/* valid block numbers: below min(nblocks, file size) */
	uint32_t nbitmap;	/* bitmap blocks */
	uint32_t *owner;	/* per block below bound: OWNER_* or a record index */
	struct record *rec;
	uint32_t nrec, caprec;
	unsigned errors, warnings, files, dirs, used;
	int quiet, list;
	const char *want;	/* --extract: the normalized path looked for */
	const struct josfs_file *found;
	int found_dir;
};

static void problem(struct ck *c, int warn, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line per problem: "josfsck: IMAGE: WHERE: [warning: ]WHAT". */
static void problem(struct ck *c, int warn, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (warn)
		c->warnings++;
	else
		c->errors++;
	if (warn && c->quiet)
		return;
	fprintf(stderr, "%s: %s: %s: %s", prog, c->image, where, warn ? "warning: " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(2);
	}
	return p;
}

static uint32_t add_record(struct ck *c, char *path, int is_dir)
{
	if (c->nrec == c->caprec) {
		c->caprec = c->caprec ? 2 * c->caprec : 64;
		c->rec = realloc(c->rec, c->caprec * sizeof(*c->rec));
		if (!c->rec) {
			fprintf(stderr, "%s: out of memory\n", prog);
			exit(2);
		}
	}
	c->rec[c->nrec] = (struct record){ path, is_dir };
	return OWNER_FIRST + c->nrec++;
}

/* PARENT/NAME for display: bytes that are not printable, and '/', escaped
 * as \xNN so a bad name cannot fake a path or garble the terminal. */
static char *child_path(const char *parent, const char *name, size_t len)
{
	char *p = xcalloc(strlen(parent) + 4 * len + 2, 1);
	char *o = p + sprintf(p, "%s%s", parent, strcmp(parent, "/") ? "/" : "");

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '/' || ch == '\\')
			o += sprintf(o, "\\x%02x", ch);
		else
			*o++ = (char)ch;
	}
	return p;
}

/* Is record OWNER a directory containing PATH, directly or not? */
static int is_ancestor(const struct record *owner, const char *path)
{
	size_t n = strlen(owner->path);

	if (!owner->is_dir)
		return 0;
	if (strcmp(owner->path, "/") == 0)
		return strcmp(path, "/") != 0;
	return strncmp(owner->path, path, n) == 0 && path[n] == '/';
}

/*
 * Claim block N for record ME (WHAT names the block in messages).  Returns
 * 1 if the block is now ME's alone, so its contents may be read as ME's;
 * 0 after reporting why not.  CYCLE is set when a directory's block is one
 * of its own ancestors' blocks.
 */
static int claim(struct ck *c, uint32_t me, uint32_t n, const char *what, int *cycle)
{
	const char *path = c->rec[me - OWNER_FIRST].path;
	uint32_t prev;

	if (n >= c->bound) {
		problem(c, 0, path, "%s is disk block %u, out of range (%s has %u blocks)", what, n,
			n < c->nblocks ? "the image file" : "the file system", c->bound);
		return 0;
	}
	prev = c->owner[n];
	if (prev == OWNER_RESERVED) {
		problem(c, 0, path, "%s is disk block %u, a reserved block (%s)", what, n,
			n == 0 ? "boot" : n == JOSFS_SUPER_BLOCK ? "superblock" : "free bitmap");
		return 0;
	}
	if (prev == me) {
		problem(c, 0, path, "%s is disk block %u, which this file already uses", what, n);
		return 0;
	}
	if (prev != OWNER_NONE) {
		const struct record *r = &c->rec[prev - OWNER_FIRST];

		if (c->rec[me - OWNER_FIRST].is_dir && is_ancestor(r, path)) {
			problem(c, 0, path, "directory cycle: %s is disk block %u, a block of %s, which contains it; not descended",
				what, n, r->path);
			*cycle = 1;
		} else {
			problem(c, 0, path, "%s is disk block %u, also used by %s", what, n, r->path);
		}
		return 0;
	}
	c->owner[n] = me;
	c->used++;
	if (josfs_image_block_free(&c->img, n))
		problem(c, 0, path, "%s is disk block %u, in use but marked free in the bitmap", what, n);
	return 1;
}

static void walk_dir(struct ck *c, uint32_t me, const struct josfs_file *d, const uint8_t *ok,
		     uint32_t nblk, size_t depth_len);

/*
 * Check file or directory F (record ME, raw path length PATH_LEN) and, for
 * a directory, what it contains.
 */
static void check_file(struct ck *c, uint32_t me, const struct josfs_file *f, size_t path_len)
{
	const char *path = c->rec[me - OWNER_FIRST].path;
	int is_dir = f->type == JOSFS_TYPE_DIR, cycle = 0, size_ok = 1;
	uint32_t nblk = 0, holes = 0, beyond = 0;
	uint8_t ok[JOSFS_NDIRECT + JOSFS_NINDIRECT] = { 0 };
	char what[64];

	if (f->type != JOSFS_TYPE_FILE && f->type != JOSFS_TYPE_DIR)
		problem(c, 0, path, "unknown type %u (0 file, 1 directory); checked as a file", f->type);
	if (f->size < 0 || (int64_t)f->size > JOSFS_MAX_FILE_SIZE) {
		if (f->size < 0)
			problem(c, 0, path, "size %d is negative", f->size);
		else
			problem(c, 0, path, "size %d is over JOS's largest file, %d bytes", f->size,
				JOSFS_MAX_FILE_SIZE);
		size_ok = 0;
	} else {
		nblk = josfs_size_blocks((uint64_t)f->size);
		if (is_dir && f->size % JOSFS_BLOCK_SIZE)
			problem(c, 0, path, "directory size %d is not a multiple of %d", f->size,
				JOSFS_BLOCK_SIZE);
	}
	if (is_dir)
		c->dirs++;
	else
		c->files++;
	if (c->list)
		printf("%c %10d %s\n", is_dir ? 'd' : f->type == JOSFS_TYPE_FILE ? '-' : '?',
		       f->size, path);
	if (c->want && strcmp(c->want, path) == 0) {
		c->found = f;
		c->found_dir = is_dir;
	}

	/* Every non-zero pointer is claimed, inside the size or not, so that
	 * the bitmap comparison below sees all the blocks JOS would free. */
	for (uint32_t k = 0; k < JOSFS_NDIRECT; k++) {
		if (f->direct[k] == 0) {
			holes += k < nblk;
			continue;
		}
		beyond += size_ok && k >= nblk;
		snprintf(what, sizeof(what), "file block %u", k);
		ok[k] = claim(c, me, f->direct[k], what, &cycle);
	}
	if (f->indirect && claim(c, me, f->indirect, "indirect block", &cycle)) {
		for (uint32_t k = JOSFS_NDIRECT; k < JOSFS_NDIRECT + JOSFS_NINDIRECT; k++) {
			uint32_t n = josfs_file_block(&c->img, f, k);

			if (n == 0) {
				holes += k < nblk;
				continue;
			}
			beyond += size_ok && k >= nblk;
			snprintf(what, sizeof(what), "file block %u", k);
			ok[k] = claim(c, me, n, what, &cycle);
		}
	} else if (f->indirect == 0 && nblk > JOSFS_NDIRECT) {
		holes += nblk - JOSFS_NDIRECT;
	}
	if (holes)
		problem(c, 1, path, "holes (block number 0) in %u of its %u blocks; JOS reads them as zeros",
			holes, nblk);
	if (beyond)
		problem(c, 1, path, "%u block%s allocated beyond its size %d", beyond,
			beyond == 1 ? "" : "s", f->size);
	if (f->indirect && size_ok && nblk <= JOSFS_NDIRECT)
		problem(c, 1, path, "has an indirect block but only %u blocks of data", nblk);
	if (is_dir && !cycle && size_ok)
		walk_dir(c, me, f, ok, nblk, path_len);
}

struct entry {			/* one used slot of a directory */
	const struct josfs_file *f;
	uint32_t index;		/* slot number, for on-disk order */
	int dup;
};

static int by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	/* Bounded: an unterminated name must not run on into the next entries. */
	int r = strncmp(x->f->name, y->f->name, JOSFS_MAX_NAME);

	return r ? r : (x->index > y->index) - (x->index < y->index);
}

static int by_index(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/*
 * The entries of directory D (record ME): only its first NBLK blocks (what
 * JOS reads), and of those only the blocks OK says it claimed cleanly.
 */
static void walk_dir(struct ck *c, uint32_t me, const struct josfs_file *d, const uint8_t *ok,
		     uint32_t nblk, size_t path_len)
{
	const char *path = c->rec[me - OWNER_FIRST].path;
	struct entry *e = xcalloc((size_t)nblk * JOSFS_FILES_PER_BLOCK, sizeof(*e));
	uint32_t n = 0;

	for (uint32_t k = 0; k < nblk; k++) {
		const uint8_t *b;

		if (!ok[k])
			continue;
		b = josfs_image_block(&c->img, josfs_file_block(&c->img, d, k));
		for (uint32_t i = 0; i < JOSFS_FILES_PER_BLOCK; i++) {
			const struct josfs_file *f = (const void *)(b + i * JOSFS_FILE_SIZE);

			if (f->name[0] == '\0')
				continue;	/* a free slot */
			e[n++] = (struct entry){ f, k * JOSFS_FILES_PER_BLOCK + i, 0 };
		}
	}
	/* Duplicates: sorted by name, every entry after the first of a name is
	 * one JOS never finds.  Unterminated names are reported below instead. */
	qsort(e, n, sizeof(*e), by_name);
	for (uint32_t i = 1; i < n; i++)
		if (josfs_name_len(e[i].f) >= 0 && josfs_name_len(e[i - 1].f) >= 0 &&
		    strcmp(e[i].f->name, e[i - 1].f->name) == 0)
			e[i].dup = 1;
	qsort(e, n, sizeof(*e), by_index);

	for (uint32_t i = 0; i < n; i++) {
		const struct josfs_file *f = e[i].f;
		int len = josfs_name_len(f);
		size_t raw = len < 0 ? JOSFS_MAX_NAME : (size_t)len;
		char *child = child_path(path, f->name, raw);
		uint32_t rec = add_record(c, child, f->type == JOSFS_TYPE_DIR);
		size_t child_len = path_len + (path_len > 1) + raw;

		if (len < 0)
			problem(c, 0, child, "name is not NUL-terminated within %d bytes", JOSFS_MAX_NAME);
		else if (memchr(f->name, '/', (size_t)len))
			problem(c, 0, child, "name contains '/'");
		if (e[i].dup)
			problem(c, 0, child, "duplicate name in %s; JOS only finds the first", path);
		if (child_len >= JOSFS_MAX_PATH) {
			problem(c, 0, child, "path is over %d bytes, longer than JOS allows; not checked",
				JOSFS_MAX_PATH - 1);
			continue;
		}
		check_file(c, rec, f, child_len);
	}
	free(e);
}

/* After the walk: reserved blocks must be in use, and in-use blocks that no
 * file reaches are leaks (a warning: JOS still works, the space is lost). */
static void check_bitmap(struct ck *c)
{
	uint32_t leaks = 0;
	char list[MAX_LISTED_LEAKS * 12 + 8] = "";
	size_t len = 0;

	for (uint32_t n = 0; n < c->bound; n++) {
		int is_free = josfs_image_block_free(&c->img, n);

		if (c->owner[n] == OWNER_RESERVED && is_free) {
			problem(c, 0, "bitmap", "reserved block %u (%s) is marked free", n,
				n == 0 ? "boot" : n == JOSFS_SUPER_BLOCK ? "superblock" : "free bitmap");
		} else if (c->owner[n] == OWNER_NONE && !is_free) {
			if (leaks++ < MAX_LISTED_LEAKS)
				len += sprintf(list + len, " %u", n);
		}
	}
	if (leaks > MAX_LISTED_LEAKS)
		sprintf(list + len, " ...");
	if (leaks)
		problem(c, 1, "bitmap", "%u block%s marked in use but reachable from no file (leaked):%s",
			leaks, leaks == 1 ? "" : "s", list);
}

/* The superblock and the sizes everything else depends on.  0 if usable. */
static int check_super(struct ck *c)
{
	const struct josfs_super *s = josfs_image_super(&c->img);

	if (s->magic != JOSFS_MAGIC) {
		problem(c, 0, "superblock", "bad magic 0x%08x (want 0x%08x); not a JOS file-system image",
			s->magic, JOSFS_MAGIC);
		return -1;
	}
	c->nblocks = s->nblocks;
	c->nbitmap = josfs_bitmap_blocks(c->nblocks);
	if (c->nblocks < JOSFS_MIN_BLOCKS || c->nblocks < JOSFS_BITMAP_BLOCK + c->nbitmap) {
		problem(c, 0, "superblock", "nblocks %u is too small for the boot block, superblock and bitmap",
			c->nblocks);
		return -1;
	}
	c->bound = c->nblocks;
	if (c->nblocks > c->img.file_blocks) {
		problem(c, 0, "superblock", "nblocks %u, but the image file has only %u blocks; truncated?",
			c->nblocks, c->img.file_blocks);
		c->bound = c->img.file_blocks;
		if (c->bound < JOSFS_BITMAP_BLOCK + c->nbitmap)
			return -1;	/* not even the bitmap is there */
	} else if (c->nblocks < c->img.file_blocks) {
		problem(c, 1, "superblock", "nblocks %u, the image file has %u blocks; the rest is unused",
			c->nblocks, c->img.file_blocks);
	}
	if (s->root.type != JOSFS_TYPE_DIR) {
		problem(c, 0, "/", "the root is not a directory (type %u)", s->root.type);
		return -1;
	}
	if (strncmp(s->root.name, "/", sizeof(s->root.name)) != 0)
		problem(c, 1, "/", "the root's name is not \"/\"");
	return 0;
}

/* "a//b/" and "/a/b" are both "/a/b", the form the walk builds. */
static char *normalize(const char *p)
{
	char *out = xcalloc(strlen(p) + 2, 1), *o = out;

	*o++ = '/';
	for (; *p; p++)
		if (*p != '/' || (o[-1] != '/'))
			*o++ = *p;
	if (o > out + 1 && o[-1] == '/')
		o--;
	*o = '\0';
	return out;
}

/* Write the found file's SIZE bytes to OUT ("-": stdout).  0, or -1 after
 * reporting an I/O error. */
static int extract(struct ck *c, const char *out)
{
	const struct josfs_file *f = c->found;
	FILE *fp = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
	static const uint8_t zero[JOSFS_BLOCK_SIZE];

	if (!fp) {
		fprintf(stderr, "%s: %s: cannot create: %s; check the path\n", prog, out, strerror(errno));
		return -1;
	}
	for (uint32_t k = 0; (int64_t)k * JOSFS_BLOCK_SIZE < f->size; k++) {
		uint32_t n = josfs_file_block(&c->img, f, k);
		const uint8_t *b = n && n < c->bound ? josfs_image_block(&c->img, n) : NULL;
		size_t len = f->size - (int64_t)k * JOSFS_BLOCK_SIZE;

		if (len > JOSFS_BLOCK_SIZE)
			len = JOSFS_BLOCK_SIZE;
		fwrite(b ? b : zero, 1, len, fp);	/* holes read as zeros, as in JOS */
	}
	if (fflush(fp) != 0 || ferror(fp) || (fp != stdout && fclose(fp) != 0)) {
		fprintf(stderr, "%s: %s: write failed: %s\n", prog, out, strerror(errno));
		return -1;
	}
	return 0;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: josfsck [-q] IMAGE\n"
		"       josfsck -l|--list [-q] IMAGE\n"
		"       josfsck -x|--extract PATH -o OUT [-q] IMAGE\n"
		"\n"
		"Check a JOS file-system image: superblock, block numbers, free bitmap,\n"
		"directories (names, duplicates, cycles) and sizes.  Problems go to stderr,\n"
		"one line each: \"josfsck: IMAGE: PATH: problem\"; then a summary on stdout.\n"
		"\n"
		"  -l, --list          also print every file: type (d or -), size, path\n"
		"  -x, --extract PATH  write regular file PATH's contents to OUT\n"
		"  -o, --output OUT    where --extract writes; - for stdout\n"
		"  -q, --quiet         only errors: no warnings, no summary\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit: 0 no errors (warnings allowed), 1 errors found (or PATH is not a\n"
		"regular file in the image), 2 usage or I/O error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "extract", required_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ck c = { 0 };
	const char *xpath = NULL, *out = NULL;
	char err[256];
	bool io_error;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "lx:o:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': c.list = 1; break;
		case 'x': xpath = optarg; break;
		case 'o': out = optarg; break;
		case 'q': c.quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || (xpath && !out) || (out && !xpath) || (xpath && c.list)) {
		fprintf(stderr, "%s: %s; see josfsck --help\n", prog,
			optind != argc - 1 ? "give exactly one IMAGE" :
			c.list && xpath ? "--list and --extract do not mix" :
			"--extract PATH and -o OUT go together");
		return 2;
	}
	c.image = argv[optind];
	if (josfs_image_open(c.image, &c.img, err, sizeof(err), &io_error) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, c.image, err);
		return io_error ? 2 : 1;
	}
	if (check_super(&c) < 0) {
		josfs_image_close(&c.img);
		return 1;
	}
	c.owner = xcalloc(c.bound, sizeof(*c.owner));
	for (uint32_t n = 0; n < JOSFS_BITMAP_BLOCK + c.nbitmap; n++)
		c.owner[n] = OWNER_RESERVED;
	c.used = JOSFS_BITMAP_BLOCK + c.nbitmap;
	if (xpath)
		c.want = normalize(xpath);

	{
		char *root = xcalloc(2, 1);

		root[0] = '/';
		check_file(&c, add_record(&c, root, 1), &josfs_image_super(&c.img)->root, 1);
	}
	check_bitmap(&c);

	rc = c.errors ? 1 : 0;
	if (xpath) {
		if (!c.found || c.found_dir) {
			fprintf(stderr, "%s: %s: %s: %s; see josfsck --list\n", prog, c.image, c.want,
				c.found ? "is a directory, not a file" : "no such file in the image");
			rc = 1;
		} else if (c.found->size < 0 || c.found->size > JOSFS_MAX_FILE_SIZE) {
			fprintf(stderr, "%s: %s: %s: size %d is invalid; not extracted\n", prog, c.image,
				c.want, c.found->size);
			rc = 1;
		} else if (extract(&c, out) < 0) {
			rc = 2;
		}
	} else if (!c.quiet) {
		uint32_t nfree = 0;

		for (uint32_t n = 0; n < c.bound; n++)
			nfree += josfs_image_block_free(&c.img, n);
		printf("%s: %u files, %u directories, %u blocks used of %u, %u free\n", c.image,
		       c.files, c.dirs, c.used, c.nblocks, nfree);
	}
	for (uint32_t i = 0; i < c.nrec; i++)
		free(c.rec[i].path);
	free(c.rec);
	free(c.owner);
	free((void *)c.want);
	josfs_image_close(&c.img);
	return rc;
}
