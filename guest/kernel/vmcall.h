/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcall.h - hypercalls (numbers in <hypercall.h>).  The contract passes
 * arguments and results in RAX, RBX, RCX, RDX and RSI, so all five are
 * in/out operands: the compiler must assume the hypervisor changed any.
 */
#ifndef GUEST_VMCALL_H
#define GUEST_VMCALL_H

#include <stdint.h>

struct vmcall_regs {
	uint64_t rax, rbx, rcx, rdx, rsi;
};

static inline void vmcall_regs(struct vmcall_regs *r)
{
	asm volatile("vmcall"
		     : "+a"(r->rax), "+b"(r->rbx), "+c"(r->rcx), "+d"(r->rdx), "+S"(r->rsi)
		     : : "memory");
}

/* A hypercall with no inputs besides its number; returns RAX. */
static inline int64_t vmcall0(uint64_t nr)
{
	struct vmcall_regs r = { .rax = nr };

	vmcall_regs(&r);
	return (int64_t)r.rax;
}

#endif /* GUEST_VMCALL_H */
