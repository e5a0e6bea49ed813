/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fileserver.h - the host end of the JOS guest's file-server IPC: the
 * guest's IPCSEND of a request page and IPCRECV of the reply, answered from
 * the disk image (disk.c), as ../shared/docs/jos-guest-abi.md describes.
 */
#ifndef JLAUNCH_FILESERVER_H
#define JLAUNCH_FILESERVER_H

#include <stdint.h>
#include <stdio.h>

#include "hypercalls.h"
#include "jlaunch.h"

/* The disk number GETDISKIMGNUM returns: the guest opens /vmm/fsN.img. */
#define FILESERVER_DISK_NUMBER	1

void fileserver_init(void);
int64_t fileserver_ipc_send(struct guest *g, struct hypercall *call);
int64_t fileserver_ipc_recv(struct guest *g, struct hypercall *call);
void fileserver_print_stats(FILE *out);

#endif /* JLAUNCH_FILESERVER_H */
