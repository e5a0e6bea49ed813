// SPDX-License-Identifier: GPL-2.0
/*
 * hypercalls.c - the host side of the JOS guest's hypercalls.
 *
 * jvmm hands every VMCALL to us with RAX and the argument registers, from
 * any privilege level: the course's file server calls from user mode.  We
 * return the value for RAX; a handler that must change another register
 * (MBMAP sets RBX) writes it with KVM_SET_REGS, which jvmm keeps across the
 * completion of the hypercall, except RAX.
 *
 * Nothing a guest passes can crash the launcher: unknown numbers and the
 * calls this guest never makes get a negative JOS error, as the contract
 * asks (the course killed the guest instead).
 */
#include "hypercalls.h"

#include <stdio.h>

#include "fileserver.h"
#include "hypercall.h"
#include "mbmap.h"

typedef int64_t (*hypercall_fn)(struct guest *g, struct hypercall *call);

struct hypercall_entry {
	const char *name;
	hypercall_fn handle;
};

/* MBMAP: the memory map at 0x6000, its address in RBX. */
static int64_t hc_mbmap(struct guest *g, struct hypercall *call)
{
	struct kvm_regs regs;
	uint64_t gpa = mbmap_write(g->ram, g->ram_size);

	(void)call;
	if (!gpa || guest_get_regs(g, &regs))
		return -JOS_E_FAULT;
	regs.rbx = gpa;
	if (guest_set_regs(g, &regs))
		return -JOS_E_FAULT;
	return 0;
}

/* The first (and only) guest's disk is /vmm/fs1.img, as in the course. */
static int64_t hc_get_disk_image_number(struct guest *g, struct hypercall *call)
{
	(void)g;
	(void)call;
	return FILESERVER_DISK_NUMBER;
}

/* After a timer interrupt: there is no local APIC to acknowledge. */
static int64_t hc_lapic_eoi(struct guest *g, struct hypercall *call)
{
	(void)g;
	(void)call;
	return 0;
}

/* ESC at the guest's keyboard: the guest wants its host back; we stop. */
static int64_t hc_back_to_host(struct guest *g, struct hypercall *call)
{
	(void)g;
	call->stop = true;
	return 0;
}

/* Multi-guest calls the course defined and this guest never sends. */
static int64_t hc_not_supported(struct guest *g, struct hypercall *call)
{
	(void)g;
	(void)call;
	return -JOS_E_NO_SYS;
}

static const struct hypercall_entry hypercall_table[] = {
	[HC_MBMAP]		= { "MBMAP", hc_mbmap },
	[HC_IPCSEND]		= { "IPCSEND", fileserver_ipc_send },
	[HC_IPCRECV]		= { "IPCRECV", fileserver_ipc_recv },
	[HC_LAPICEOI]		= { "LAPICEOI", hc_lapic_eoi },
	[HC_BACKTOHOST]		= { "BACKTOHOST", hc_back_to_host },
	[HC_GETDISKIMGNUM]	= { "GETDISKIMGNUM", hc_get_disk_image_number },
	[HC_ALLOC_CPU]		= { "ALLOC_CPU", hc_not_supported },
	[HC_GUEST_YIELD]	= { "GUEST_YIELD", hc_not_supported },
	[HC_CPUNUM]		= { "CPUNUM", hc_not_supported },
};

#define HYPERCALL_TABLE_SIZE (sizeof(hypercall_table) / sizeof(hypercall_table[0]))

const char *hypercall_name(uint64_t nr)
{
	if (nr < HYPERCALL_TABLE_SIZE && hypercall_table[nr].name)
		return hypercall_table[nr].name;
	return "unknown";
}

int64_t hypercall_handle(struct guest *g, struct hypercall *call)
{
	if (call->nr >= HYPERCALL_TABLE_SIZE || !hypercall_table[call->nr].handle)
		return -JOS_E_NO_SYS;
	return hypercall_table[call->nr].handle(g, call);
}
