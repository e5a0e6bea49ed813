// SPDX-License-Identifier: GPL-2.0
/*
 * fileserver.c - the JOS file-server protocol, host side.
 *
 * The guest's file server sends a request page with IPCSEND (request
 * number in RCX, the page's gpa in RDX) and takes the reply with IPCRECV.
 * In the course the page was shared with the host's own file server; we
 * have guest RAM mapped, so we answer in place: at IPCSEND we decode the
 * request, do it, and write READ and STAT results over the request page;
 * IPCRECV then hands back the value (RSI) and, for OPEN only, writes the
 * struct Fd into the page its RBX names.  For READ and WRITE that RBX is
 * the guest's own read-only envs page, which must never be written.
 *
 * The file is the disk, seen as one file: OPEN of /vmm/fsN.img; READ and
 * WRITE at the offset the guest keeps in its Fd page, which we read at
 * every request and advance after it (the guest sets it itself before a
 * run of requests).  Every gpa, length and offset is checked; a bad one
 * gets its JOS error and the guest carries on.
 */
#include "fileserver.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "disk.h"
#include "hypercall.h"
#include "josfs.h"

#define PAGE_SIZE		4096
#define PTE_P			0x1	/* IPC permission: a page is passed */
#define FILE_ID			0x4A564D	/* any non-zero id; the disk is the only file */
#define DEV_NAME_LEN		32

struct reply {
	bool pending;
	int64_t value;		/* for the guest's RSI */
	bool write_fd;		/* OPEN: a struct Fd goes to the IPCRECV page */
	int32_t omode;
};

static struct reply reply;
static uint64_t fd_page_gpa;	/* where the guest keeps the Fd; 0 = not opened */
static uint64_t requests[FSREQ_SYNC + 2];	/* by request number; last = unknown */
static uint64_t errors, bytes_read, bytes_written;

void fileserver_init(void)
{
	memset(&reply, 0, sizeof(reply));
	fd_page_gpa = 0;
}

static bool gpa_range_ok(const struct guest *g, uint64_t gpa, uint64_t len)
{
	return gpa <= g->ram_size && len <= g->ram_size - gpa;
}

static int32_t load_i32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void store_i32(uint8_t *p, int32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The guest's Fd page as it is now, or NULL if it has none we know. */
static uint8_t *fd_page(struct guest *g)
{
	if (!fd_page_gpa || !gpa_range_ok(g, fd_page_gpa, sizeof(struct josfs_fd)))
		return NULL;
	return g->ram + fd_page_gpa;
}

static int64_t do_open(const uint8_t *page)
{
	char want[DEV_NAME_LEN];

	if (!memchr(page + FSIPC_OPEN_PATH, '\0', JOSFS_MAX_PATH))
		return -JOS_E_BAD_PATH;
	snprintf(want, sizeof(want), FS_DISK_PATH_FORMAT, FILESERVER_DISK_NUMBER);
	if (strcmp((const char *)page + FSIPC_OPEN_PATH, want))
		return -JOS_E_NOT_FOUND;
	if (!disk_present())
		return -JOS_E_NO_DISK;
	reply.write_fd = true;
	reply.omode = load_i32(page + FSIPC_OPEN_OMODE);
	return 0;
}

/*
 * The offset for a READ or WRITE: from the guest's Fd page, checked
 * against the image.  An offset at the very end is fine for READ (it
 * reads nothing, as at end of file) but not for WRITE.
 */
static int64_t rw_offset(struct guest *g, const uint8_t *page, bool write, uint64_t *offset)
{
	uint8_t *fd = fd_page(g);
	int32_t off;

	if (load_i32(page + FSIPC_FILEID) != FILE_ID || !fd)
		return -JOS_E_INVAL;
	off = load_i32(fd + offsetof(struct josfs_fd, offset));
	if (off < 0 || (uint64_t)off > disk_size() || (write && (uint64_t)off == disk_size()))
		return -JOS_E_INVAL;
	*offset = (uint64_t)off;
	return 0;
}

static void advance_offset(struct guest *g, long done)
{
	uint8_t *fd = fd_page(g);
	int32_t off = load_i32(fd + offsetof(struct josfs_fd, offset));

	store_i32(fd + offsetof(struct josfs_fd, offset), off + (int32_t)done);
}

static uint64_t request_length(const uint8_t *page)
{
	uint64_t n;

	memcpy(&n, page + FSIPC_RW_N, sizeof(n));
	return n;
}

static int64_t do_read(struct guest *g, uint8_t *page)
{
	uint64_t offset, n = request_length(page);
	int64_t err = rw_offset(g, page, false, &offset);
	long done;

	if (err)
		return err;
	if (n > FSIPC_READ_MAX)
		return -JOS_E_INVAL;
	done = disk_read(offset, page, (size_t)n);
	if (done < 0)
		return -JOS_E_UNSPECIFIED;
	advance_offset(g, done);
	bytes_read += (uint64_t)done;
	return done;
}

static int64_t do_write(struct guest *g, uint8_t *page)
{
	uint64_t offset, n = request_length(page);
	int64_t err = rw_offset(g, page, true, &offset);
	long done;

	if (err)
		return err;
	if (n > FSIPC_WRITE_MAX)
		return -JOS_E_INVAL;
	if (!disk_writable())
		return -JOS_E_NOT_SUPP;
	done = disk_write(offset, page + FSIPC_WRITE_BUF, (size_t)n);
	if (done < 0)
		return -JOS_E_UNSPECIFIED;
	advance_offset(g, done);
	bytes_written += (uint64_t)done;
	return done;
}

static int64_t do_stat(uint8_t *page)
{
	char name[DEV_NAME_LEN];

	if (load_i32(page + FSIPC_FILEID) != FILE_ID)
		return -JOS_E_INVAL;
	snprintf(name, sizeof(name), FS_DISK_PATH_FORMAT, FILESERVER_DISK_NUMBER);
	memset(page + FSIPC_STAT_NAME, 0, JOSFS_MAX_NAME);
	memcpy(page + FSIPC_STAT_NAME, name, strlen(name));
	store_i32(page + FSIPC_STAT_SIZE, (int32_t)disk_size());
	store_i32(page + FSIPC_STAT_ISDIR, 0);
	return 0;
}

/* A disk has the size it has: only "no change" succeeds. */
static int64_t do_set_size(const uint8_t *page)
{
	if (load_i32(page + FSIPC_FILEID) != FILE_ID)
		return -JOS_E_INVAL;
	return (uint64_t)load_i32(page + FSIPC_SET_SIZE_SIZE) == disk_size() ? 0 : -JOS_E_NOT_SUPP;
}

static int64_t do_sync(const uint8_t *page)
{
	if (load_i32(page + FSIPC_FILEID) != FILE_ID)
		return -JOS_E_INVAL;
	return disk_sync() ? -JOS_E_UNSPECIFIED : 0;
}

static int64_t serve(struct guest *g, uint64_t request, uint8_t *page)
{
	switch (request) {
	case FSREQ_OPEN:
		return do_open(page);
	case FSREQ_READ:
		return do_read(g, page);
	case FSREQ_WRITE:
		return do_write(g, page);
	case FSREQ_STAT:
		return do_stat(page);
	case FSREQ_SET_SIZE:
		return do_set_size(page);
	case FSREQ_FLUSH:
	case FSREQ_SYNC:
		return do_sync(page);
	case FSREQ_REMOVE:
		return -JOS_E_NOT_SUPP;		/* nobody removes the disk */
	default:
		return -JOS_E_INVAL;
	}
}

/* IPCSEND: RBX destination, RCX value (request), RDX page gpa, RSI permissions. */
int64_t fileserver_ipc_send(struct guest *g, struct hypercall *call)
{
	uint64_t dest = call->args[0], request = call->args[1];
	uint64_t gpa = call->args[2], perm = call->args[3];

	if (dest != FS_HOST_ENV)
		return -JOS_E_INVAL;
	requests[request <= FSREQ_SYNC ? request : FSREQ_SYNC + 1]++;
	reply.pending = true;
	reply.write_fd = false;
	if (!(perm & PTE_P) || gpa % PAGE_SIZE || !gpa_range_ok(g, gpa, PAGE_SIZE))
		reply.value = -JOS_E_INVAL;
	else
		reply.value = serve(g, request, g->ram + gpa);
	if (reply.value < 0)
		errors++;
	/* The request was taken; its outcome travels in the reply. */
	return 0;
}

/* IPCRECV: RBX the page for a page sent back (used after OPEN only). */
int64_t fileserver_ipc_recv(struct guest *g, struct hypercall *call)
{
	uint64_t gpa = call->args[0];
	struct kvm_regs regs;

	if (!reply.pending)
		return -JOS_E_INVAL;	/* nothing was asked: nothing to wait for */
	reply.pending = false;
	if (reply.write_fd) {
		struct josfs_fd fd = {
			.dev_id = FD_DEV_ID_FILE,
			.offset = 0,
			.omode = reply.omode,
			.fileid = FILE_ID,
		};

		if (gpa % PAGE_SIZE || !gpa_range_ok(g, gpa, PAGE_SIZE)) {
			reply.value = -JOS_E_INVAL;
		} else {
			memcpy(g->ram + gpa, &fd, sizeof(fd));
			fd_page_gpa = gpa;
		}
	}
	if (guest_get_regs(g, &regs))
		return -JOS_E_FAULT;
	regs.rsi = (uint64_t)reply.value;
	if (guest_set_regs(g, &regs))
		return -JOS_E_FAULT;
	return 0;
}

void fileserver_print_stats(FILE *out)
{
	static const char *const names[] = {
		[FSREQ_OPEN] = "OPEN", [FSREQ_SET_SIZE] = "SET_SIZE", [FSREQ_READ] = "READ",
		[FSREQ_WRITE] = "WRITE", [FSREQ_STAT] = "STAT", [FSREQ_FLUSH] = "FLUSH",
		[FSREQ_REMOVE] = "REMOVE", [FSREQ_SYNC] = "SYNC", [FSREQ_SYNC + 1] = "unknown",
	};
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		total += requests[i];
	if (!total)
		return;
	fprintf(out, "  %-20s %12s\n", "file-server request", "count");
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i] && names[i])
			fprintf(out, "  %-20s %12llu\n", names[i], (unsigned long long)requests[i]);
	fprintf(out, "  disk: %llu bytes read, %llu bytes written, %llu requests refused%s\n",
		(unsigned long long)bytes_read, (unsigned long long)bytes_written,
		(unsigned long long)errors, disk_present() ? "" : " (no disk)");
}
