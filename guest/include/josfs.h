/* SPDX-License-Identifier: GPL-2.0 */
/*
 * josfs.h - the JOS file system on disk and the JOS file-server protocol,
 * as ../shared/docs/jos-guest-abi.md gives them.  Shared by the host tools
 * (tools/josfs: mkjosfs, josfsck), the launcher's file server
 * (tools/launcher) and our guest's file system (guest/).  An unmodified
 * course JOS guest depends on every value here: change none of them.
 *
 * Freestanding: only fixed-width integers, no host types; the #defines
 * are usable from assembly too.  off_t is 32 bits
 * in the course's 64-bit JOS (struct Fd's offset is at 4, omode at 8).
 */
#ifndef JVMM_GUEST_JOSFS_H
#define JVMM_GUEST_JOSFS_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* ---- on disk ---- */
#define JOSFS_BLOCK_SIZE	4096
#define JOSFS_SECTOR_SIZE	512
#define JOSFS_SECTORS_PER_BLOCK	(JOSFS_BLOCK_SIZE / JOSFS_SECTOR_SIZE)
#define JOSFS_MAGIC		0x4A0530AEu
#define JOSFS_SUPER_BLOCK	1	/* block 0 is the boot block */
#define JOSFS_BITMAP_BLOCK	2	/* the free bitmap starts here; bit set = free */
#define JOSFS_BITS_PER_BLOCK	(JOSFS_BLOCK_SIZE * 8)

#define JOSFS_MAX_NAME		128	/* bytes in f_name, NUL included */
#define JOSFS_MAX_PATH		1024
#define JOSFS_NDIRECT		10
#define JOSFS_NINDIRECT		(JOSFS_BLOCK_SIZE / 4)
#define JOSFS_MAX_FILE_SIZE	((JOSFS_NDIRECT + JOSFS_NINDIRECT) * JOSFS_BLOCK_SIZE)

#define JOSFS_FILE_SIZE		256	/* bytes per struct josfs_file */
#define JOSFS_FILES_PER_BLOCK	(JOSFS_BLOCK_SIZE / JOSFS_FILE_SIZE)

#define JOSFS_TYPE_FILE		0
#define JOSFS_TYPE_DIR		1

#ifndef __ASSEMBLER__
struct josfs_file {
	char name[JOSFS_MAX_NAME];	/* empty: a free directory slot */
	int32_t size;			/* bytes; for a directory, a multiple of the block size */
	uint32_t type;			/* JOSFS_TYPE_* */
	uint32_t direct[JOSFS_NDIRECT];	/* block numbers, 0 = none */
	uint32_t indirect;		/* a block of JOSFS_NINDIRECT more, 0 = none */
	uint8_t pad[JOSFS_FILE_SIZE - JOSFS_MAX_NAME - 8 - 4 * JOSFS_NDIRECT - 4];
};

struct josfs_super {
	uint32_t magic;
	uint32_t nblocks;		/* blocks in the whole image */
	struct josfs_file root;
};
#endif

/* ---- the file-server protocol (IPCSEND value = request number) ---- */
#define FSREQ_OPEN		1
#define FSREQ_SET_SIZE		2
#define FSREQ_READ		3
#define FSREQ_WRITE		4
#define FSREQ_STAT		5
#define FSREQ_FLUSH		6
#define FSREQ_REMOVE		7
#define FSREQ_SYNC		8

/* The IPC destination the guest sends file-server requests to. */
#define FS_HOST_ENV		1
/* IPC page permissions the guest passes (P|W|U). */
#define FS_IPC_PERM		7

#define JOS_O_RDONLY		0x0000
#define JOS_O_WRONLY		0x0001
#define JOS_O_RDWR		0x0002
#define JOS_O_ACCMODE		0x0003

/* The request page (4096 bytes): byte offsets of each request's fields. */
#define FSIPC_PAGE_SIZE		4096
#define FSIPC_OPEN_PATH		0	/* char[1024] */
#define FSIPC_OPEN_OMODE	1024	/* int32 */
#define FSIPC_FILEID		0	/* int32, every request on an open file */
#define FSIPC_SET_SIZE_SIZE	4	/* int32 (off_t) */
#define FSIPC_RW_N		8	/* u64 (size_t) */
#define FSIPC_WRITE_BUF		16
#define FSIPC_WRITE_MAX		(FSIPC_PAGE_SIZE - FSIPC_WRITE_BUF)	/* 4080 */
#define FSIPC_READ_MAX		FSIPC_PAGE_SIZE	/* data returned from offset 0 */
#define FSIPC_STAT_NAME		0	/* char[128] */
#define FSIPC_STAT_SIZE		128	/* int32 */
#define FSIPC_STAT_ISDIR	132	/* int32 */
#define FSIPC_REMOVE_PATH	0	/* char[1024] */

/* struct Fd, written into the page the guest's IPCRECV after OPEN names. */
#define FD_DEV_ID_FILE		0x66	/* 'f' */
#ifndef __ASSEMBLER__
struct josfs_fd {
	int32_t dev_id;
	int32_t offset;
	int32_t omode;
	int32_t fileid;			/* non-zero */
};
#endif

/* The disk the guest opens: "/vmm/fs%d.img" with N from GETDISKIMGNUM. */
#define FS_DISK_PATH_FORMAT	"/vmm/fs%d.img"

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct josfs_file) == JOSFS_FILE_SIZE, "struct File is 256 bytes");
_Static_assert(sizeof(struct josfs_fd) == 16, "struct Fd is 16 bytes");
#endif

#endif /* JVMM_GUEST_JOSFS_H */
