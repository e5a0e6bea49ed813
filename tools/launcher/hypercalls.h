/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercalls.h - jlaunch's answers to the guest's hypercalls.  The numbers
 * and their meaning are the JOS guest contract's (guest/include/hypercall.h);
 * this is the host side, one handler per number, dispatched by a table.
 */
#ifndef JLAUNCH_HYPERCALLS_H
#define JLAUNCH_HYPERCALLS_H

#include <stdbool.h>
#include <stdint.h>

#include "jlaunch.h"

struct hypercall {
	uint64_t nr;
	uint64_t args[6];	/* RBX, RCX, RDX, RSI, RDI, R8 */
	unsigned int cpl;	/* the guest may call from user mode */
	bool long_mode;
	/* Set by a handler that ends the run (BACKTOHOST). */
	bool stop;
};

/* Answers one hypercall; the result goes to the guest's RAX. */
int64_t hypercall_handle(struct guest *g, struct hypercall *call);
const char *hypercall_name(uint64_t nr);

#endif /* JLAUNCH_HYPERCALLS_H */
