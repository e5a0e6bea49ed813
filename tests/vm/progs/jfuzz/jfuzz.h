/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jfuzz.h - the parts of the KVM-ABI ioctl fuzzer (main.c: options, log,
 * signals, the single-threaded sequence; args.c: ioctl numbers and
 * arguments; world.c: VMs, vCPUs and guest memory; race.c: the threaded
 * phase).
 */
#ifndef JFUZZ_H
#define JFUZZ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jvmm.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096UL

/* --- random numbers (xoshiro256**), one stream per step or thread -------- */
struct rng {
	uint64_t s[4];
};

void rng_init(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* 0 <= result < n (n > 0). */
uint64_t rng_below(struct rng *r, uint64_t n);
/* true with probability percent/100. */
bool rng_chance(struct rng *r, unsigned int percent);
void rng_fill(struct rng *r, void *buf, size_t len);

/* --- options ---------------------------------------------------------- */
enum avoid_class {
	/* KVM_SET_USER_MEMORY_REGION of 2^28+ pages: kvmalloc WARNs (issue 11 item 5). */
	AVOID_HUGE_SLOT = 1 << 0,
};

struct options {
	const char *device;
	uint64_t seed;
	uint64_t calls;		/* single-threaded phase */
	uint64_t race_calls;	/* threaded phase */
	unsigned int log_last;
	unsigned int avoid;	/* enum avoid_class bits */
	unsigned int run_us;	/* bound of every KVM_RUN */
	unsigned int stall_secs;
	bool trace;		/* print every call */
	bool is_kvm;		/* the device is /dev/kvm */
	bool self_test;		/* not a KVM device: no device checks */
};

extern struct options opt;
/* /dev/kmsg, for marks that place a kernel trace among the calls; -1 without. */
extern int kmsg_fd;

/* --- the call log: the last calls, printed on failure ----------------- */
extern _Atomic uint64_t calls_done;
extern _Atomic uint64_t last_progress_ns;
void log_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dump_log(const char *why);
uint64_t now_ns(void);
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* --- descriptors and calls -------------------------------------------- */
enum fd_kind { FD_SYS, FD_VM, FD_VCPU, FD_CLOSED, FD_FOREIGN, FD_KINDS };
extern const char *const fd_kind_name[FD_KINDS];

/* An ioctl, logged and counted; KVM_RUN bounded by the per-thread timer. */
long fz_ioctl(int fd, const char *fdname, unsigned long cmd, unsigned long arg,
	      const char *argdesc);
const char *ioctl_name(unsigned long cmd);
void count_result(unsigned long cmd, long ret, int err);
void print_stats(void);

/* Arm this thread's timer: its signal interrupts a KVM_RUN after run_us. */
void timer_thread_init(void);
void timer_thread_exit(void);
void timer_arm(unsigned int us);
void timer_disarm(void);

/* --- scratch memory for ioctl arguments (args.c) ---------------------- */
struct scratch {
	uint8_t *buf;		/* SCRATCH_SIZE bytes, a guard page each side */
	uint8_t *rdonly;	/* one read-only page */
	uint8_t *guard;		/* the guard page after buf */
};

#define SCRATCH_SIZE	(16 * PAGE)

void scratch_init(struct scratch *s);
/* Pick an ioctl number: from <linux/kvm.h>, jvmm's own or random. */
unsigned long pick_cmd(struct rng *r);
/* Build an argument for cmd in s, return it and describe it in desc. */
unsigned long make_arg(struct rng *r, struct scratch *s, unsigned long cmd,
		       char *desc, size_t desclen);
uint64_t boundary_u64(struct rng *r);
uint32_t boundary_u32(struct rng *r);
/* An address nothing of the fuzzer's own lives at (safe to hand out). */
uint64_t hostile_addr(struct rng *r);
void fill_msrs(struct rng *r, struct kvm_msrs *m, uint32_t nmsrs, uint32_t fill);
void fill_sregs(struct rng *r, struct kvm_sregs *s);
void fill_regs(struct rng *r, struct kvm_regs *regs);

/* --- guest memory and the VMs (world.c) ------------------------------- */
#define ARENA_CHUNKS	24
#define CHUNK_STRIDE	(2UL << 20)	/* a chunk is at most 1 MiB, then a gap */
#define CHUNK_MAX	(1UL << 20)
#define MAX_VMS		3
#define MAX_VCPUS	4
#define RUN_MAP_SIZE	(4 * PAGE)

struct chunk {
	uint8_t *addr;		/* fixed place in the arena */
	size_t size;		/* mapped bytes, 0 = only the PROT_NONE reserve */
	bool dead;		/* something else took its hole: never used again */
	bool readonly;		/* mprotected: the fuzzer must not write it */
};

#define TRACKED_SLOTS	8

struct vcpu {
	int fd;			/* -1: no vCPU here */
	struct kvm_run *run;	/* mapped at its fixed place in the run arena, or NULL */
	size_t run_len;
};

/* A VM whose fd was closed lives on while its vCPUs do (fd -1, vCPUs left). */
struct vm {
	int fd;
	struct vcpu vcpus[MAX_VCPUS];
	int slot_chunk[TRACKED_SLOTS];	/* the chunk behind slot N, -1 none */
	uint64_t slot_gpa[TRACKED_SLOTS];
};

struct world {
	int sysfd;
	int foreign[2];		/* /dev/null and an eventfd */
	struct vm vms[MAX_VMS];
	struct chunk chunks[ARENA_CHUNKS];
	uint8_t *arena;
	uint8_t *run_arena;	/* MAX_VMS * MAX_VCPUS mapping places */
	struct scratch scratch;
	struct kvm_sregs sregs_template;
	bool have_template;
};

#define CLOSED_FD	1000	/* never open: the fuzzer stays far below it */

void world_init(struct world *w);
void world_close_all(struct world *w);
/* One step of the single-threaded phase. */
void world_step(struct world *w, struct rng *r);
/* Close descriptors some ioctl returned that the world does not know. */
void world_sweep_fds(struct world *w);
/* A known-good guest must still run from scratch: the device is sane. */
bool world_sanity_guest(struct world *w);

/* What a memory slot may point at: guest memory, never the fuzzer's own. */
uint64_t slot_addr(struct rng *r);
/* PROT_NONE reservations (mem.c); rereserve gives a hole back, false if taken. */
uint8_t *reserve(size_t len);
bool rereserve(uint8_t *addr, size_t len);
/* Random bytes, so a guest runs random code; sometimes a program that exits. */
void chunk_fill(struct rng *r, struct chunk *c);
/* Chunk mapping helpers, shared with race.c. */
bool chunk_map(struct chunk *c, size_t size, bool shared);
void chunk_unmap(struct chunk *c);
bool chunk_mremap(struct chunk *from, struct chunk *to);
/* Set a vCPU to real mode at rip with the memory at gpa 0 as its code. */
void vcpu_real_mode(int fd, const char *name, struct kvm_sregs *tmpl, uint64_t rip);
/* One bounded KVM_RUN; returns the exit reason or -errno. */
long vcpu_run_once(int fd, const char *name, struct kvm_run *run);

/* --- the threaded phase (race.c) --------------------------------------- */
void race_phase(struct world *w);

#endif
