// SPDX-License-Identifier: GPL-2.0
/*
 * test-fileserver - unit tests of tools/launcher/fileserver.c and disk.c:
 * the JOS file-server protocol driven the way a guest drives it (IPCSEND
 * of a request page, IPCRECV of the reply), against a real image file in
 * a temporary directory, with guest RAM a plain buffer and the vCPU's
 * registers a plain struct.  Covers the three disk modes, the lock, and
 * each hostile request the contract says must get a JOS error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disk.h"
#include "fileserver.h"
#include "hypercall.h"
#include "josfs.h"
#include "check.h"

#define RAM_SIZE	(4u << 20)
#define REQ		0x200000u
#define FD_PAGE		0x201000u
#define ENVS_PAGE	0x202000u	/* what a course guest's IPCRECV RBX holds for READ */
#define IMAGE_SIZE	(64u * 1024)

static struct kvm_regs regs;	/* the fake vCPU */

int guest_get_regs(struct guest *g, struct kvm_regs *r)
{
	(void)g;
	*r = regs;
	return 0;
}

int guest_set_regs(struct guest *g, const struct kvm_regs *r)
{
	(void)g;
	regs = *r;
	return 0;
}

static struct guest g;
static char image[256];

static void make_image(void)
{
	uint8_t block[4096];
	int fd, i;

	snprintf(image, sizeof(image), "/tmp/test-fileserver.%d.img", (int)getpid());
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (i = 0; i < (int)(IMAGE_SIZE / sizeof(block)); i++) {
		memset(block, 'A' + i, sizeof(block));
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			abort();
	}
	close(fd);
}

static int file_byte(uint64_t offset)
{
	uint8_t b;
	int fd = open(image, O_RDONLY);
	ssize_t n = pread(fd, &b, 1, (off_t)offset);

	close(fd);
	return n == 1 ? b : -1;
}

static int64_t send(uint64_t dest, uint64_t request, uint64_t gpa, uint64_t perm)
{
	struct hypercall call = { .nr = HC_IPCSEND, .args = { dest, request, gpa, perm } };

	return fileserver_ipc_send(&g, &call);
}

/* IPCRECV; returns RAX, the reply value lands in *value (RSI). */
static int64_t recv(uint64_t gpa, int64_t *value)
{
	struct hypercall call = { .nr = HC_IPCRECV, .args = { gpa } };
	int64_t rax;

	regs.rsi = 0x5A5A;
	rax = fileserver_ipc_recv(&g, &call);
	*value = (int64_t)regs.rsi;
	return rax;
}

static int32_t i32(uint64_t gpa)
{
	int32_t v;

	memcpy(&v, g.ram + gpa, sizeof(v));
	return v;
}

static void set_i32(uint64_t gpa, int32_t v)
{
	memcpy(g.ram + gpa, &v, sizeof(v));
}

static void set_u64(uint64_t gpa, uint64_t v)
{
	memcpy(g.ram + gpa, &v, sizeof(v));
}

/* A whole request: send, then receive into rbx; the reply value. */
static int64_t request(uint64_t req, uint64_t rbx)
{
	int64_t value;

	if (send(FS_HOST_ENV, req, REQ, FS_IPC_PERM) != 0 || recv(rbx, &value) != 0)
		return 0x7777;
	return value;
}

static int64_t open_disk(const char *path)
{
	memset(g.ram + REQ, 0, 4096);
	strcpy((char *)g.ram + REQ + FSIPC_OPEN_PATH, path);
	set_i32(REQ + FSIPC_OPEN_OMODE, JOS_O_RDWR);
	return request(FSREQ_OPEN, FD_PAGE);
}

static int64_t rw(uint64_t req, int32_t offset, uint64_t n)
{
	set_i32(FD_PAGE + 4, offset);
	set_i32(REQ + FSIPC_FILEID, i32(FD_PAGE + 12));
	set_u64(REQ + FSIPC_RW_N, n);
	return request(req, ENVS_PAGE);
}

static void test_protocol(void)
{
	uint8_t envs[4096];
	int64_t value;

	CHECK(open_disk("/etc/passwd") == -JOS_E_NOT_FOUND, "OPEN of another path: -E_NOT_FOUND");
	memset(g.ram + REQ, 'x', 4096);
	CHECK(request(FSREQ_OPEN, FD_PAGE) == -JOS_E_BAD_PATH, "OPEN of an unterminated path: -E_BAD_PATH");
	CHECK(open_disk("/vmm/fs1.img") == 0, "OPEN of /vmm/fs1.img: 0");
	CHECK(i32(FD_PAGE) == FD_DEV_ID_FILE && i32(FD_PAGE + 4) == 0 &&
	      i32(FD_PAGE + 8) == JOS_O_RDWR && i32(FD_PAGE + 12) != 0,
	      "OPEN: struct Fd ('f', offset 0, O_RDWR, non-zero id) in the IPCRECV page");

	memset(g.ram + ENVS_PAGE, 0xEE, 4096);
	memcpy(envs, g.ram + ENVS_PAGE, sizeof(envs));
	CHECK(rw(FSREQ_READ, 4096, 1024) == 1024, "READ 1024 at block 1: 1024 bytes");
	CHECK(g.ram[REQ] == 'B' && g.ram[REQ + 1023] == 'B', "READ: data over the request page");
	CHECK(i32(FD_PAGE + 4) == 5120, "READ: the Fd offset advanced to 5120");
	CHECK(!memcmp(envs, g.ram + ENVS_PAGE, sizeof(envs)), "READ: IPCRECV's page (envs) untouched");

	memset(g.ram + REQ + FSIPC_WRITE_BUF, 'w', FSIPC_WRITE_MAX);
	CHECK(rw(FSREQ_WRITE, 8192 + 100, 600) == 600, "WRITE 600 bytes: 600");
	CHECK(file_byte(8192 + 100) == 'w' && file_byte(8192 + 699) == 'w' &&
	      file_byte(8192 + 99) == 'C' && file_byte(8192 + 700) == 'C',
	      "WRITE: exactly those bytes reach the file, in place");
	CHECK(i32(FD_PAGE + 4) == 8192 + 700, "WRITE: the Fd offset advanced");
	CHECK(!memcmp(envs, g.ram + ENVS_PAGE, sizeof(envs)), "WRITE: IPCRECV's page (envs) untouched");

	CHECK(rw(FSREQ_READ, IMAGE_SIZE - 100, 1024) == 100, "READ across the end: short (100)");
	CHECK(rw(FSREQ_READ, IMAGE_SIZE, 1024) == 0, "READ at the end: 0");
	CHECK(rw(FSREQ_READ, IMAGE_SIZE + 512, 8) == -JOS_E_INVAL, "READ past the end: -E_INVAL");
	CHECK(rw(FSREQ_WRITE, IMAGE_SIZE, 8) == -JOS_E_INVAL, "WRITE at the end: -E_INVAL");
	CHECK(rw(FSREQ_WRITE, IMAGE_SIZE - 4, 600) == 4, "WRITE across the end: short (4)");
	CHECK(rw(FSREQ_READ, -512, 8) == -JOS_E_INVAL, "READ at a negative offset: -E_INVAL");
	CHECK(rw(FSREQ_READ, 0, 4097) == -JOS_E_INVAL, "READ of more than a page: -E_INVAL");
	CHECK(rw(FSREQ_WRITE, 0, FSIPC_WRITE_MAX + 1) == -JOS_E_INVAL, "WRITE of more than 4080: -E_INVAL");
	CHECK(rw(FSREQ_READ, 0, FSIPC_READ_MAX) == 4096, "READ of exactly a page: 4096");

	set_i32(REQ + FSIPC_FILEID, 12345);
	CHECK(request(FSREQ_READ, 0) == -JOS_E_INVAL, "READ with a wrong file id: -E_INVAL");
	set_i32(REQ + FSIPC_FILEID, i32(FD_PAGE + 12));
	CHECK(request(FSREQ_STAT, 0) == 0 && i32(REQ + FSIPC_STAT_SIZE) == (int32_t)IMAGE_SIZE &&
	      i32(REQ + FSIPC_STAT_ISDIR) == 0 && !strcmp((char *)g.ram + REQ, "/vmm/fs1.img"),
	      "STAT: name, the image's size, not a directory");
	set_i32(REQ + FSIPC_FILEID, i32(FD_PAGE + 12));
	CHECK(request(FSREQ_FLUSH, 0) == 0 && request(FSREQ_SYNC, 0) == 0, "FLUSH and SYNC: 0");
	set_i32(REQ + FSIPC_SET_SIZE_SIZE, 4096);
	CHECK(request(FSREQ_SET_SIZE, 0) == -JOS_E_NOT_SUPP, "SET_SIZE to another size: -E_NOT_SUPP");
	CHECK(request(FSREQ_REMOVE, 0) == -JOS_E_NOT_SUPP, "REMOVE: -E_NOT_SUPP");
	CHECK(request(99, 0) == -JOS_E_INVAL, "an unknown request: -E_INVAL");

	CHECK(send(2, FSREQ_STAT, REQ, FS_IPC_PERM) == -JOS_E_INVAL, "IPCSEND to another destination: -E_INVAL in RAX");
	CHECK(recv(FD_PAGE, &value) == -JOS_E_INVAL, "IPCRECV with nothing pending: -E_INVAL in RAX");
	CHECK(send(FS_HOST_ENV, FSREQ_STAT, RAM_SIZE, FS_IPC_PERM) == 0 &&
	      recv(0, &value) == 0 && value == -JOS_E_INVAL, "a request page past guest RAM: -E_INVAL");
	CHECK(send(FS_HOST_ENV, FSREQ_STAT, RAM_SIZE - 2048, FS_IPC_PERM) == 0 &&
	      recv(0, &value) == 0 && value == -JOS_E_INVAL, "an unaligned request page: -E_INVAL");
	CHECK(send(FS_HOST_ENV, FSREQ_STAT, UINT64_MAX & ~4095ull, FS_IPC_PERM) == 0 &&
	      recv(0, &value) == 0 && value == -JOS_E_INVAL, "a request page at 2^64 - 4096: -E_INVAL");
	CHECK(send(FS_HOST_ENV, FSREQ_STAT, REQ, 0) == 0 && recv(0, &value) == 0 &&
	      value == -JOS_E_INVAL, "no page passed (permission without P): -E_INVAL");
	CHECK(open_disk("/vmm/fs1.img") == 0 || 1, "re-OPEN");
	CHECK(send(FS_HOST_ENV, FSREQ_OPEN, REQ, FS_IPC_PERM) == 0 && recv(RAM_SIZE, &value) == 0 &&
	      value == -JOS_E_INVAL, "OPEN's Fd page past guest RAM: -E_INVAL, nothing written");
}

/*
 * Another launcher opening the image while we hold it: a child process
 * (its inherited copy of our open disk closed first; our lock stays, it
 * belongs to the open file).  0 if it could open, 1 if it was refused as
 * "in use", 2 for anything else.
 */
static int other_launcher_opens(enum disk_mode mode)
{
	char err[512];
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		disk_close();
		if (!disk_open(image, mode, err, sizeof(err)))
			_exit(0);
		_exit(strstr(err, "in use by another launcher") ? 1 : 2);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

static void test_modes(void)
{
	char err[512];
	int fd;

	/* The lock: nobody else may use an image while one launcher writes it. */
	CHECK(other_launcher_opens(DISK_READ_WRITE) == 1, "a second writer: refused, 'in use'");
	CHECK(other_launcher_opens(DISK_SNAPSHOT) == 1, "a snapshot of an image being written: refused");
	CHECK(other_launcher_opens(DISK_READ_ONLY) == 1, "a reader of an image being written: refused");
	CHECK(disk_open(image, DISK_READ_ONLY, err, sizeof(err)) == -1,
	      "one launcher opens one disk only");
	disk_close();
	CHECK(other_launcher_opens(DISK_READ_WRITE) == 0, "after close the image is free again");

	/* Read-only: writes refused, the file unchanged. */
	CHECK(disk_open(image, DISK_READ_ONLY, err, sizeof(err)) == 0, "--readonly opens");
	fileserver_init();
	CHECK(open_disk("/vmm/fs1.img") == 0, "--readonly: OPEN works");
	memset(g.ram + REQ + FSIPC_WRITE_BUF, 'r', 16);
	CHECK(rw(FSREQ_WRITE, 0, 16) == -JOS_E_NOT_SUPP && file_byte(0) == 'A',
	      "--readonly: WRITE gets -E_NOT_SUPP, the file is unchanged");
	CHECK(rw(FSREQ_READ, 0, 16) == 16 && g.ram[REQ] == 'A', "--readonly: READ works");
	CHECK(other_launcher_opens(DISK_READ_ONLY) == 0, "two read-only users share the image");
	CHECK(other_launcher_opens(DISK_READ_WRITE) == 1, "but no writer joins them");
	disk_close();

	/* Snapshot: writes read back, the file never changes. */
	CHECK(disk_open(image, DISK_SNAPSHOT, err, sizeof(err)) == 0, "--snapshot opens");
	fileserver_init();
	CHECK(open_disk("/vmm/fs1.img") == 0, "--snapshot: OPEN works");
	memset(g.ram + REQ + FSIPC_WRITE_BUF, 's', FSIPC_WRITE_MAX);
	CHECK(rw(FSREQ_WRITE, 4096 - 10, 20) == 20, "--snapshot: a WRITE across a block boundary");
	CHECK(rw(FSREQ_READ, 4096 - 12, 24) == 24 && g.ram[REQ] == 'A' && g.ram[REQ + 2] == 's' &&
	      g.ram[REQ + 21] == 's' && g.ram[REQ + 22] == 'B',
	      "--snapshot: READ sees the written bytes and the image's around them");
	CHECK(file_byte(4096 - 10) == 'A' && file_byte(4096) == 'B', "--snapshot: the file is unchanged");
	disk_close();

	/* Not a disk image. */
	fd = open(image, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "short", 5) == 5, "made a 5-byte file");
	close(fd);
	CHECK(disk_open(image, DISK_READ_WRITE, err, sizeof(err)) == -1 &&
	      strstr(err, "is not a disk image"), "a 5-byte file is refused: %s", err);
	CHECK(disk_open("/nonexistent.img", DISK_READ_WRITE, err, sizeof(err)) == -1 &&
	      strstr(err, "/nonexistent.img: No such file"), "a missing image is refused: %s", err);

	/* No disk at all: OPEN says so. */
	fileserver_init();
	CHECK(open_disk("/vmm/fs1.img") == -JOS_E_NO_DISK, "no disk: OPEN gets -E_NO_DISK");
}

int main(void)
{
	char err[512];

	g.ram = calloc(1, RAM_SIZE);
	g.ram_size = RAM_SIZE;
	make_image();
	if (disk_open(image, DISK_READ_WRITE, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		return 1;
	}
	fileserver_init();
	test_protocol();
	test_modes();
	unlink(image);
	printf("%s: test-fileserver, %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
