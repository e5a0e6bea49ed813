// SPDX-License-Identifier: GPL-2.0
/*
 * ipc.c - the disk driver: JOS file-server requests to the host.
 *
 * Every request is an IPCSEND (RBX = FS_HOST_ENV, RCX = request number,
 * RDX = gpa of the request page, RSI = FS_IPC_PERM) followed by an
 * IPCRECV whose RSI is the answer.  Only OPEN's IPCRECV names a page (RBX):
 * the host writes our struct Fd there, and reads the file offset from it
 * at every later READ and WRITE, so we set fd->offset before each request.
 * The host writes READ data and the STAT reply over the request page.
 *
 * Both pages come from the page allocator; the kernel reaches them through
 * KERNBASE, the host through their physical address (= gpa).
 */
#include <stdbool.h>

#include <hypercall.h>
#include <josfs.h>

#include "errors.h"
#include "ipc.h"
#include "layout.h"
#include "memory.h"
#include "string.h"
#include "vmcall.h"

/* A host that never stops saying "not receiving" must not hang us. */
#define IPC_SEND_RETRIES	1000000
/* Per WRITE request: two per block, inside FSIPC_WRITE_MAX. */
#define WRITE_CHUNK		2048
#define DISK_PATH_MAX		32

_Static_assert(WRITE_CHUNK <= FSIPC_WRITE_MAX, "a WRITE carries at most 4080 bytes");

static uint8_t *req;		/* request page */
static uint64_t req_pa;
static struct josfs_fd *fd;	/* the host's struct Fd for our disk */
static uint64_t fd_pa;
static bool opened;
static uint64_t size_bytes;
static char path[DISK_PATH_MAX];
static struct disk_stats stats;

static void put_i32(size_t off, int32_t v)
{
	memcpy(req + off, &v, sizeof(v));
}

static void put_u64(size_t off, uint64_t v)
{
	memcpy(req + off, &v, sizeof(v));
}

static int32_t get_i32(size_t off)
{
	int32_t v;

	memcpy(&v, req + off, sizeof(v));
	return v;
}

/*
 * One request: returns the value the host sent back (a byte count, 0, or
 * a negated JOS error), or the negated error of a failed hypercall.
 * recv_pa is 0 except for OPEN.
 */
static int64_t fs_request(uint32_t request, uint64_t recv_pa)
{
	struct vmcall_regs r;
	long tries = 0;

	stats.requests++;
	do {
		r = (struct vmcall_regs){ .rax = HC_IPCSEND, .rbx = FS_HOST_ENV, .rcx = request,
					  .rdx = req_pa, .rsi = FS_IPC_PERM };
		vmcall_regs(&r);
	} while ((int64_t)r.rax == -JOS_E_IPC_NOT_RECV && ++tries < IPC_SEND_RETRIES);
	if ((int64_t)r.rax < 0)
		return (int64_t)r.rax;

	r = (struct vmcall_regs){ .rax = HC_IPCRECV, .rbx = recv_pa };
	vmcall_regs(&r);
	if ((int64_t)r.rax < 0)
		return (int64_t)r.rax;
	/* An IPC value is 32 bits wide; a negative one is an error. */
	return (int32_t)r.rsi;
}

static void make_path(int64_t n)
{
	char digits[24];
	int len = 0;
	size_t at;

	if (n < 0)
		n = 0;
	do {
		digits[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && len < (int)sizeof(digits));
	/* FS_DISK_PATH_FORMAT, "/vmm/fs%d.img", spelled out: no snprintf here. */
	memcpy(path, "/vmm/fs", 7);
	at = 7;
	while (len)
		path[at++] = digits[--len];
	memcpy(path + at, ".img", 5);
}

static int alloc_pages(void)
{
	if (!req_pa)
		req_pa = page_alloc();
	if (!fd_pa)
		fd_pa = page_alloc();
	if (!req_pa || !fd_pa)
		return -JOS_E_NO_MEM;
	req = phys_to_virt(req_pa);
	fd = phys_to_virt(fd_pa);
	return 0;
}

/* STAT: the size of the image, or 0 when the host does not answer it. */
static uint64_t stat_size(void)
{
	int64_t r;
	int32_t size;

	memset(req, 0, FSIPC_PAGE_SIZE);
	put_i32(FSIPC_FILEID, fd->fileid);
	r = fs_request(FSREQ_STAT, 0);
	if (r < 0)
		return 0;
	size = get_i32(FSIPC_STAT_SIZE);
	return size > 0 ? (uint64_t)size : 0;
}

int disk_open(void)
{
	int64_t n, r;
	int err;

	opened = false;
	n = vmcall0(HC_GETDISKIMGNUM);
	make_path(n);
	if (n < 0)
		return (int)n;
	err = alloc_pages();
	if (err)
		return err;

	memset(req, 0, FSIPC_PAGE_SIZE);
	memcpy(req + FSIPC_OPEN_PATH, path, strlen(path) + 1);
	put_i32(FSIPC_OPEN_OMODE, JOS_O_RDWR);
	memset(fd, 0, sizeof(*fd));
	r = fs_request(FSREQ_OPEN, fd_pa);
	if (r < 0)
		return (int)r;
	if (fd->dev_id != FD_DEV_ID_FILE || fd->fileid == 0)
		return -E_IO;
	opened = true;
	size_bytes = stat_size();
	return 0;
}

const char *disk_path(void)
{
	return path[0] ? path : "(none)";
}

uint64_t disk_size(void)
{
	return size_bytes;
}

/* The file offset of a transfer, which the Fd holds as a 32-bit off_t. */
static int set_offset(uint32_t sector, size_t done)
{
	uint64_t off = (uint64_t)sector * JOSFS_SECTOR_SIZE + done;

	if (off > INT32_MAX)
		return -JOS_E_INVAL;
	fd->offset = (int32_t)off;
	return 0;
}

int disk_read(uint32_t sector, void *buf, size_t n)
{
	size_t done = 0;

	if (!opened)
		return -JOS_E_NO_DISK;
	while (done < n) {
		size_t want = n - done < FSIPC_READ_MAX ? n - done : FSIPC_READ_MAX;
		int64_t got;
		int err = set_offset(sector, done);

		if (err)
			return err;
		put_i32(FSIPC_FILEID, fd->fileid);
		put_u64(FSIPC_RW_N, want);
		got = fs_request(FSREQ_READ, 0);
		if (got < 0)
			return (int)got;
		if (got == 0 || (uint64_t)got > want)
			return -E_IO;
		memcpy((uint8_t *)buf + done, req, (size_t)got);
		done += (size_t)got;
		stats.bytes_read += (uint64_t)got;
	}
	return 0;
}

int disk_write(uint32_t sector, const void *buf, size_t n)
{
	size_t done = 0;

	if (!opened)
		return -JOS_E_NO_DISK;
	while (done < n) {
		size_t want = n - done < WRITE_CHUNK ? n - done : WRITE_CHUNK;
		int64_t put;
		int err = set_offset(sector, done);

		if (err)
			return err;
		put_i32(FSIPC_FILEID, fd->fileid);
		put_u64(FSIPC_RW_N, want);
		memcpy(req + FSIPC_WRITE_BUF, (const uint8_t *)buf + done, want);
		put = fs_request(FSREQ_WRITE, 0);
		if (put < 0)
			return (int)put;
		if (put == 0 || (uint64_t)put > want)
			return -E_IO;
		done += (size_t)put;
		stats.bytes_written += (uint64_t)put;
	}
	return 0;
}

int disk_flush(void)
{
	int64_t r;

	if (!opened)
		return -JOS_E_NO_DISK;
	stats.flushes++;
	put_i32(FSIPC_FILEID, fd->fileid);
	r = fs_request(FSREQ_FLUSH, 0);
	if (r == -JOS_E_NO_SYS || r == -JOS_E_NOT_SUPP || r == -JOS_E_INVAL) {
		put_i32(FSIPC_FILEID, fd->fileid);
		r = fs_request(FSREQ_SYNC, 0);
	}
	return r < 0 ? (int)r : 0;
}

const struct disk_stats *disk_stats(void)
{
	return &stats;
}
