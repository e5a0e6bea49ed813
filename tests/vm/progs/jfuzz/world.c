// SPDX-License-Identifier: GPL-2.0
/*
 * world.c - the VMs and vCPUs the single-threaded phase works on, and its
 * steps (guest memory: mem.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jfuzz.h"

static struct world *the_world;

void world_init(struct world *w)
{
	unsigned int i, j, k;

	the_world = w;
	memset(w, 0, sizeof(*w));
	close(CLOSED_FD);
	w->sysfd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (w->sysfd < 0)
		fatal("open %s: %s", opt.device, strerror(errno));
	w->foreign[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
	w->foreign[1] = eventfd(0, EFD_CLOEXEC);
	scratch_init(&w->scratch);
	w->arena = reserve(ARENA_CHUNKS * CHUNK_STRIDE);
	for (i = 0; i < ARENA_CHUNKS; i++)
		w->chunks[i].addr = w->arena + i * CHUNK_STRIDE;
	/* One place per vCPU, a guard page between places. */
	w->run_arena = reserve(MAX_VMS * MAX_VCPUS * (RUN_MAP_SIZE + PAGE));
	for (i = 0; i < MAX_VMS; i++) {
		w->vms[i].fd = -1;
		for (j = 0; j < MAX_VCPUS; j++)
			w->vms[i].vcpus[j].fd = -1;
		for (k = 0; k < TRACKED_SLOTS; k++)
			w->vms[i].slot_chunk[k] = -1;
	}
}

static uint8_t *run_place(struct world *w, unsigned int vmi, unsigned int vi)
{
	return w->run_arena + (vmi * MAX_VCPUS + vi) * (RUN_MAP_SIZE + PAGE);
}

uint64_t slot_addr(struct rng *r)
{
	struct world *w = the_world;
	struct chunk *c = &w->chunks[rng_below(r, ARENA_CHUNKS)];
	uint64_t a;

	if (c->dead)
		return hostile_addr(r);
	switch (rng_below(r, 10)) {
	case 0:
	case 1:
		return hostile_addr(r);
	case 2:	/* a vCPU's own kvm_run mapping, or the place of one */
		return (uintptr_t)run_place(w, (unsigned int)rng_below(r, MAX_VMS),
					    (unsigned int)rng_below(r, MAX_VCPUS));
	case 3:	/* inside the chunk, maybe unaligned */
		a = (uintptr_t)c->addr + rng_below(r, CHUNK_MAX / PAGE) * PAGE;
		return rng_chance(r, 50) ? a : a + 1 + rng_below(r, PAGE - 1);
	default:
		return (uintptr_t)c->addr;
	}
}
void vcpu_real_mode(int fd, const char *name, struct kvm_sregs *tmpl, uint64_t rip)
{
	struct kvm_sregs sregs = *tmpl;
	struct kvm_regs regs;

	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	fz_ioctl(fd, name, KVM_SET_SREGS, (unsigned long)&sregs, "real mode, cs 0");
	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = 0x8000;
	regs.rflags = 0x2;
	fz_ioctl(fd, name, KVM_SET_REGS, (unsigned long)&regs, "rip set");
}

long vcpu_run_once(int fd, const char *name, struct kvm_run *run)
{
	long ret = fz_ioctl(fd, name, KVM_RUN, 0, "0");

	if (ret < 0)
		return -errno;
	return run ? (long)run->exit_reason : 0;
}

static bool map_run(struct world *w, unsigned int vmi, unsigned int vi, size_t len,
		    unsigned long off, int prot, int flags)
{
	struct vcpu *v = &w->vms[vmi].vcpus[vi];
	uint8_t *place = run_place(w, vmi, vi);
	void *p;

	p = mmap(place, len, prot, flags | MAP_FIXED, v->fd, (off_t)off);
	log_call("mmap(vcpu=%d, len 0x%zx, off 0x%lx, prot %d, flags 0x%x) = %p", v->fd, len, off,
		 prot, flags, p);
	atomic_fetch_add(&calls_done, 1);
	if (p == MAP_FAILED) {
		/* A failed MAP_FIXED may have unmapped the old place. */
		munmap(place, RUN_MAP_SIZE);
		v->run = NULL;
		if (!rereserve(place, RUN_MAP_SIZE))
			fatal("the vCPU mapping place %p was taken", (void *)place);
		return false;
	}
	/* The fuzzer writes immediate_exit there: only a writable page 0 will do. */
	v->run = (off == 0 && (prot & PROT_READ) && (prot & PROT_WRITE)) ? (struct kvm_run *)place : NULL;
	v->run_len = len;
	return true;
}

static void unmap_run(struct world *w, unsigned int vmi, unsigned int vi)
{
	uint8_t *place = run_place(w, vmi, vi);

	munmap(place, RUN_MAP_SIZE);
	w->vms[vmi].vcpus[vi].run = NULL;
	if (!rereserve(place, RUN_MAP_SIZE))
		fatal("the vCPU mapping place %p was taken", (void *)place);
}

static void close_vcpu(struct world *w, unsigned int vmi, unsigned int vi)
{
	struct vcpu *v = &w->vms[vmi].vcpus[vi];

	log_call("close(vcpu=%d)", v->fd);
	atomic_fetch_add(&calls_done, 1);
	close(v->fd);
	unmap_run(w, vmi, vi);
	v->fd = -1;
}

static void close_vm(struct world *w, unsigned int vmi)
{
	struct vm *vm = &w->vms[vmi];
	unsigned int k;

	if (vm->fd < 0)
		return;
	log_call("close(vm=%d)", vm->fd);
	atomic_fetch_add(&calls_done, 1);
	close(vm->fd);
	vm->fd = -1;
	for (k = 0; k < TRACKED_SLOTS; k++)
		vm->slot_chunk[k] = -1;
}

void world_close_all(struct world *w)
{
	unsigned int i, j;

	for (i = 0; i < MAX_VMS; i++) {
		for (j = 0; j < MAX_VCPUS; j++)
			if (w->vms[i].vcpus[j].fd >= 0)
				close_vcpu(w, i, j);
		close_vm(w, i);
	}
	world_sweep_fds(w);
}

/* --- picking things ------------------------------------------------------ */
static struct vm *pick_vm(struct world *w, struct rng *r, unsigned int *vmi)
{
	unsigned int i, start = (unsigned int)rng_below(r, MAX_VMS);

	for (i = 0; i < MAX_VMS; i++) {
		*vmi = (start + i) % MAX_VMS;
		if (w->vms[*vmi].fd >= 0)
			return &w->vms[*vmi];
	}
	return NULL;
}

static struct vcpu *pick_vcpu(struct world *w, struct rng *r, unsigned int *vmi, unsigned int *vi)
{
	unsigned int i, start = (unsigned int)rng_below(r, MAX_VMS * MAX_VCPUS);

	for (i = 0; i < MAX_VMS * MAX_VCPUS; i++) {
		unsigned int n = (start + i) % (MAX_VMS * MAX_VCPUS);

		*vmi = n / MAX_VCPUS;
		*vi = n % MAX_VCPUS;
		if (w->vms[*vmi].vcpus[*vi].fd >= 0)
			return &w->vms[*vmi].vcpus[*vi];
	}
	return NULL;
}

static int pick_fd(struct world *w, struct rng *r, const char **name)
{
	unsigned int vmi, vi, k = (unsigned int)rng_below(r, 100);
	struct vcpu *v;
	struct vm *vm;

	if (k < 40 && (v = pick_vcpu(w, r, &vmi, &vi))) {
		*name = "vcpu";
		return v->fd;
	}
	if (k < 75 && (vm = pick_vm(w, r, &vmi))) {
		*name = "vm";
		return vm->fd;
	}
	if (k < 88 && w->sysfd >= 0) {
		*name = "sys";
		return w->sysfd;
	}
	if (k < 94) {
		*name = "foreign";
		return w->foreign[rng_below(r, 2)];
	}
	*name = "closed";
	return rng_chance(r, 80) ? CLOSED_FD : -1;
}

/* --- the steps ----------------------------------------------------------- */
static void step_ioctl(struct world *w, struct rng *r)
{
	const char *name;
	char desc[96];
	int fd = pick_fd(w, r, &name);
	unsigned long cmd = pick_cmd(r);
	unsigned long arg = make_arg(r, &w->scratch, cmd, desc, sizeof(desc));

	fz_ioctl(fd, name, cmd, arg, desc);
}

static void step_create(struct world *w, struct rng *r)
{
	unsigned int i, j, vmi;
	struct kvm_sregs sregs;
	struct vm *vm;
	int fd, size;

	if (rng_chance(r, 35)) {
		for (i = 0; i < MAX_VMS; i++) {
			bool has_vcpus = false;

			for (j = 0; j < MAX_VCPUS; j++)
				has_vcpus |= w->vms[i].vcpus[j].fd >= 0;
			if (w->vms[i].fd < 0 && !has_vcpus)
				break;
		}
		if (i == MAX_VMS || w->sysfd < 0)
			return;
		w->vms[i].fd = (int)fz_ioctl(w->sysfd, "sys", KVM_CREATE_VM, 0, "value 0x0");
		return;
	}
	vm = pick_vm(w, r, &vmi);
	if (!vm)
		return;
	for (j = 0; j < MAX_VCPUS && vm->vcpus[j].fd >= 0; j++)
		;
	if (j == MAX_VCPUS)
		return;
	/* ids 0-7, sometimes one in use already (EEXIST) */
	fd = (int)fz_ioctl(vm->fd, "vm", KVM_CREATE_VCPU, rng_below(r, 8), "vcpu id");
	if (fd < 0)
		return;
	vm->vcpus[j].fd = fd;
	size = w->sysfd >= 0 ? (int)fz_ioctl(w->sysfd, "sys", KVM_GET_VCPU_MMAP_SIZE, 0, "0") : -1;
	if (size <= 0 || size > (int)RUN_MAP_SIZE)
		size = 2 * PAGE;
	map_run(w, vmi, j, (size_t)size, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (!w->have_template &&
	    fz_ioctl(fd, "vcpu", KVM_GET_SREGS, (unsigned long)&sregs, "template") == 0) {
		w->sregs_template = sregs;
		w->have_template = true;
	}
}

static void step_close(struct world *w, struct rng *r)
{
	unsigned int vmi, vi, k = (unsigned int)rng_below(r, 100);
	struct vcpu *v;

	if (k < 45 && (v = pick_vcpu(w, r, &vmi, &vi))) {
		close_vcpu(w, vmi, vi);
	} else if (k < 60 && (v = pick_vcpu(w, r, &vmi, &vi))) {
		/* A random mapping of the vCPU fd in its place. */
		static const size_t lens[] = { PAGE, 2 * PAGE, 3 * PAGE, 4 * PAGE, 1 };
		static const unsigned long offs[] = { 0, PAGE, 2 * PAGE, 3 * PAGE, 1UL << 40 };
		static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
					     PROT_READ | PROT_EXEC };

		map_run(w, vmi, vi, lens[rng_below(r, ARRAY_SIZE(lens))],
			offs[rng_below(r, ARRAY_SIZE(offs))], prots[rng_below(r, ARRAY_SIZE(prots))],
			rng_chance(r, 70) ? MAP_SHARED : MAP_PRIVATE);
	} else if (k < 75 && (v = pick_vcpu(w, r, &vmi, &vi))) {
		unmap_run(w, vmi, vi);
	} else if (k < 95 && pick_vm(w, r, &vmi)) {
		close_vm(w, vmi);
	} else if (w->sysfd >= 0) {
		log_call("close(sys=%d), open again", w->sysfd);
		atomic_fetch_add(&calls_done, 1);
		close(w->sysfd);
		w->sysfd = open(opt.device, O_RDWR | O_CLOEXEC);
	}
}

static void set_slot(struct vm *vm, unsigned int slot, uint64_t gpa, uint64_t size, uint64_t addr,
		     const char *what)
{
	struct kvm_userspace_memory_region m = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size, .userspace_addr = addr,
	};
	char desc[96];

	snprintf(desc, sizeof(desc), "%s: slot %u gpa 0x%llx size 0x%llx hva 0x%llx", what, slot,
		 (unsigned long long)gpa, (unsigned long long)size, (unsigned long long)addr);
	fz_ioctl(vm->fd, "vm", KVM_SET_USER_MEMORY_REGION, (unsigned long)&m, desc);
}

static void step_memory(struct world *w, struct rng *r)
{
	unsigned int vmi, slot = (unsigned int)rng_below(r, TRACKED_SLOTS);
	unsigned int ci = (unsigned int)rng_below(r, ARENA_CHUNKS);
	struct chunk *c = &w->chunks[ci], *to;
	struct vm *vm = pick_vm(w, r, &vmi);
	uint64_t gpa;

	switch (rng_below(r, 10)) {
	case 0:
	case 1:
	case 2:	/* guest memory behind a slot: gpa 0 for slot 0 (real mode runs there) */
		if (!vm)
			return;
		if (!c->size)
			chunk_map(c, (1 + rng_below(r, CHUNK_MAX / PAGE)) * PAGE, rng_chance(r, 20));
		if (!c->size)
			return;
		chunk_fill(r, c);
		gpa = slot ? slot * CHUNK_MAX : 0;
		if (rng_chance(r, 10))
			gpa = rng_below(r, 16) * PAGE;		/* overlaps another slot */
		set_slot(vm, slot, gpa, c->size, (uintptr_t)c->addr, "add");
		vm->slot_chunk[slot] = (int)ci;
		vm->slot_gpa[slot] = gpa;
		return;
	case 3:	/* delete or move */
		if (!vm || vm->slot_chunk[slot] < 0)
			return;
		c = &w->chunks[vm->slot_chunk[slot]];
		if (rng_chance(r, 50)) {
			set_slot(vm, slot, 0, 0, (uintptr_t)c->addr, "delete");
			vm->slot_chunk[slot] = -1;
		} else {
			gpa = (TRACKED_SLOTS + rng_below(r, 32)) * CHUNK_MAX;
			set_slot(vm, slot, gpa, c->size, (uintptr_t)c->addr, "move");
		}
		return;
	case 4:	/* unmap guest memory under a live slot */
		chunk_unmap(c);
		return;
	case 5:
		to = &w->chunks[rng_below(r, ARENA_CHUNKS)];
		if (!to->size)
			chunk_mremap(c, to);
		return;
	case 6:	/* replace: fresh pages at the same address */
		if (c->size)
			chunk_map(c, c->size, rng_chance(r, 30));
		return;
	case 7:
		if (c->size) {
			int prot = rng_chance(r, 50) ? PROT_READ : PROT_NONE;

			c->readonly = true;
			log_call("mprotect(%p, 0x%zx, %d) = %d", (void *)c->addr, c->size, prot,
				 mprotect(c->addr, c->size, prot));
			atomic_fetch_add(&calls_done, 1);
		}
		return;
	case 8:
		if (c->size) {
			log_call("madvise(%p, 0x%zx, DONTNEED) = %d", (void *)c->addr, c->size,
				 madvise(c->addr, c->size, MADV_DONTNEED));
			atomic_fetch_add(&calls_done, 1);
		}
		return;
	default:	/* random bytes again: new code for the next run */
		if (c->size)
			chunk_fill(r, c);
		return;
	}
}

static void step_run(struct world *w, struct rng *r)
{
	unsigned int vmi, vi, n = 1 + (unsigned int)rng_below(r, 4);
	struct vcpu *v = pick_vcpu(w, r, &vmi, &vi);
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	long exit;

	if (!v)
		return;
	if (w->have_template && rng_chance(r, 60)) {
		vcpu_real_mode(v->fd, "vcpu", &w->sregs_template, rng_below(r, 0x10000));
	} else if (w->have_template && rng_chance(r, 50)) {
		sregs = w->sregs_template;
		fill_sregs(r, &sregs);
		fz_ioctl(v->fd, "vcpu", KVM_SET_SREGS, (unsigned long)&sregs, "mutated sregs");
		memset(&regs, 0, sizeof(regs));
		fill_regs(r, &regs);
		fz_ioctl(v->fd, "vcpu", KVM_SET_REGS, (unsigned long)&regs, "mutated regs");
	}
	if (v->run && rng_chance(r, 10))
		v->run->immediate_exit = 1;
	if (v->run && rng_chance(r, 10))
		v->run->request_interrupt_window = 1;
	while (n--) {
		exit = vcpu_run_once(v->fd, "vcpu", v->run);
		if (v->run) {
			v->run->immediate_exit = 0;
			v->run->request_interrupt_window = 0;
		}
		if (exit < 0 && exit != -EINTR)
			break;
	}
}

/* A child process may not use the VM (EIO), whatever it tries. */
static void step_fork(struct world *w, struct rng *r)
{
	struct kvm_regs regs;
	unsigned int vmi, vi;
	struct vcpu *v = pick_vcpu(w, r, &vmi, &vi);
	pid_t pid;
	int status;

	if (!v)
		return;
	log_call("fork: the child tries KVM_RUN and KVM_GET_REGS on vcpu=%d", v->fd);
	atomic_fetch_add(&calls_done, 1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(5);
		if (ioctl(v->fd, KVM_RUN, 0) == 0 || ioctl(v->fd, KVM_GET_REGS, &regs) == 0)
			_exit(1);
		_exit(0);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && (!WIFEXITED(status) || WEXITSTATUS(status)))
		fatal("a child process could use its parent's vCPU (status 0x%x)", status);
}

static void step_check(struct world *w)
{
	long v;

	if (w->sysfd < 0)
		return;
	v = fz_ioctl(w->sysfd, "sys", KVM_GET_API_VERSION, 0, "value 0x0");
	if (v != KVM_API_VERSION && !opt.self_test)
		fatal("KVM_GET_API_VERSION returned %ld (errno %d), not 12", v, errno);
}

void world_step(struct world *w, struct rng *r)
{
	unsigned int k = (unsigned int)rng_below(r, 1000);

	if (k < 560)
		step_ioctl(w, r);
	else if (k < 640)
		step_create(w, r);
	else if (k < 680)
		step_close(w, r);
	else if (k < 800)
		step_memory(w, r);
	else if (k < 985)
		step_run(w, r);
	else if (k < 990)
		step_fork(w, r);
	else
		step_check(w);
}

static bool sanity_failed(const char *what)
{
	printf("jfuzz: the known-good guest could not be set up: %s failed\n", what);
	return false;
}

/* The smallest guest (as jtest guest): OUT 0x10, then HLT. */
bool world_sanity_guest(struct world *w)
{
	static const uint8_t code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };
	struct kvm_sregs sregs;
	uint8_t *mem;
	struct kvm_run *run;
	struct vm *vm = &w->vms[0];
	bool saw_out = false;
	long exit = -1;
	int i, size;

	if (w->sysfd < 0)
		w->sysfd = open(opt.device, O_RDWR | O_CLOEXEC);
	/* Memory of its own: the fuzzing may have left the arena's chunks unmapped or read-only. */
	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return sanity_failed("mmap of its memory");
	memcpy(mem + 0x1000, code, sizeof(code));
	vm->fd = (int)fz_ioctl(w->sysfd, "sys", KVM_CREATE_VM, 0, "sanity");
	if (vm->fd < 0)
		return sanity_failed("KVM_CREATE_VM");
	set_slot(vm, 0, 0, 0x10000, (uintptr_t)mem, "sanity");
	vm->vcpus[0].fd = (int)fz_ioctl(vm->fd, "vm", KVM_CREATE_VCPU, 0, "sanity");
	size = (int)fz_ioctl(w->sysfd, "sys", KVM_GET_VCPU_MMAP_SIZE, 0, "0");
	if (vm->vcpus[0].fd < 0 || size <= 0 || size > (int)RUN_MAP_SIZE ||
	    !map_run(w, 0, 0, (size_t)size, 0, PROT_READ | PROT_WRITE, MAP_SHARED))
		return sanity_failed("KVM_CREATE_VCPU or the kvm_run mapping");
	run = vm->vcpus[0].run;
	if (fz_ioctl(vm->vcpus[0].fd, "vcpu", KVM_GET_SREGS, (unsigned long)&sregs, "sanity"))
		return sanity_failed("KVM_GET_SREGS");
	vcpu_real_mode(vm->vcpus[0].fd, "vcpu", &sregs, 0x1000);
	for (i = 0; i < 20; i++) {
		exit = vcpu_run_once(vm->vcpus[0].fd, "vcpu", run);
		if (exit == KVM_EXIT_IO && run->io.port == 0x10 &&
		    ((uint8_t *)run)[run->io.data_offset] == 0x42)
			saw_out = true;
		else if (exit != -EINTR)
			break;
	}
	world_close_all(w);
	munmap(mem, 0x10000);
	if (!saw_out || exit != KVM_EXIT_HLT) {
		printf("jfuzz: the known-good guest: %s, last KVM_RUN result %ld (exit reason, or -errno)\n",
		       saw_out ? "its OUT came" : "no OUT", exit);
		return false;
	}
	return true;
}
