// SPDX-License-Identifier: GPL-2.0
/*
 * race.c - the threaded phase: one VM with two vCPUs per round, a runner
 * thread in KVM_RUN on each (bounded by its own timer), and two mutator
 * threads changing everything under them: registers, special registers,
 * MSRs, CPUID, memory slots (delete, move, re-add, overlap), the guest
 * memory behind the slots (munmap, mremap, fresh pages, mprotect), and the
 * descriptors themselves (a vCPU or the VM closed while a runner uses it).
 *
 * Each thread's choices are seeded (seed, round, thread); the interleaving
 * is not reproducible, which is the point of this phase.  Structured
 * arguments live on the thread's own stack, never in the shared scratch:
 * another thread's half-written copy could otherwise turn a slot's address
 * into one of the fuzzer's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jfuzz.h"

#define RACE_VCPUS	2
#define RACE_THREADS	4	/* a runner per vCPU, two mutators */
#define RACE_STACK	(256 * 1024)
#define RACE_CHUNKS	4	/* chunks 0-3 of the arena */

static uint8_t stacks[RACE_THREADS][RACE_STACK] __attribute__((aligned(64)));

static struct {
	struct world *w;
	uint64_t round;
	uint64_t end_calls;		/* the round ends at this many calls */
	_Atomic bool stop;
	_Atomic int vm_fd;
	_Atomic int vcpu_fd[RACE_VCPUS];
	_Atomic unsigned int next_id;	/* vCPU ids for re-created vCPUs */
	pthread_mutex_t mem_lock;	/* chunk state and the mappings */
} race = { .mem_lock = PTHREAD_MUTEX_INITIALIZER };

static bool round_over(void)
{
	return atomic_load(&race.stop) || atomic_load(&calls_done) >= race.end_calls;
}

static void *runner(void *arg)
{
	unsigned int k = (unsigned int)(uintptr_t)arg, n = 0;
	struct rng r;
	int fd;

	rng_init(&r, opt.seed, (1ULL << 40) | race.round << 4 | k);
	timer_thread_init();
	while (!round_over()) {
		fd = atomic_load(&race.vcpu_fd[k]);
		if (fd < 0) {
			sched_yield();
			continue;
		}
		/* Back to a runnable state now and then: a failed entry stops a vCPU. */
		if (n++ % 8 == 0 && race.w->have_template)
			vcpu_real_mode(fd, "vcpu", &race.w->sregs_template, rng_below(&r, 0x10000));
		vcpu_run_once(fd, "vcpu", NULL);
	}
	timer_thread_exit();
	return NULL;
}

static void set_region(int fd, uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva,
		       const char *what)
{
	struct kvm_userspace_memory_region m = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size, .userspace_addr = hva,
	};
	char desc[96];

	snprintf(desc, sizeof(desc), "%s: slot %u gpa 0x%llx size 0x%llx hva 0x%llx", what, slot,
		 (unsigned long long)gpa, (unsigned long long)size, (unsigned long long)hva);
	fz_ioctl(fd, "vm", KVM_SET_USER_MEMORY_REGION, (unsigned long)&m, desc);
}

static void mutate_memory(struct rng *r)
{
	struct chunk *c = &race.w->chunks[rng_below(r, RACE_CHUNKS)];
	struct chunk *to = &race.w->chunks[rng_below(r, RACE_CHUNKS)];
	int vm = atomic_load(&race.vm_fd);
	uint32_t slot = (uint32_t)rng_below(r, RACE_CHUNKS);

	pthread_mutex_lock(&race.mem_lock);
	switch (rng_below(r, 7)) {
	case 0:
		chunk_unmap(c);
		break;
	case 1:
		if (!to->size)
			chunk_mremap(c, to);
		break;
	case 2:
		if (c->size || rng_chance(r, 50))
			chunk_map(c, c->size ? c->size : 64 * PAGE, rng_chance(r, 30));
		break;
	case 3:
		if (c->size) {
			c->readonly = true;
			mprotect(c->addr, c->size, rng_chance(r, 50) ? PROT_READ : PROT_NONE);
		}
		break;
	default:	/* slots: delete, re-add at gpa 0 or its own place, move, overlap */
		if (vm < 0)
			break;
		switch (rng_below(r, 4)) {
		case 0:
			set_region(vm, slot, 0, 0, 0, "delete");
			break;
		case 1:
			set_region(vm, slot, slot ? slot * CHUNK_MAX : 0, 64 * PAGE,
				   (uintptr_t)race.w->chunks[slot].addr, "add");
			break;
		case 2:
			set_region(vm, slot, rng_below(r, 64) * CHUNK_MAX, 64 * PAGE,
				   (uintptr_t)race.w->chunks[slot].addr, "move");
			break;
		default:
			set_region(vm, (uint32_t)rng_below(r, 34), rng_below(r, 32) * PAGE,
				   rng_below(r, 65) * PAGE, slot_addr(r), "random");
			break;
		}
		break;
	}
	pthread_mutex_unlock(&race.mem_lock);
}

static void mutate_vcpu(struct rng *r, int fd)
{
	union {
		struct kvm_regs regs;
		struct kvm_sregs sregs;
		struct kvm_msrs msrs;
		struct kvm_cpuid2 cpuid;
		struct kvm_interrupt irq;
		uint8_t room[sizeof(struct kvm_msrs) + 8 * sizeof(struct kvm_msr_entry) +
			     sizeof(struct kvm_cpuid2) + 8 * sizeof(struct kvm_cpuid_entry2)];
	} u;
	uint32_t n = (uint32_t)rng_below(r, 9);

	memset(&u, 0, sizeof(u));
	switch (rng_below(r, 9)) {
	case 0:
		fill_regs(r, &u.regs);
		fz_ioctl(fd, "vcpu", KVM_SET_REGS, (unsigned long)&u, "race regs");
		break;
	case 1:
		if (race.w->have_template) {
			u.sregs = race.w->sregs_template;
			fill_sregs(r, &u.sregs);
			fz_ioctl(fd, "vcpu", KVM_SET_SREGS, (unsigned long)&u, "race sregs");
		}
		break;
	case 2:
		fill_msrs(r, &u.msrs, n, n);
		fz_ioctl(fd, "vcpu", KVM_SET_MSRS, (unsigned long)&u, "race msrs");
		break;
	case 3:
		fill_msrs(r, &u.msrs, n, n);
		fz_ioctl(fd, "vcpu", KVM_GET_MSRS, (unsigned long)&u, "race msrs");
		break;
	case 4:
		fz_ioctl(fd, "vcpu", rng_chance(r, 50) ? KVM_GET_REGS : KVM_GET_SREGS,
			 (unsigned long)&u, "race get");
		break;
	case 5:
		u.irq.irq = (uint32_t)rng_below(r, 260);
		fz_ioctl(fd, "vcpu", KVM_INTERRUPT, (unsigned long)&u, "race irq");
		break;
	case 6:
		u.cpuid.nent = n;
		fz_ioctl(fd, "vcpu", KVM_SET_CPUID2, (unsigned long)&u, "race cpuid (zeros)");
		break;
	case 7:	/* a second thread in KVM_RUN on the same vCPU */
		vcpu_run_once(fd, "vcpu", NULL);
		break;
	default:
		if (race.w->have_template)
			vcpu_real_mode(fd, "vcpu", &race.w->sregs_template, rng_below(r, 0x10000));
		break;
	}
}

/* Close a vCPU or the VM under the runners; a new vCPU may take the place. */
static void mutate_fds(struct rng *r)
{
	unsigned int k = (unsigned int)rng_below(r, RACE_VCPUS), id;
	int fd, vm;

	if (rng_chance(r, 20)) {
		fd = atomic_exchange(&race.vm_fd, -1);
		if (fd >= 0) {
			log_call("close(vm=%d) while the vCPUs run", fd);
			atomic_fetch_add(&calls_done, 1);
			close(fd);
		}
		return;
	}
	fd = atomic_exchange(&race.vcpu_fd[k], -1);
	if (fd >= 0) {
		log_call("close(vcpu=%d) while its runner may be in KVM_RUN", fd);
		atomic_fetch_add(&calls_done, 1);
		close(fd);
	}
	vm = atomic_load(&race.vm_fd);
	id = atomic_fetch_add(&race.next_id, 1);
	if (vm >= 0 && id < 8) {
		fd = (int)fz_ioctl(vm, "vm", KVM_CREATE_VCPU, id, "race vcpu");
		if (fd >= 0)
			atomic_store(&race.vcpu_fd[k], fd);
	}
}

static void *mutator(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg;
	struct rng r;
	int fd;

	rng_init(&r, opt.seed, (1ULL << 40) | race.round << 4 | t);
	timer_thread_init();
	while (!round_over()) {
		unsigned int k = (unsigned int)rng_below(&r, 100);

		fd = atomic_load(&race.vcpu_fd[rng_below(&r, RACE_VCPUS)]);
		if (k < 55 && fd >= 0)
			mutate_vcpu(&r, fd);
		else if (k < 92)
			mutate_memory(&r);
		else if (k < 97)
			mutate_fds(&r);
		else
			sched_yield();
	}
	timer_thread_exit();
	return NULL;
}

static bool round_setup(struct world *w, struct rng *r)
{
	struct kvm_sregs sregs;
	unsigned int i;
	int vm, fd;

	vm = (int)fz_ioctl(w->sysfd, "sys", KVM_CREATE_VM, 0, "race vm");
	if (vm < 0)
		return false;
	atomic_store(&race.vm_fd, vm);
	for (i = 0; i < RACE_CHUNKS; i++) {
		struct chunk *c = &w->chunks[i];

		if (!chunk_map(c, 64 * PAGE, rng_chance(r, 30)))
			continue;
		rng_fill(r, c->addr, c->size);
		set_region(vm, i, i ? i * CHUNK_MAX : 0, c->size, (uintptr_t)c->addr, "race add");
	}
	for (i = 0; i < RACE_VCPUS; i++) {
		fd = (int)fz_ioctl(vm, "vm", KVM_CREATE_VCPU, i, "race vcpu");
		atomic_store(&race.vcpu_fd[i], fd);
		if (fd >= 0 && !w->have_template &&
		    fz_ioctl(fd, "vcpu", KVM_GET_SREGS, (unsigned long)&sregs, "template") == 0) {
			w->sregs_template = sregs;
			w->have_template = true;
		}
	}
	atomic_store(&race.next_id, RACE_VCPUS);
	return true;
}

static void round_teardown(void)
{
	unsigned int i;
	int fd;

	for (i = 0; i < RACE_VCPUS; i++) {
		fd = atomic_exchange(&race.vcpu_fd[i], -1);
		if (fd >= 0)
			close(fd);
	}
	fd = atomic_exchange(&race.vm_fd, -1);
	if (fd >= 0)
		close(fd);
	for (i = 0; i < RACE_CHUNKS; i++)
		chunk_unmap(&race.w->chunks[i]);
}

void race_phase(struct world *w)
{
	uint64_t end = atomic_load(&calls_done) + opt.race_calls;
	uint64_t per_round = opt.race_calls / 20 > 500 ? opt.race_calls / 20 : 500;
	void *(*const fns[RACE_THREADS])(void *) = { runner, runner, mutator, mutator };
	pthread_t threads[RACE_THREADS];
	pthread_attr_t attr;
	struct rng r;
	unsigned int i;

	race.w = w;
	if (w->sysfd < 0)
		w->sysfd = open(opt.device, O_RDWR | O_CLOEXEC);
	for (race.round = 0; atomic_load(&calls_done) < end; race.round++) {
		rng_init(&r, opt.seed, (1ULL << 41) | race.round);
		log_call("race round %llu", (unsigned long long)race.round);
		race.end_calls = atomic_load(&calls_done) + per_round;
		if (race.end_calls > end)
			race.end_calls = end;
		atomic_store(&race.stop, false);
		if (!round_setup(w, &r)) {
			round_teardown();
			atomic_fetch_add(&calls_done, 1);	/* a refused VM still counts */
			continue;
		}
		for (i = 0; i < RACE_THREADS; i++) {
			pthread_attr_init(&attr);
			/* Our own stacks: no mmap while holes are open (world.c). */
			pthread_attr_setstack(&attr, stacks[i], RACE_STACK);
			if (pthread_create(&threads[i], &attr, fns[i], (void *)(uintptr_t)i))
				fatal("pthread_create: %s", strerror(errno));
			pthread_attr_destroy(&attr);
		}
		for (i = 0; i < RACE_THREADS; i++)
			pthread_join(threads[i], NULL);
		round_teardown();
	}
	printf("jfuzz: %llu race rounds\n", (unsigned long long)race.round);
}
