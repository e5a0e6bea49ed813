// SPDX-License-Identifier: GPL-2.0
/*
 * mem.c - the fuzzer's address space: the reservations, the guest-memory
 * chunks in the arena, and the sweep of descriptors that random ioctls made.
 *
 * Guest memory lives in the arena, a PROT_NONE reservation made at start-up:
 * each chunk has a fixed place there, and munmap/mremap leave a hole that is
 * at once reserved again (MAP_FIXED_NOREPLACE).  Nothing else of the
 * fuzzer's is mapped after start-up (no malloc, thread stacks of our own,
 * the vCPU mappings at fixed places in their own arena), so a hole is never
 * filled by the fuzzer's own data: a slot that still points there, and a
 * guest running random code through it, cannot reach the fuzzer's memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jfuzz.h"

uint8_t *reserve(size_t len)
{
	uint8_t *p = mmap(NULL, len, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap reserve: %s", strerror(errno));
	return p;
}

/* Give a hole back to the reservation; if something else took it, say so. */
bool rereserve(uint8_t *addr, size_t len)
{
	void *p = mmap(addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == (void *)addr)
		return true;
	if (p != MAP_FAILED)
		munmap(p, len);
	return false;
}


/* --- guest memory ---------------------------------------------------------- */
bool chunk_map(struct chunk *c, size_t size, bool shared)
{
	void *p;

	if (c->dead)
		return false;
	/* MAP_FIXED replaces only our own reservation or our own chunk. */
	p = mmap(c->addr, CHUNK_MAX, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0);
	if (p == MAP_FAILED)
		fatal("mmap chunk reserve: %s", strerror(errno));
	p = mmap(c->addr, size, PROT_READ | PROT_WRITE,
		 (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	log_call("mmap(%p, 0x%zx, rw, %s) = %p", (void *)c->addr, size,
		 shared ? "shared" : "private", p);
	atomic_fetch_add(&calls_done, 1);
	c->readonly = false;
	if (p == MAP_FAILED) {
		c->size = 0;
		return false;
	}
	c->size = size;
	return true;
}

void chunk_unmap(struct chunk *c)
{
	int ret;

	if (c->dead)
		return;
	ret = munmap(c->addr, CHUNK_MAX);
	log_call("munmap(%p, 0x%lx) = %d", (void *)c->addr, CHUNK_MAX, ret);
	atomic_fetch_add(&calls_done, 1);
	c->size = 0;
	if (!rereserve(c->addr, CHUNK_MAX))
		c->dead = true;
}

bool chunk_mremap(struct chunk *from, struct chunk *to)
{
	void *p;

	if (from->dead || to->dead || !from->size || from == to)
		return false;
	/* The destination is our reservation: MREMAP_FIXED replaces it. */
	p = mremap(from->addr, from->size, from->size, MREMAP_MAYMOVE | MREMAP_FIXED, to->addr);
	log_call("mremap(%p, 0x%zx -> %p) = %p", (void *)from->addr, from->size,
		 (void *)to->addr, p);
	atomic_fetch_add(&calls_done, 1);
	if (p == MAP_FAILED)
		return false;
	to->size = from->size;
	to->readonly = from->readonly;
	from->size = 0;
	if (!rereserve(from->addr, CHUNK_MAX))
		from->dead = true;
	return true;
}

/* Random bytes, so a guest runs random code; sometimes a program that exits. */
void chunk_fill(struct rng *r, struct chunk *c)
{
	static const uint8_t out_hlt[] = { 0xe6, 0x10, 0xf4, 0xeb, 0xfb };	/* out; hlt; jmp */
	size_t len = c->size < 0x10000 ? c->size : 0x10000;

	if (!len || c->readonly)
		return;
	rng_fill(r, c->addr, len);
	if (rng_chance(r, 30))
		memcpy(c->addr + (rng_below(r, len - sizeof(out_hlt)) & ~15UL), out_hlt,
		       sizeof(out_hlt));
}

/* Descriptors that random ioctls made (KVM_CREATE_VM, KVM's device and stats fds). */
void world_sweep_fds(struct world *w)
{
	static char buf[4096] __attribute__((aligned(8)));
	bool known[CLOSED_FD] = { false };
	unsigned int i, j;
	long n, off;
	int dir, fd;

	known[0] = known[1] = known[2] = true;
	if (w->sysfd >= 0)
		known[w->sysfd] = true;
	known[w->foreign[0]] = known[w->foreign[1]] = true;
	if (kmsg_fd >= 0)
		known[kmsg_fd] = true;
	for (i = 0; i < MAX_VMS; i++) {
		if (w->vms[i].fd >= 0)
			known[w->vms[i].fd] = true;
		for (j = 0; j < MAX_VCPUS; j++)
			if (w->vms[i].vcpus[j].fd >= 0)
				known[w->vms[i].vcpus[j].fd] = true;
	}
	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return;
	known[dir] = true;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; ) {
			struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type;
				 char name[]; } *d = (void *)(buf + off);

			fd = -1;
			if (d->name[0] >= '0' && d->name[0] <= '9')
				sscanf(d->name, "%d", &fd);
			if (fd >= 0 && fd < CLOSED_FD && !known[fd])
				close(fd);
			off += d->reclen;
		}
	}
	close(dir);
}

