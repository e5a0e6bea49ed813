/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipc.h - the disk, reached through the host's JOS file server over the
 * IPCSEND/IPCRECV hypercalls, as the course's JOS file server reaches it
 * (../../shared/docs/jos-guest-abi.md, "Disk").  One disk, opened once.
 */
#ifndef GUEST_IPC_H
#define GUEST_IPC_H

#include <stddef.h>
#include <stdint.h>

struct disk_stats {
	uint64_t requests;	/* IPCSEND + IPCRECV pairs */
	uint64_t bytes_read;
	uint64_t bytes_written;
	uint64_t flushes;
};

/*
 * GETDISKIMGNUM, then OPEN of /vmm/fsN.img and a STAT for its size.
 * Returns 0 or a negated JOS error (-JOS_E_NO_DISK when the host has none).
 */
int disk_open(void);
/* The path opened (or tried), e.g. "/vmm/fs1.img". */
const char *disk_path(void);
/* Bytes in the image from the host's STAT; 0 if the host did not say. */
uint64_t disk_size(void);

/*
 * Byte-exact transfers starting at a 512-byte sector, looping over as
 * many requests as they take.  Return 0 or a negated error: the host's
 * JOS error, -E_IO for an answer that makes no sense (a read of 0 bytes
 * before the end, more bytes than asked for).
 */
int disk_read(uint32_t sector, void *buf, size_t n);
int disk_write(uint32_t sector, const void *buf, size_t n);
/* FLUSH (SYNC if the host has no FLUSH): the host fsyncs the image. */
int disk_flush(void);

const struct disk_stats *disk_stats(void);

#endif /* GUEST_IPC_H */
